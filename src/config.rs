//! `campaignc.toml`: the defaults a team would otherwise repeat on every
//! command (the project directory, `--out`, `--deny warnings`, the serve
//! address, the warehouse connection's environment variable name).
//!
//! The file is found like `Cargo.toml`: in the current directory or the
//! nearest parent that has one ([`find`]). Paths in it are relative to the
//! file's directory, so the same file works from any subdirectory (and
//! so are the default `campaigns` and `out` when there is a file); the
//! [`Settings`] hold them relative to the current directory, ready to use.
//! Every setting remembers where it came from ([`Origin`]), so
//! `campaignc config` can say it; command-line flags override the file
//! (the command line applies them, see `cli::settings`).
//!
//! A file that is not valid TOML, has an unknown key or a value of the
//! wrong kind is a [`ConfigError`] naming the file, line and column: the
//! tool does not run on a half-read configuration.

use std::fmt;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// The file's name.
pub const FILE_NAME: &str = "campaignc.toml";

/// The environment variable that holds the warehouse connection string
/// when the configuration names no other.
pub const DEFAULT_WAREHOUSE_ENV: &str = "CAMPAIGNC_DB";

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Nobody set it: the built-in default.
    Default,
    /// A line of the configuration file.
    File { path: PathBuf, line: usize },
    /// A command-line flag (or argument), named as the user wrote it.
    Flag(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Default => f.write_str("default"),
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
            Origin::Flag(flag) => f.write_str(flag),
        }
    }
}

/// One setting: its effective value and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    fn default(value: T) -> Setting<T> {
        Setting {
            value,
            origin: Origin::Default,
        }
    }

    /// Replaces the value with one given on the command line by `flag`.
    pub fn set_by_flag(&mut self, value: T, flag: &'static str) {
        self.value = value;
        self.origin = Origin::Flag(flag);
    }
}

/// The effective settings: the defaults, overridden by the configuration
/// file, overridden by flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The configuration file that was read, if one was found.
    pub file: Option<PathBuf>,
    /// The project directory (`campaigns`).
    pub project: Setting<PathBuf>,
    /// The output directory of `build` and `watch` (`out`).
    pub out: Setting<PathBuf>,
    /// `--deny warnings`.
    pub deny_warnings: Setting<bool>,
    /// The address `watch` serves the previews on; `None`: it serves only
    /// with `--serve`.
    pub serve: Setting<Option<String>>,
    /// The name of the environment variable that holds the warehouse
    /// connection string (never the string itself: secrets stay out of
    /// files kept in git).
    pub warehouse_env: Setting<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            file: None,
            project: Setting::default(PathBuf::from("campaigns")),
            out: Setting::default(PathBuf::from("out")),
            deny_warnings: Setting::default(false),
            serve: Setting::default(None),
            warehouse_env: Setting::default(DEFAULT_WAREHOUSE_ENV.to_owned()),
        }
    }
}

/// A configuration file that cannot be used.
#[derive(Debug)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a place in the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The file as written. Unknown keys are errors: a misspelt `deny` must
/// not be silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    project: Option<Spanned<PathBuf>>,
    out: Option<Spanned<PathBuf>>,
    deny: Option<Spanned<Vec<Spanned<String>>>>,
    serve: Option<Spanned<String>>,
    warehouse_env: Option<Spanned<String>>,
}

/// The nearest `campaignc.toml` in `start` or one of its parents.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The settings for a command run in `cwd`: the nearest configuration
/// file's, or the defaults when there is none.
pub fn discover(cwd: &Path) -> Result<Settings, ConfigError> {
    match find(cwd) {
        Some(path) => load(&path, cwd),
        None => Ok(Settings::default()),
    }
}

/// Reads the configuration file at `path`; its paths are returned relative
/// to `cwd` (a directory at or under the file's) where possible.
pub fn load(path: &Path, cwd: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|err| ConfigError {
        path: path.to_owned(),
        position: None,
        message: format!("cannot read it: {err}"),
    })?;
    parse(&text, path, cwd)
}

/// [`load`] on text already read.
pub fn parse(text: &str, path: &Path, cwd: &Path) -> Result<Settings, ConfigError> {
    let error = |span: Option<Range<usize>>, message: String| ConfigError {
        path: path.to_owned(),
        position: span.map(|span| line_column(text, span.start)),
        message,
    };
    let raw: Raw = toml::from_str(text).map_err(|err| {
        // toml's message repeats the line and a caret drawing: keep
        // the sentence.
        let message = err.message().trim().to_owned();
        error(err.span(), message)
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    let origin = |span: Range<usize>| Origin::File {
        path: path.to_owned(),
        line: line_column(text, span.start).0,
    };
    let mut settings = Settings {
        file: Some(path.to_owned()),
        ..Settings::default()
    };
    // With a file, the default directories are its neighbours too, as
    // Cargo's `target/` sits next to `Cargo.toml` from any subdirectory.
    for setting in [&mut settings.project, &mut settings.out] {
        setting.value = relative_to(cwd, base, &setting.value);
    }
    if let Some(project) = raw.project {
        let span = project.span();
        settings.project = Setting {
            value: relative_to(cwd, base, project.get_ref()),
            origin: origin(span),
        };
    }
    if let Some(out) = raw.out {
        let span = out.span();
        settings.out = Setting {
            value: relative_to(cwd, base, out.get_ref()),
            origin: origin(span),
        };
    }
    if let Some(deny) = raw.deny {
        for what in deny.get_ref() {
            if what.get_ref() != "warnings" {
                return Err(error(
                    Some(what.span()),
                    format!(
                        "`deny` takes only \"warnings\", not {:?}",
                        crate::text::escape_control(what.get_ref())
                    ),
                ));
            }
        }
        settings.deny_warnings = Setting {
            value: !deny.get_ref().is_empty(),
            origin: origin(deny.span()),
        };
    }
    if let Some(serve) = raw.serve {
        settings.serve = Setting {
            value: Some(serve.get_ref().clone()),
            origin: origin(serve.span()),
        };
    }
    if let Some(env) = raw.warehouse_env {
        if !is_env_var_name(env.get_ref()) {
            return Err(error(
                Some(env.span()),
                format!(
                    "`warehouse-env` is the name of an environment variable (letters, digits \
                     and `_`, not starting with a digit, like {DEFAULT_WAREHOUSE_ENV}), not {:?}; \
                     the connection string itself belongs in that variable, not in this file",
                    crate::text::escape_control(env.get_ref())
                ),
            ));
        }
        settings.warehouse_env = Setting {
            value: env.get_ref().clone(),
            origin: origin(env.span()),
        };
    }
    Ok(settings)
}

fn is_env_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `value`, written relative to `base` (the configuration's directory),
/// as a path relative to `cwd`: `../..`-prefixed when `cwd` is below
/// `base`, joined to `base` otherwise. An absolute `value` stays as is.
fn relative_to(cwd: &Path, base: &Path, value: &Path) -> PathBuf {
    if value.is_absolute() {
        return value.to_owned();
    }
    match cwd.strip_prefix(base) {
        Ok(below) => {
            let mut path = PathBuf::new();
            for component in below.components() {
                if matches!(component, Component::Normal(_)) {
                    path.push("..");
                }
            }
            path.join(value)
        }
        Err(_) => base.join(value),
    }
}

/// The 1-based line and column (in characters) of byte `offset`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_at(text: &str) -> Result<Settings, ConfigError> {
        parse(text, Path::new("/p/campaignc.toml"), Path::new("/p"))
    }

    #[test]
    fn every_key_is_read_with_its_line() {
        let settings = parse_at(
            "project = \"camps\"\nout = \"build\"\ndeny = [\"warnings\"]\nserve = \"8001\"\nwarehouse-env = \"WH_URL\"\n",
        )
        .unwrap();
        assert_eq!(settings.project.value, PathBuf::from("camps"));
        assert_eq!(settings.out.value, PathBuf::from("build"));
        assert!(settings.deny_warnings.value);
        assert_eq!(settings.serve.value.as_deref(), Some("8001"));
        assert_eq!(settings.warehouse_env.value, "WH_URL");
        assert_eq!(
            settings.serve.origin,
            Origin::File {
                path: PathBuf::from("/p/campaignc.toml"),
                line: 4
            }
        );
    }

    #[test]
    fn paths_are_relative_to_the_file_seen_from_below_it() {
        let settings = parse(
            "project = \"campaigns\"\n",
            Path::new("/p/campaignc.toml"),
            Path::new("/p/campaigns/onboarding"),
        )
        .unwrap();
        assert_eq!(settings.project.value, PathBuf::from("../../campaigns"));
        // The default output directory is next to the file too.
        assert_eq!(settings.out.value, PathBuf::from("../../out"));
        assert_eq!(settings.out.origin, Origin::Default);
    }

    #[test]
    fn an_unknown_key_is_an_error_with_its_line() {
        let err = parse_at("out = \"o\"\ndeny_warnings = true\n").unwrap_err();
        assert_eq!(err.position, Some((2, 1)));
        assert!(err.message.contains("deny_warnings"), "{err}");
        assert!(
            err.to_string().starts_with("/p/campaignc.toml:2:1: "),
            "{err}"
        );
    }

    #[test]
    fn wrong_values_are_errors_with_their_place() {
        let err = parse_at("deny = [\"warning\"]\n").unwrap_err();
        assert_eq!(err.position, Some((1, 9)), "{err}");
        let err = parse_at("\nwarehouse-env = \"postgres://u:p@h/db\"\n").unwrap_err();
        assert_eq!(err.position, Some((2, 17)), "{err}");
        let err = parse_at("out = 3\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(1), "{err}");
        let err = parse_at("out = \"unclosed\n").unwrap_err();
        assert_eq!(err.position.map(|p| p.0), Some(1), "{err}");
    }
}
