//! "Did you mean …?" suggestions for unknown names.
//!
//! Jaro-Winkler similarity favours a shared prefix, which matches the typos
//! people make in snake_case names (`new_trail` for `new_trials`). A fixed
//! threshold keeps unrelated names from being suggested.

/// Below this Jaro-Winkler similarity a candidate is not worth suggesting.
const THRESHOLD: f64 = 0.8;

/// The candidate closest to `name`, if one is close enough. Ties go to the
/// alphabetically first candidate so the suggestion is deterministic.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = strsim::jaro_winkler(name, candidate);
        if score < THRESHOLD {
            continue;
        }
        let better = match best {
            None => true,
            Some((s, c)) => score > s || (score == s && candidate < c),
        };
        if better {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` for the closest candidate, ready for a help line.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// The known locale tag closest to `tag`, for "did you mean": [`closest`]
/// first; then, since two-letter tags are too short for Jaro-Winkler, a
/// tag one edit away (`vn` → `vi`, `cz` → `cs`), the one sharing the
/// longest prefix first (a typo keeps the first letter more often than
/// not), ties alphabetically. Tags that differ only in case are the same locale
/// and never suggested.
pub fn closest_locale<'a>(
    tag: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let candidates: Vec<&'a str> = candidates
        .into_iter()
        .filter(|c| !c.eq_ignore_ascii_case(tag))
        .collect();
    if let Some(c) = closest(tag, candidates.iter().copied()) {
        return Some(c);
    }
    let lower = tag.to_ascii_lowercase();
    let prefix = |c: &str| {
        lower
            .bytes()
            .zip(c.to_ascii_lowercase().bytes())
            .take_while(|(a, b)| a == b)
            .count()
    };
    candidates
        .into_iter()
        .filter(|c| strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()) == 1)
        .max_by(|a, b| prefix(a).cmp(&prefix(b)).then(b.cmp(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["new_trials", "vip", "lapsed_buyers"];
        assert_eq!(closest("new_trail", names), Some("new_trials"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(
            closest("vip", names),
            None,
            "an exact name is not a suggestion"
        );
    }

    #[test]
    fn suggests_locales_one_edit_away() {
        let known = ["cs", "en", "vi", "zh-Hant"];
        assert_eq!(closest_locale("vn", known), Some("vi"));
        assert_eq!(closest_locale("cz", known), Some("cs"));
        assert_eq!(closest_locale("zh-Hnat", known), Some("zh-Hant"));
        assert_eq!(closest_locale("EN", known), None, "same locale");
        assert_eq!(closest_locale("fr", known), None);
    }

    #[test]
    fn ties_are_broken_alphabetically() {
        assert_eq!(closest("plan_a", ["plan_c", "plan_b"]), Some("plan_b"));
    }
}
