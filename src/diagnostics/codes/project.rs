//! Codes about the project as a whole (`09xx`): its files and directory.

use super::CodeInfo;

/// The project directory holds no `.camp` file.
pub const NO_CAMP_FILES: &str = "W0901";

/// A `.camp` symbolic link in the project points at nothing.
pub const DANGLING_CAMP_LINK: &str = "W0902";

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
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
    },
    CodeInfo {
        code: DANGLING_CAMP_LINK,
        title: "a .camp symbolic link points at nothing",
        explanation: r#"A file in the project directory whose name ends in `.camp` is a symbolic
link, and its target does not exist (it was moved or deleted, or the link
points at itself). There is nothing to read, so the link is skipped and
the rest of the project is checked as usual; this warning names it so a
campaign does not silently go missing.

Other entries that are not `.camp` files are never read, so a broken link
such as `notes.txt` next to the campaigns does not matter at all.

Wrong (`campaigns/winback.camp` links to a file that was deleted):

```camp
// campaigns/winback.camp -> ../archive/winback.camp (missing)
```

Right (the link points at an existing file, or is a plain file):

```camp
// campaigns/winback.camp
segment lapsed = plan == trial
```

With `--deny warnings` this warning makes the command exit with code 1.
"#,
    },
];

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
