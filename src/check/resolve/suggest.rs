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
    fn ties_are_broken_alphabetically() {
        assert_eq!(closest("plan_a", ["plan_c", "plan_b"]), Some("plan_b"));
    }
}
