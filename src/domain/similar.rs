//! "Did you mean …?": how close a mistyped word is to the words it may have meant. Used by the
//! command grammar for its keywords and by the service for stored names.

/// The edit distance between two short words, in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The candidate closest to `wanted` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(wanted: &str, candidates: &'a [String]) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&wanted, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_edits_in_characters() {
        assert_eq!(edit_distance("gapp", "gap"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggests_near_misses_only() {
        let names = vec!["run EBR".to_owned(), "architecture trade-offs".to_owned()];
        assert_eq!(closest("run EBRs", &names), Some("run EBR"));
        assert_eq!(
            closest("Architecture tradeoffs", &names),
            Some("architecture trade-offs")
        );
        assert_eq!(closest("knitting", &names), None);
    }
}
