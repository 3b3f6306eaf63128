//! Dates as people type them: `2026-09-30` or `30/09/2026` (also with `-` or `.`).

use jiff::civil::Date;

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
