//! Provinces and their time zones (Kemendagri codes, the first two digits of a NIK).

use crate::reference::PROVINCES;

/// A province by its two-digit Kemendagri code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    pub code: &'static str,
    pub name: &'static str,
    /// IANA zone: Asia/Jakarta (WIB), Asia/Pontianak (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT).
    pub time_zone: &'static str,
    pub capital: &'static str,
}

impl Province {
    pub fn by_code(code: &str) -> Option<Province> {
        PROVINCES.iter().find(|(c, ..)| *c == code).map(|&(code, name, time_zone, capital)| Province {
            code,
            name,
            time_zone,
            capital,
        })
    }

    pub fn all() -> impl Iterator<Item = Province> {
        PROVINCES.iter().map(|&(code, name, time_zone, capital)| Province { code, name, time_zone, capital })
    }
}

/// The Indonesian time zones a branch can be in. No daylight saving anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IndonesianZone {
    /// Waktu Indonesia Barat, UTC+7.
    Wib,
    /// Waktu Indonesia Tengah, UTC+8.
    Wita,
    /// Waktu Indonesia Timur, UTC+9.
    Wit,
}

impl IndonesianZone {
    /// The zone an IANA name belongs to; `None` for names outside Indonesia.
    pub fn from_iana(name: &str) -> Option<Self> {
        match name {
            "Asia/Jakarta" | "Asia/Pontianak" => Some(Self::Wib),
            "Asia/Makassar" => Some(Self::Wita),
            "Asia/Jayapura" => Some(Self::Wit),
            _ => None,
        }
    }

    pub fn abbreviation(self) -> &'static str {
        match self {
            Self::Wib => "WIB",
            Self::Wita => "WITA",
            Self::Wit => "WIT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_38_provinces_including_2022_papua_split() {
        assert_eq!(Province::all().count(), 38);
        for code in ["93", "94", "95", "96"] {
            let p = Province::by_code(code).expect(code);
            assert_eq!(p.time_zone, "Asia/Jayapura");
        }
        assert!(Province::by_code("97").is_none());
    }

    #[test]
    fn every_province_zone_is_indonesian() {
        for p in Province::all() {
            assert!(IndonesianZone::from_iana(p.time_zone).is_some(), "{}", p.name);
        }
    }
}
