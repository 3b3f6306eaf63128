//! Dates as people type them: `2026-09-30` or `30/09/2026` (also with `-` or `.`).

use jiff::civil::{Date, Weekday};

const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "7 Desember 2026" / "7 December 2026".
pub fn long_date(d: Date, indonesian: bool) -> String {
    let month = (d.month() - 1) as usize;
    format!("{} {} {}", d.day(), if indonesian { BULAN[month] } else { MONTHS[month] }, d.year())
}

/// "Senin" / "Monday".
pub fn weekday_name(d: Weekday, indonesian: bool) -> &'static str {
    const HARI: [&str; 7] = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"];
    const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let i = (d.to_monday_one_offset() - 1) as usize;
    if indonesian {
        HARI[i]
    } else {
        DAYS[i]
    }
}

pub fn parse(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(d) = s.parse::<Date>() {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-', '.']).collect();
    if parts.len() == 3 && parts[2].len() == 4 {
        let (d, m, y) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
        return Date::new(y, m, d).ok();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn both_ways_people_write_dates() {
        assert_eq!(parse("2026-09-30"), Some(date(2026, 9, 30)));
        assert_eq!(parse(" 30/09/2026 "), Some(date(2026, 9, 30)));
        assert_eq!(parse("30.09.2026"), Some(date(2026, 9, 30)));
        assert_eq!(parse("31/02/2026"), None);
        assert_eq!(parse("09/30/26"), None);
    }
}
