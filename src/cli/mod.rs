//! The command line: one module per command, one enum variant each.
//!
//! Adding a command is: a module with an `Args` struct (clap derive) and a
//! `run(&Args) -> Exit` function, a `mod` line and a variant of [`Command`],
//! and one arm in [`run`]. Commands print through [`output`] (never
//! `println!`, which panics on a closed pipe) and return an [`Exit`]; a
//! write that failed turns it into exit 2 ([`output::finish`]).

mod audience;
mod build;
mod check;
mod completions;
mod config;
mod coverage;
mod diff;
mod explain;
mod fmt;
mod forecast;
mod init;
mod lsp;
mod man;
mod output;
mod preview;
mod progress;
mod render;
mod report;
mod sample_data;
mod send_test;
mod settings;
mod simulate;
mod sql;
mod test;
pub mod watch;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use report::{DiagnosticArgs, Format};

/// The exit codes, part of the interface: scripts and CI rely on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: no errors (and no warnings under `--deny warnings`).
    Clean,
    /// 1: the campaigns have errors, or warnings under `--deny warnings`.
    Problems,
    /// 2: the tool could not run: bad arguments, unreadable project.
    Usage,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Clean => ExitCode::SUCCESS,
            Exit::Problems => ExitCode::from(1),
            Exit::Usage => ExitCode::from(2),
        }
    }
}

/// Compiles lifecycle marketing campaigns written in `.camp` files.
#[derive(Debug, Parser)]
#[command(name = "campaignc", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Ignore campaignc.toml: use only the flags and the defaults.
    #[arg(long, global = true)]
    no_config: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse and type-check every .camp file under DIR.
    Check(check::Args),
    /// Check, then write execution plans and their JSON Schema.
    Build(build::Args),
    /// Print the long explanation of a diagnostic code.
    Explain(explain::Args),
    /// Print the Markdown preview of one campaign (or one message / locale).
    Preview(preview::Args),
    /// Print the lifecycle coverage report: stages × channels, and the gaps.
    Coverage(coverage::Args),
    /// Run every test block on the reference simulator.
    Test(test::Args),
    /// Print one customer's journey through a campaign as a timeline.
    Simulate(simulate::Args),
    /// Replay a recorded history of customers and events through campaigns: sends, skips, conversions.
    Forecast(forecast::Args),
    /// Rewrite .camp files in canonical form (--check: list the ones that differ).
    Fmt(fmt::Args),
    /// Render messages for a sending system: JSON lines in, rendered fields out (reads only plans).
    Render(render::Args),
    /// Compare two project directories as Markdown for a pull request comment.
    Diff(diff::Args),
    /// Build, then rebuild on every save; with --serve, a live preview site.
    Watch(watch::Args),
    /// Write a starter project that checks, builds and passes its test.
    Init(init::Args),
    /// Run the language server over stdio (for editors).
    Lsp(lsp::Args),
    /// Print the effective settings (flags, campaignc.toml, defaults) and where each came from.
    Config(config::Args),
    /// Print the script that sets up Tab completion in bash, zsh, fish, PowerShell or elvish.
    Completions(completions::Args),
    /// Print the manual page (roff) of campaignc or of one command.
    Man(man::Args),
    /// Write every segment, score and campaign audience as SQL for DuckDB, PostgreSQL, Spark, BigQuery or Snowflake.
    Sql(sql::Args),
    /// Mail one email of a campaign, rendered for a persona, to a test inbox.
    SendTest(send_test::Args),
    /// Write a seeded, realistic population (customers and events) for the project's schema.
    SampleData(sample_data::Args),
    /// Count who a segment, score or campaign reaches in the customer data (PostgreSQL, or files and DuckDB databases on the embedded engine).
    Audience(audience::Args),
}

/// Runs the command line given by the process arguments.
pub fn main() -> ExitCode {
    main_with(Tuning::NONE)
}

/// How a binary tunes its allocator for the commands that hold a whole
/// project once and exit (`check`, `build`): the library leaves the
/// allocator to its binary (src/main.rs).
#[derive(Clone, Copy)]
pub struct Tuning {
    /// Called first by `check` and `build`, whose peak memory grows with
    /// the project: they read and parse it next.
    pub whole_project: fn(),
    /// Called by `check` and `build` once the project is parsed, when the
    /// check of the parsed project begins.
    pub checking: fn(),
    /// Called by `build` when the check is done and it starts making the
    /// outputs (planning, rendering, writing), which free and reuse much
    /// more memory than the check.
    pub outputs: fn(),
}

impl Tuning {
    /// Leaves the allocator as it is.
    pub const NONE: Tuning = Tuning {
        whole_project: nothing,
        checking: nothing,
        outputs: nothing,
    };
}

fn nothing() {}

/// [`main`], tuning the allocator with `tuning`.
pub fn main_with(tuning: Tuning) -> ExitCode {
    // A Tab in a shell set up by `campaignc completions SHELL` runs
    // campaignc with this variable set: answer with the candidates and exit.
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(completions::COMPLETE_VAR)
        .bin("campaignc")
        .complete();
    run_with(std::env::args_os(), tuning)
}

/// Runs a command line (the first item is the program name). clap's own
/// errors keep clap's exit codes: 2 for usage errors, 0 for `--help` and
/// `--version`.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, Tuning::NONE)
}

/// [`run`] with the tuning of [`main_with`].
fn run_with<I, T>(args: I, tuning: Tuning) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|matches| Ok((Cli::from_arg_matches(&matches)?, matches)));
    let (mut cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => {
            // `--help` and `--version` print to stdout: a failed write
            // there is exit 2 like any other command's.
            if let Err(io) = err.print() {
                output::record_stdout_failure(&io);
                return output::finish(Exit::Usage).into();
            }
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
        }
    };
    // campaignc.toml fills in what the command line left to its defaults.
    let sub_matches = matches.subcommand().map_or(&matches, |(_, sub)| sub);
    let settings = match settings::resolve(&mut cli.command, sub_matches, cli.no_config) {
        Ok(settings) => settings,
        Err(exit) => return output::finish(exit).into(),
    };
    if matches!(cli.command, Command::Check(_) | Command::Build(_)) {
        (tuning.whole_project)();
    }
    let exit = match &cli.command {
        Command::Check(args) => check::run(args, tuning.checking),
        Command::Build(args) => build::run(args, tuning),
        Command::Explain(args) => explain::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Test(args) => test::run(args),
        Command::Simulate(args) => simulate::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Render(args) => render::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Init(args) => init::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Config(args) => config::run(args, &settings),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::SendTest(args) => send_test::run(args),
        Command::Sql(args) => sql::run(args),
        Command::SampleData(args) => sample_data::run(args),
        Command::Audience(args) => audience::run(args),
    };
    // Output that could not be written makes any command exit 2.
    output::finish(exit).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
