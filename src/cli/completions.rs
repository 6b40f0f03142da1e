//! `campaignc completions bash|zsh|fish|powershell|elvish`: prints the
//! script that registers campaignc's completions with the shell.
//!
//! The completions are dynamic (clap_complete's `unstable-dynamic`
//! engine): the script does not list commands and flags itself but asks
//! campaignc on every Tab, by running it with [`COMPLETE_VAR`] set to the
//! shell's name (handled first thing in [`super::main`]). So the commands
//! and flags offered always match the installed binary, and the flags that
//! take a name offer the names in the project: campaigns, messages,
//! personas and locales ([`campaigns`], [`messages`], [`personas`],
//! [`locales`]). The project is the one `campaignc.toml` names, or
//! `campaigns` in the current directory; the DIR typed on the line is not
//! known to a flag's completer.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use clap_complete::engine::CompletionCandidate;
use clap_complete::env::{self, EnvCompleter};

use super::{output, Exit};
use crate::check::model::Model;

/// The environment variable that turns a run of campaignc into a
/// completion request (its value is the shell's name).
pub const COMPLETE_VAR: &str = "CAMPAIGNC_COMPLETE";

/// The shells a script can be printed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to print the registration script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &Args) -> Exit {
    let shell: &dyn EnvCompleter = match args.shell {
        Shell::Bash => &env::Bash,
        Shell::Zsh => &env::Zsh,
        Shell::Fish => &env::Fish,
        Shell::Powershell => &env::Powershell,
        Shell::Elvish => &env::Elvish,
    };
    let mut script = Vec::new();
    if let Err(err) = shell.write_registration(
        COMPLETE_VAR,
        "campaignc",
        "campaignc",
        &completer_path(),
        &mut script,
    ) {
        output::fatal(format!("cannot write the completion script: {err}"));
        return Exit::Usage;
    }
    output::stdout(&String::from_utf8_lossy(&script));
    Exit::Clean
}

/// The program the script runs on Tab: this one, as it was started
/// (`campaignc` from the PATH, or an absolute path when it was started by
/// a path), like clap_complete's own registration.
fn completer_path() -> String {
    let argv0 = std::env::args_os()
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("campaignc"));
    let path = if argv0.components().count() > 1 {
        std::env::current_dir()
            .map(|cwd| cwd.join(&argv0))
            .unwrap_or(argv0)
    } else {
        argv0
    };
    path.to_string_lossy().into_owned()
}

/// The project a completion reads: `campaignc.toml`'s, else `campaigns`.
fn project_dir() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    crate::config::discover(&cwd)
        .unwrap_or_default()
        .project
        .value
}

/// The candidates among `names(model)` that start with what is typed;
/// none when the project cannot be read (completion never fails loudly).
fn complete_names(
    current: &std::ffi::OsStr,
    names: impl Fn(&Model) -> Vec<String>,
) -> Vec<CompletionCandidate> {
    let Some(current) = current.to_str() else {
        return Vec::new();
    };
    let dir = project_dir();
    names_in(&dir, names)
        .into_iter()
        .filter(|name| name.starts_with(current))
        .map(CompletionCandidate::new)
        .collect()
}

/// `names(model)` of the project in `dir`, sorted, without repeats.
fn names_in(dir: &Path, names: impl Fn(&Model) -> Vec<String>) -> Vec<String> {
    let Ok(checked) = crate::compile_checked(dir) else {
        return Vec::new();
    };
    let mut names = names(&checked.model);
    names.sort();
    names.dedup();
    names
}

/// Completes a campaign name.
pub fn campaigns(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    complete_names(current, |model| {
        model.campaigns.iter().map(|c| c.name.clone()).collect()
    })
}

/// Completes a message name.
pub fn messages(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    complete_names(current, |model| {
        model.messages.iter().map(|m| m.name.clone()).collect()
    })
}

/// Completes a persona name.
pub fn personas(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    complete_names(current, |model| {
        model.personas.iter().map(|p| p.name.clone()).collect()
    })
}

/// Completes a locale: the default locale and every campaign's.
pub fn locales(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    complete_names(current, |model| {
        std::iter::once(model.defaults.locale.clone())
            .chain(model.campaigns.iter().flat_map(|c| c.locales.clone()))
            .collect()
    })
}
