//! `campaignc config [DIR] [--out DIR] [--deny warnings] [--serve ADDR]`:
//! prints the effective settings and where each came from (a flag, a line
//! of `campaignc.toml`, or the default), as TOML on stdout. The settings
//! are resolved before any command runs (`super::settings`); this prints
//! them. The flags are there to show what a command given them would use.

use std::path::PathBuf;

use super::report::Deny;
use super::{output, Exit};
use crate::config::{Origin, Setting, Settings, FILE_NAME};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory, as the other commands take it.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The output directory, as `build --out` takes it.
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// As the other commands' `--deny warnings`.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
    /// As `watch --serve ADDR`.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<String>,
}

pub fn run(_args: &Args, settings: &Settings) -> Exit {
    output::stdout(&crate::text::escape_control(&describe(settings)));
    Exit::Clean
}

/// The settings as TOML, each line commented with its origin.
fn describe(settings: &Settings) -> String {
    let mut text = String::from(
        "# Effective settings: flags override campaignc.toml, which overrides the defaults.\n\
         # Paths are relative to the current directory.\n",
    );
    match &settings.file {
        Some(path) => text.push_str(&format!("# Read {}\n", path.display())),
        None => text.push_str(&format!(
            "# No {FILE_NAME} read (none in the current directory or above it, or --no-config).\n"
        )),
    }
    let quoted = |value: &str| toml::Value::String(value.to_owned()).to_string();
    let path = |setting: &Setting<PathBuf>| quoted(&setting.value.to_string_lossy());
    let lines = [
        ("project", path(&settings.project), &settings.project.origin),
        ("out", path(&settings.out), &settings.out.origin),
        (
            "deny",
            if settings.deny_warnings.value {
                "[\"warnings\"]".to_owned()
            } else {
                "[]".to_owned()
            },
            &settings.deny_warnings.origin,
        ),
        (
            "serve",
            settings
                .serve
                .value
                .as_deref()
                .map_or_else(String::new, quoted),
            &settings.serve.origin,
        ),
        (
            "warehouse-env",
            quoted(&settings.warehouse_env.value),
            &settings.warehouse_env.origin,
        ),
    ];
    for (key, value, origin) in lines {
        if value.is_empty() {
            text.push_str(&format!(
                "# {key}: not set (`watch` serves only with --serve ADDR)\n"
            ));
            continue;
        }
        let setting = format!("{key} = {value}");
        text.push_str(&format!("{setting:<32}  # {}\n", origin_text(origin)));
    }
    text
}

fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Default => "default".to_owned(),
        Origin::File { .. } => format!("from {origin}"),
        Origin::Flag(_) => format!("from the command line ({origin})"),
    }
}
