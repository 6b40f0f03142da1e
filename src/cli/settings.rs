//! Where the configuration meets the command line: the settings a command
//! takes from `campaignc.toml` (see [`crate::config`]) unless a flag says
//! otherwise. [`resolve`] runs before the command: it reads the file, lets
//! each flag given on the command line override it, and writes the
//! effective values into the command's arguments, so the commands
//! themselves never look at the configuration.

use std::path::PathBuf;

use clap::parser::ValueSource;
use clap::ArgMatches;

use super::report::Deny;
use super::{output, Command, Exit};
use crate::config::{self, Origin, Settings};

/// The arguments of one command that a setting can fill in.
struct Fields<'a> {
    dir: &'a mut PathBuf,
    out: Option<&'a mut PathBuf>,
    deny: Option<&'a mut Vec<Deny>>,
    serve: Option<&'a mut Option<String>>,
}

/// The configurable arguments of `command`; `None` for the commands the
/// configuration does not concern (`explain`, `diff`, `init`, `lsp`, ...).
fn fields(command: &mut Command) -> Option<Fields<'_>> {
    let fields = |dir, out, deny, serve| {
        Some(Fields {
            dir,
            out,
            deny,
            serve,
        })
    };
    match command {
        Command::Check(a) => fields(&mut a.dir, None, Some(&mut a.diagnostics.deny), None),
        Command::Build(a) => fields(
            &mut a.dir,
            Some(&mut a.out),
            Some(&mut a.diagnostics.deny),
            None,
        ),
        Command::Preview(a) => fields(&mut a.dir, None, Some(&mut a.diagnostics.deny), None),
        Command::Coverage(a) => fields(&mut a.dir, None, Some(&mut a.diagnostics.deny), None),
        Command::Test(a) => fields(&mut a.dir, None, Some(&mut a.diagnostics.deny), None),
        Command::Simulate(a) => fields(&mut a.dir, None, None, None),
        Command::Fmt(a) => fields(&mut a.dir, None, None, None),
        Command::SampleData(a) => fields(&mut a.dir, None, None, None),
        Command::Audience(a) => fields(&mut a.dir, None, None, None),
        Command::Watch(a) => fields(
            &mut a.dir,
            Some(&mut a.out),
            Some(&mut a.deny),
            Some(&mut a.serve),
        ),
        Command::Config(a) => fields(
            &mut a.dir,
            Some(&mut a.out),
            Some(&mut a.deny),
            Some(&mut a.serve),
        ),
        _ => None,
    }
}

/// Whether the argument `id` was written on the command line (rather than
/// left to its default).
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.ids().any(|known| known.as_str() == id)
        && matches.value_source(id) == Some(ValueSource::CommandLine)
}

/// Reads the configuration (unless `no_config`) for `command`, overrides
/// it with the flags given in `matches` (the subcommand's), and writes the
/// effective values into the command's arguments. Returns the settings,
/// with where each came from; a configuration that cannot be used is an
/// `error:` naming its file and line, and exit 2.
pub(super) fn resolve(
    command: &mut Command,
    matches: &ArgMatches,
    no_config: bool,
) -> Result<Settings, Exit> {
    let Some(fields) = fields(command) else {
        return Ok(Settings::default());
    };
    let mut settings = if no_config {
        Settings::default()
    } else {
        discover()?
    };
    if given(matches, "dir") {
        settings
            .project
            .set_by_flag(fields.dir.clone(), "DIR argument");
    }
    fields.dir.clone_from(&settings.project.value);
    if let Some(out) = fields.out {
        if given(matches, "out") {
            settings.out.set_by_flag(out.clone(), "--out");
        }
        out.clone_from(&settings.out.value);
    }
    if let Some(deny) = fields.deny {
        if given(matches, "deny") {
            settings
                .deny_warnings
                .set_by_flag(deny.contains(&Deny::Warnings), "--deny");
        } else if settings.deny_warnings.value {
            deny.push(Deny::Warnings);
        }
    }
    if let Some(serve) = fields.serve {
        if given(matches, "serve") {
            settings.serve.set_by_flag(serve.clone(), "--serve");
        } else {
            serve.clone_from(&settings.serve.value);
        }
    }
    Ok(settings)
}

/// The nearest configuration file's settings, checked.
fn discover() -> Result<Settings, Exit> {
    let cwd = std::env::current_dir().map_err(|err| {
        output::fatal(format!("cannot read the current directory: {err}"));
        Exit::Usage
    })?;
    let settings = config::discover(&cwd).map_err(|err| {
        output::fatal(err);
        Exit::Usage
    })?;
    // The address is checked here, where its line is known, rather than
    // when `watch` starts serving.
    if let (Some(addr), Origin::File { path, line }) =
        (&settings.serve.value, &settings.serve.origin)
    {
        if let Err(message) = crate::serve::parse_serve_addr(addr) {
            output::fatal(format!("{}:{line}: `serve`: {message}", path.display()));
            return Err(Exit::Usage);
        }
    }
    Ok(settings)
}
