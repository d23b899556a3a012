//! The reports' timestamps: RFC 3339 in UTC with milliseconds, `2026-12-04T06:16:14.123Z`, as
//! humantime's `format_rfc3339_millis` writes them. Written here because the bench binary
//! needs nothing else from humantime, which cost every user's clean bench build a crate
//! (docs/build-time.md); the tests check it against humantime.

use std::time::{SystemTime, UNIX_EPOCH};

/// `time` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (a time before 1970 is written as the epoch).
pub fn rfc3339_millis(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days(secs / 86_400);
    let of_day = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60,
        since.subsec_millis()
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01: the inverse of "days from civil" in
/// Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms", for days on or after 1970
/// (eras of 400 years, each 146,097 days, counted from 0000-03-01).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn every_day_from_1970_to_2500_is_written_as_humantime_writes_it() {
        // Each day at a time of day and a millisecond that move, so that every field varies.
        for day in 0..(530 * 366) {
            let secs = day * 86_400 + (day * 3_607) % 86_400;
            let at = UNIX_EPOCH + Duration::from_millis(secs * 1000 + day % 1000);
            assert_eq!(
                rfc3339_millis(at),
                humantime::format_rfc3339_millis(at).to_string(),
                "day {day}"
            );
        }
    }

    #[test]
    fn known_instants() {
        // python3 -c 'import datetime as d; [print(d.datetime.fromtimestamp(t, d.timezone.utc)
        //   .isoformat(timespec="milliseconds")) for t in (951782400.5, 4107542399.999,
        //   4107542400.0)]' prints 2000-02-29T00:00:00.500+00:00, 2100-02-28T23:59:59.999+00:00
        //   and 2100-03-01T00:00:00.000+00:00.
        let at = |ms: u64| rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms));
        assert_eq!(at(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(951_782_400_500), "2000-02-29T00:00:00.500Z");
        assert_eq!(at(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
        assert_eq!(at(4_107_542_400_000), "2100-03-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(UNIX_EPOCH - Duration::from_secs(1)),
            "1970-01-01T00:00:00.000Z"
        );
    }
}
