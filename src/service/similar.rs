//! "Did you mean …?" for names people mistype.

/// The candidate closest to `wanted` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(wanted: &str, candidates: &'a [String]) -> Option<&'a str> {
    let wanted = wanted.to_lowercase();
    candidates
        .iter()
        .map(|c| (distance(&wanted, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

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
