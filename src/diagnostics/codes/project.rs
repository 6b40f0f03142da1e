//! Codes about the project as a whole (`09xx`): its files and directory.

use super::CodeInfo;

/// The project directory holds no `.camp` file.
pub const NO_CAMP_FILES: &str = "W0901";

pub const CODES: &[CodeInfo] = &[CodeInfo {
    code: NO_CAMP_FILES,
    title: "no .camp files in the project directory",
    explanation: r#"The directory given to `campaignc` (by default `campaigns`) exists but
contains no `*.camp` file, so there is nothing to check or build. Files in
hidden directories (names starting with `.`) are not part of a project.

This is usually a wrong path: `campaignc check src` instead of
`campaignc check campaigns`, or files saved with another extension.

Wrong (`campaigns/onboarding.txt` is not read):

```camp
// campaigns/onboarding.txt
segment new_trials = plan == trial
```

Right (the file ends in `.camp`):

```camp
// campaigns/onboarding.camp
segment new_trials = plan == trial
```

With `--deny warnings` this warning makes the command exit with code 1.
"#,
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_codes_are_09xx_with_a_wrong_and_a_right_example() {
        for info in CODES {
            assert!(info.code[1..].starts_with("09"), "{}", info.code);
            assert!(info.code.starts_with('E') || info.code.starts_with('W'));
            assert!(
                info.explanation.matches("```camp").count() >= 2,
                "{}",
                info.code
            );
            assert!(
                super::super::lookup(info.code).is_some(),
                "{} registered",
                info.code
            );
        }
    }
}
