//! `campaignc explain CODE` and `campaignc explain --list`: the long form of
//! a diagnostic, as documented in the code registry.

use super::{output, Exit};
use crate::diagnostics::codes::{self, CodeInfo};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A diagnostic code such as E0201 (case does not matter).
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its title.
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

pub fn run(args: &Args) -> Exit {
    let all = codes::all();
    let Some(code) = args.code.as_deref().filter(|_| !args.list) else {
        output::stdout(&list(&all));
        return Exit::Clean;
    };
    match codes::lookup(code) {
        Some(info) => {
            output::stdout(&format!(
                "{}: {}\n\n{}\n",
                info.code,
                info.title,
                info.explanation.trim_end()
            ));
            Exit::Clean
        }
        None => {
            let mut message = format!("unknown diagnostic code `{code}`\n");
            if let Some(close) = closest(code, &all) {
                message.push_str(&format!(
                    "help: did you mean `{}` ({})?\n",
                    close.code, close.title
                ));
            }
            message.push_str("help: `campaignc explain --list` lists every code\n");
            output::stderr(&format!("error: {message}"));
            Exit::Usage
        }
    }
}

/// `CODE  title`, one line per code, sorted.
fn list(all: &[CodeInfo]) -> String {
    all.iter()
        .map(|c| format!("{}  {}\n", c.code, c.title))
        .collect()
}

/// The registered code nearest to a mistyped one (`E021` → `E0201`,
/// `W0109` → `W0901`), if any is within two edits.
fn closest<'a>(code: &str, all: &'a [CodeInfo]) -> Option<&'a CodeInfo> {
    let wanted = code.to_ascii_uppercase();
    all.iter()
        .map(|c| (strsim::damerau_levenshtein(&wanted, c.code), c))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, c)| (*distance, c.code))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &[CodeInfo] = &[
        CodeInfo {
            code: "E0201",
            title: "unknown name",
            explanation: "",
        },
        CodeInfo {
            code: "W0901",
            title: "no files",
            explanation: "",
        },
    ];

    #[test]
    fn closest_finds_transpositions_and_ignores_case_but_not_distant_codes() {
        assert_eq!(closest("w0109", TABLE).map(|c| c.code), Some("W0901"));
        assert_eq!(closest("E021", TABLE).map(|c| c.code), Some("E0201"));
        assert_eq!(closest("X9999", TABLE).map(|c| c.code), None);
    }

    #[test]
    fn list_has_one_line_per_code() {
        assert_eq!(list(TABLE), "E0201  unknown name\nW0901  no files\n");
    }
}
