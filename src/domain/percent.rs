//! Percentages as people read them: whole numbers, rounded half up (2 of 3 is 67 %, 1 of 8 is
//! 13 %). Every percentage Cadence shows — coverage, digests, reports, the attention audit —
//! comes from here, so the same figure never reads 66 in one place and 67 in another.

/// `part` of `whole` as a whole percentage, rounded half up; `None` when `whole` is zero.
pub fn percent(part: u64, whole: u64) -> Option<u64> {
    if whole == 0 {
        return None;
    }
    // (part × 100 + whole / 2) / whole, in integers so no share is off by a float's error.
    let scaled = u128::from(part) * 200 + u128::from(whole);
    u64::try_from(scaled / (u128::from(whole) * 2)).ok()
}

/// A share (0.0–1.0, or more) as a whole percentage, rounded half up.
pub fn share_percent(share: f64) -> i64 {
    if !share.is_finite() {
        return 0;
    }
    // A share like 0.125 is 12.499999… once multiplied; a millionth's nudge reads it as meant.
    #[allow(clippy::cast_possible_truncation)]
    let rounded = (share * 100.0 + 0.5 + 1e-9).floor() as i64;
    rounded
}

/// A share as a percentage with one decimal ("12.5"), rounded half up, for tables.
pub fn share_percent_tenths(share: f64) -> String {
    if !share.is_finite() {
        return "0.0".to_owned();
    }
    #[allow(clippy::cast_possible_truncation)]
    let tenths = (share * 1000.0 + 0.5 + 1e-9).floor() as i64;
    format!("{}.{}", tenths / 10, (tenths % 10).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_up() {
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(1, 8), Some(13));
        assert_eq!(percent(1, 200), Some(1));
        assert_eq!(percent(0, 4), Some(0));
        assert_eq!(percent(5, 4), Some(125));
        assert_eq!(percent(1, 0), None);
        assert_eq!(share_percent(2.0 / 3.0), 67);
        assert_eq!(share_percent(0.125), 13);
        assert_eq!(share_percent(0.005), 1);
        assert_eq!(share_percent(0.0), 0);
        assert_eq!(share_percent(f64::NAN), 0);
        assert_eq!(share_percent_tenths(0.0125), "1.3");
        assert_eq!(share_percent_tenths(2.0 / 3.0), "66.7");
        assert_eq!(share_percent_tenths(1.0), "100.0");
    }
}
