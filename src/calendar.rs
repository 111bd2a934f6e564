//! Dates from seconds since 1970 (UTC), as players read them: a save's date on the load
//! screen, a crash report's time and file name. Plain arithmetic, no time zone.

/// `2026-12-06 23:50:12`.
pub fn date_time(unix: u64) -> String {
    let (y, m, d) = civil_date(unix / 86_400);
    let s = unix % 86_400;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// `2026-12-06 23:50`, to the minute.
pub fn date_minute(unix: u64) -> String {
    let mut text = date_time(unix);
    text.truncate("2026-12-06 23:50".len());
    text
}

/// The year, month and day `days` days after 1970-01-01 (the proleptic Gregorian
/// calendar; Howard Hinnant's `civil_from_days`).
fn civil_date(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_the_calendars() {
        assert_eq!(date_time(0), "1970-01-01 00:00:00");
        // 2000-02-29, a leap day of a century year divisible by 400.
        assert_eq!(date_time(951_782_400 + 3_661), "2000-02-29 01:01:01");
        assert_eq!(date_time(1_796_601_012), "2026-12-06 23:50:12");
        assert_eq!(date_minute(1_796_392_980), "2026-12-04 14:03");
        // 2100 is not a leap year: 28 February is followed by 1 March.
        assert_eq!(date_time(4_107_456_000), "2100-02-28 00:00:00");
        assert_eq!(date_time(4_107_456_000 + 86_400), "2100-03-01 00:00:00");
    }
}
