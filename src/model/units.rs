//! Durations and sizes as a French reader expects them, in the window and the CLI alike:
//! `0,2 s`, `2 min 10 s`, `1 h 05 min`; `300 octets`, `12 Ko`, `3,4 Mo`. A size is never
//! shown as `0,0 Mo`: the unit follows the magnitude.

use std::time::Duration;

/// `0,2 s`, `12 s`, `2 min 10 s`, `5 min`, `1 h 05 min`, `6 h`.
pub fn format_duration(d: Duration) -> String {
    let millis = d.as_millis();
    if millis < 10_000 {
        // Under ten seconds the tenth says something (a sync in 0,2 s, a wait of 1,5 s).
        let tenths = (millis + 50) / 100;
        return if tenths.is_multiple_of(10) {
            format!("{} s", tenths / 10)
        } else {
            format!("{},{} s", tenths / 10, tenths % 10)
        };
    }
    let secs = (millis + 500) / 1000;
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s} s"),
        (0, m, 0) => format!("{m} min"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, 0, _) => format!("{h} h"),
        (h, m, _) => format!("{h} h {m:02} min"),
    }
}

/// « reste environ 2 min 10 s »: an estimate, so rounded to what matters (seconds under
/// a minute, ten seconds under ten minutes, minutes beyond).
pub fn format_remaining(d: Duration) -> String {
    let secs = d.as_secs_f64().round() as u64;
    let rounded = if secs < 60 {
        secs.max(1)
    } else if secs < 600 {
        (secs + 5) / 10 * 10
    } else {
        (secs + 30) / 60 * 60
    };
    format!(
        "reste environ {}",
        format_duration(Duration::from_secs(rounded))
    )
}

/// `300 octets`, `1 octet`, `12 Ko`, `3,4 Mo`, `10 Mo`, `1,2 Go` (1 Ko = 1 024 octets).
pub fn format_size(bytes: u64) -> String {
    const KO: u64 = 1024;
    const MO: u64 = 1024 * KO;
    const GO: u64 = 1024 * MO;
    if bytes < KO {
        return if bytes <= 1 {
            format!("{bytes} octet")
        } else {
            format!("{bytes} octets")
        };
    }
    if bytes < MO {
        // Rounded up below 10 Ko so a small file never reads « 0 Ko ».
        let ko = (bytes + KO / 2) / KO;
        return format!("{} Ko", ko.max(1));
    }
    let (unit, name) = if bytes < GO { (MO, "Mo") } else { (GO, "Go") };
    let tenths = (bytes * 10 + unit / 2) / unit;
    if tenths.is_multiple_of(10) {
        format!(
            "{} {name}",
            crate::model::format_count((tenths / 10) as usize)
        )
    } else {
        format!("{},{} {name}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn short_durations_keep_their_tenth_with_a_comma() {
        assert_eq!(format_duration(ms(200)), "0,2 s");
        assert_eq!(format_duration(ms(0)), "0 s");
        assert_eq!(format_duration(ms(1_500)), "1,5 s");
        assert_eq!(format_duration(ms(3_000)), "3 s");
        assert_eq!(format_duration(ms(9_960)), "10 s");
    }

    #[test]
    fn longer_durations_speak_in_minutes_and_hours() {
        assert_eq!(format_duration(ms(12_400)), "12 s");
        assert_eq!(format_duration(Duration::from_secs(130)), "2 min 10 s");
        assert_eq!(format_duration(Duration::from_secs(300)), "5 min");
        assert_eq!(format_duration(Duration::from_secs(3_900)), "1 h 05 min");
        assert_eq!(format_duration(Duration::from_secs(6 * 3600)), "6 h");
    }

    #[test]
    fn the_remaining_time_is_rounded_like_an_estimate() {
        assert_eq!(format_remaining(ms(300)), "reste environ 1 s");
        assert_eq!(format_remaining(ms(44_600)), "reste environ 45 s");
        assert_eq!(
            format_remaining(Duration::from_secs(128)),
            "reste environ 2 min 10 s"
        );
        assert_eq!(
            format_remaining(Duration::from_secs(1_250)),
            "reste environ 21 min"
        );
    }

    #[test]
    fn sizes_take_the_unit_of_their_magnitude_never_zero_megabytes() {
        assert_eq!(format_size(0), "0 octet");
        assert_eq!(format_size(300), "300 octets");
        assert_eq!(format_size(1_024), "1 Ko");
        assert_eq!(format_size(12 * 1024 + 100), "12 Ko");
        assert_eq!(format_size(30_000), "29 Ko");
        assert_eq!(format_size(3_565_158), "3,4 Mo");
        assert_eq!(format_size(10 * 1024 * 1024), "10 Mo");
        assert_eq!(format_size(11 * 1024 * 1024 + 512 * 1024), "11,5 Mo");
        assert_eq!(format_size(1_288_490_189), "1,2 Go");
        for bytes in [1u64, 5_000, 51_000, 1_048_575, 1_048_576] {
            let text = format_size(bytes);
            assert!(
                !text.starts_with("0,0") && !text.starts_with("0 "),
                "{text}"
            );
        }
    }
}
