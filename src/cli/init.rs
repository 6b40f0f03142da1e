//! `campaignc init [DIR]`: write a small starter project that checks clean
//! under `--deny warnings`, builds, and whose tests pass, and (unless
//! `--no-workflow`) a GitHub Actions workflow for it in
//! `.github/workflows/campaigns.yml` of the current directory. The work is
//! [`crate::starter::init_project`] and [`crate::starter::write_workflow`];
//! this prints what it created and what to run next.

use std::path::{Path, PathBuf};

use super::{output, Exit};
use crate::starter::{init_project, write_workflow, WorkflowOutcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the project; must not exist or be empty.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// Do not write .github/workflows/campaigns.yml.
    #[arg(long)]
    pub no_workflow: bool,
}

pub fn run(args: &Args) -> Exit {
    match init_project(&args.dir) {
        Ok(mut created) => {
            let mut note = String::new();
            if !args.no_workflow {
                match write_workflow(Path::new("."), &args.dir) {
                    Ok(WorkflowOutcome::Written(path)) => created.push(path),
                    Ok(WorkflowOutcome::Kept(path)) => {
                        note = format!(
                            "Kept the existing {} (init never overwrites).\n",
                            path.display()
                        )
                    }
                    Ok(WorkflowOutcome::Skipped(why)) => {
                        note = format!("No GitHub Actions workflow written: {why}.\n")
                    }
                    Err(err) => {
                        output::stdout(&created_message(&args.dir, &created));
                        output::fatal(err);
                        return Exit::Usage;
                    }
                }
            }
            output::stdout(&created_message(&args.dir, &created));
            output::stdout(&crate::text::escape_control(&note));
            Exit::Clean
        }
        Err(err) => {
            output::fatal(err);
            Exit::Usage
        }
    }
}

/// What was created and what to run next.
fn created_message(dir: &Path, created: &[PathBuf]) -> String {
    let mut text = format!("Created a starter project in {}:\n", dir.display());
    for path in created {
        text.push_str(&format!("  {}\n", path.display()));
    }
    let shown = shell_word(&dir.display().to_string());
    let next = [
        (
            format!("campaignc check {shown} --deny warnings"),
            "parse and type-check",
        ),
        (
            format!("campaignc test {shown}"),
            "run the tests on the simulator",
        ),
        (
            format!("campaignc build {shown}"),
            "plans and previews in out/",
        ),
        (
            format!("campaignc watch {shown} --serve 127.0.0.1:8000"),
            "previews that reload on save",
        ),
    ];
    let width = next.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    text.push_str("\nNext:\n");
    for (command, why) in &next {
        text.push_str(&format!("  {command:width$}   # {why}\n"));
    }
    text
}

/// Quotes a path for a POSIX shell when it holds anything but plain
/// characters, so the printed commands can be pasted as they are.
pub(super) fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@+=,".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_with_spaces_are_quoted_in_the_next_commands() {
        assert_eq!(shell_word("campaigns"), "campaigns");
        assert_eq!(shell_word("my campaigns"), "'my campaigns'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
