//! The watch loop: build once, then apply every burst of saves to a
//! [`Workspace`] kept in memory and rebuild incrementally.
//!
//! File events come from `notify` through `notify-debouncer-full`, which
//! turns an editor's burst of events (write, rename, chmod) into one
//! batch. Events only say where to look: a `.camp` file's new text is read
//! and compared by content with what the workspace holds, so opens and
//! reads (inotify reports those too), touches and same-text saves rebuild
//! nothing, and a same-size save on a file system with coarse timestamps
//! is never missed. Events on directories (a folder renamed, moved in or
//! removed) and overflowed queues make the loop read the whole project
//! again, which costs the reads; the workspace still recomputes only what
//! changed.
//!
//! When the project directory itself is deleted the operating system
//! drops the watch; the loop notices (an event on the directory, or its
//! identity changing), says so, and watches again as soon as a directory
//! of that name exists, reading it whole.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_full::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::build::{check_out_dir, BuildOutcome, BuildStatus, OutDirError};
use super::review::{diagnostics_json, BuiltProject};
use super::workspace::Workspace;
use crate::diagnostics::render::{self, HumanOptions};
use crate::diagnostics::Severity;

pub mod changes;

use changes::Relevant;

/// What to watch and build.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The project directory.
    pub dir: PathBuf,
    /// The output directory; changes under it never trigger a rebuild.
    pub out: PathBuf,
    /// A rebuild with warnings counts as failed and writes nothing.
    pub deny_warnings: bool,
    /// How long the file system must be quiet before a rebuild.
    pub debounce: Duration,
    /// Keep a copy of each successful build's project in
    /// [`Rebuild::project`] (for pages rendered on demand).
    pub keep_project: bool,
}

/// One build's result, as the watch loop reports it.
#[derive(Debug, Clone)]
pub struct Rebuild {
    /// `Some(plans)` when the outputs were written; `None` when the
    /// previous output was kept.
    pub built: Option<usize>,
    pub errors: usize,
    pub warnings: usize,
    /// The diagnostics (human format) first, then the one-line status,
    /// ready to print.
    pub text: String,
    /// One line for a page: `built 7 plans at 10:32:05`, `3 errors at
    /// 10:32:05`.
    pub summary: String,
    /// The diagnostics as JSON with source excerpts
    /// ([`super::review::diagnostics_json`]); `null` when there are none.
    pub diagnostics: serde_json::Value,
    /// The project built, when it was built and
    /// [`WatchOptions::keep_project`] asked for it.
    pub project: Option<Arc<BuiltProject>>,
}

/// What the loop has to say.
#[derive(Debug, Clone, Copy)]
pub enum WatchEvent<'a> {
    /// A build ran (the first one included).
    Rebuilt(&'a Rebuild),
    /// A line to show that is not a build: a watching problem, the project
    /// directory gone or back.
    Notice(&'a str),
}

/// Why watching could not start.
#[derive(Debug)]
pub enum WatchError {
    /// The project or output directory could not be used.
    Dir {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The output directory is the project directory or contains it.
    OutDir(OutDirError),
    /// The file watcher could not be set up.
    Notify(notify_debouncer_full::notify::Error),
}

impl std::fmt::Display for WatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WatchError::Dir { path, error } => {
                write!(f, "cannot watch {}: {error}", path.display())
            }
            WatchError::OutDir(error) => error.fmt(f),
            WatchError::Notify(error) => write!(f, "cannot watch for file changes: {error}"),
        }
    }
}

impl std::error::Error for WatchError {}

type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

fn start_watching(
    dir: &Path,
    debounce: Duration,
    sender: mpsc::Sender<DebounceEventResult>,
) -> Result<Watcher, notify_debouncer_full::notify::Error> {
    let mut debouncer = new_debouncer(debounce, None, sender)?;
    debouncer.watch(dir, RecursiveMode::Recursive)?;
    Ok(debouncer)
}

/// Which directory is at a path now: a directory deleted and made again
/// under the same name is another one.
#[cfg(unix)]
fn identity(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir)
        .ok()
        .filter(|m| m.is_dir())
        .map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(dir: &Path) -> Option<(u64, u64)> {
    dir.is_dir().then_some((0, 0))
}

/// Builds once, then rebuilds after every burst of changes to `.camp`
/// files under `options.dir`, until `stop` is set (checked a few times a
/// second). Calls `on_event` after every build, the first included, and
/// for notices. Returns an error only when watching cannot start.
pub fn watch_project(
    options: &WatchOptions,
    stop: &AtomicBool,
    mut on_event: impl FnMut(WatchEvent<'_>),
) -> Result<(), WatchError> {
    let dir = options
        .dir
        .canonicalize()
        .map_err(|error| WatchError::Dir {
            path: options.dir.clone(),
            error,
        })?;
    if !dir.is_dir() {
        return Err(WatchError::Dir {
            path: options.dir.clone(),
            error: std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"),
        });
    }
    check_out_dir(&options.dir, &options.out).map_err(WatchError::OutDir)?;
    // The output directory must exist to be compared with event paths in
    // the same (canonical) form; an empty one is harmless.
    let out = std::fs::create_dir_all(&options.out)
        .and_then(|()| options.out.canonicalize())
        .map_err(|error| WatchError::Dir {
            path: options.out.clone(),
            error,
        })?;

    let (sender, events) = mpsc::channel::<DebounceEventResult>();
    // Started before the first build, so a save during it is seen.
    let mut watcher =
        Some(start_watching(&dir, options.debounce, sender.clone()).map_err(WatchError::Notify)?);
    let mut watched = identity(&dir);
    let mut workspace = Workspace::new(&options.dir);
    // The output directory is watched too (by the project's watch when it
    // lies inside): the workspace then trusts the outputs it left, and
    // looks at the disk only for those it writes and those that changed
    // (see `Workspace::trust_outputs`).
    let out_inside = out.starts_with(&dir);
    let mut out_watched = identity(&out);
    let mut out_watcher = if out_inside {
        None
    } else {
        start_watching(&out, options.debounce, sender.clone()).ok()
    };
    workspace.trust_outputs(out_inside || out_watcher.is_some());
    let first = match workspace.load_dir(&options.dir) {
        Ok(_) => rebuild(&mut workspace, options, None),
        Err(err) => failed_load(&err.to_string()),
    };
    on_event(WatchEvent::Rebuilt(&first));

    while !stop.load(Ordering::SeqCst) {
        let mut rescan = false;
        let mut lost = false;
        let mut files: Vec<PathBuf> = Vec::new();
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(Ok(batch)) => {
                let relevant = Relevant::of(&batch, &dir, &out);
                rescan = relevant.rescan;
                lost = relevant.root;
                files = relevant.files;
                workspace.outputs_touched(relevant.outputs.iter().map(String::as_str));
            }
            Ok(Err(errors)) => {
                for error in errors {
                    let line = format!("{} warning: file watching: {error}\n", clock());
                    on_event(WatchEvent::Notice(&line));
                }
                rescan = true;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }

        // The output directory deleted, or made again: a watch of its own
        // follows the new one; in any case every output is looked at again.
        let out_now = identity(&out);
        if out_now != out_watched {
            out_watched = out_now;
            workspace.distrust_outputs();
            if !out_inside {
                out_watcher = None;
                if out_now.is_some() {
                    out_watcher = start_watching(&out, options.debounce, sender.clone()).ok();
                }
                workspace.trust_outputs(out_watcher.is_some());
            }
        }

        // The project directory deleted (and maybe made again): the
        // operating system dropped the watch on it.
        let now = identity(&dir);
        if lost || now != watched {
            if watcher.take().is_some() && now.is_none() {
                let line = format!(
                    "{} {} was removed; waiting for it to come back\n",
                    clock(),
                    options.dir.display()
                );
                on_event(WatchEvent::Notice(&line));
            }
            watched = None;
        }
        if watcher.is_none() {
            if now.is_none() {
                continue;
            }
            match start_watching(&dir, options.debounce, sender.clone()) {
                Ok(new) => {
                    watcher = Some(new);
                    watched = now;
                    rescan = true;
                }
                Err(_) => continue,
            }
        }

        // Events may have been lost: every output is looked at again.
        if rescan {
            workspace.distrust_outputs();
        }
        let changed = if rescan {
            match workspace.load_dir(&options.dir) {
                Ok(changed) => changed,
                Err(err) => {
                    on_event(WatchEvent::Rebuilt(&failed_load(&err.to_string())));
                    continue;
                }
            }
        } else {
            match apply(&mut workspace, &dir, &files) {
                Ok(changed) => changed,
                // Unreadable or not UTF-8: the loader says it the way
                // `build` says it.
                Err(()) => match workspace.load_dir(&options.dir) {
                    Ok(changed) => changed,
                    Err(err) => {
                        on_event(WatchEvent::Rebuilt(&failed_load(&err.to_string())));
                        continue;
                    }
                },
            }
        };
        if let Some(first) = changed.first() {
            let cause = if changed.len() == 1 {
                format!("{first} changed")
            } else {
                format!("{first} and {} more changed", changed.len() - 1)
            };
            let report = rebuild(&mut workspace, options, Some(&cause));
            on_event(WatchEvent::Rebuilt(&report));
            // The previous check is freed once the build is reported,
            // not by the next edit (see `Workspace::release_stale`).
            workspace.release_stale();
        }
    }
    Ok(())
}

/// Applies the changed `.camp` files (absolute paths under `dir`) to the
/// workspace: new text set, missing file removed. Returns the relative
/// paths whose text changed; `Err` when a file exists but cannot be read
/// as UTF-8 text.
fn apply(workspace: &mut Workspace, dir: &Path, files: &[PathBuf]) -> Result<Vec<String>, ()> {
    let mut changed = Vec::new();
    for path in files {
        let Some(relative) = changes::relative(path, dir) else {
            continue;
        };
        let differs = match std::fs::read(path) {
            Ok(bytes) => {
                if !path.is_file() {
                    continue;
                }
                let text = String::from_utf8(bytes).map_err(|_| ())?;
                workspace.set_file(&relative, text)
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                workspace.remove_file(&relative)
            }
            Err(_) => return Err(()),
        };
        if differs {
            changed.push(relative);
        }
    }
    changed.sort();
    changed.dedup();
    Ok(changed)
}

fn failed_load(error: &str) -> Rebuild {
    Rebuild {
        built: None,
        errors: 0,
        warnings: 0,
        text: format!("{} {error}; previous output kept\n", clock()),
        summary: format!("{error} at {}", time_of_day()),
        diagnostics: serde_json::json!({ "diagnostics": [
            { "severity": "error", "code": "load", "message": error }
        ] }),
        project: None,
    }
}

/// Runs one build and describes it: the diagnostics, then one line.
fn rebuild(workspace: &mut Workspace, options: &WatchOptions, cause: Option<&str>) -> Rebuild {
    let outcome = workspace.build(&options.out, options.deny_warnings);
    let mut report = describe(&outcome, cause);
    if report.built.is_some() && options.keep_project {
        report.project = Some(Arc::new(BuiltProject {
            model: workspace.model().clone(),
            sources: outcome.sources,
            diagnostics: outcome.diagnostics,
            plans: workspace.plans().to_vec(),
        }));
    }
    report
}

/// The watch loop's report of one build.
pub fn describe(outcome: &BuildOutcome, cause: Option<&str>) -> Rebuild {
    let prefix = match cause {
        Some(cause) => format!("{} {cause}: ", clock()),
        None => format!("{} ", clock()),
    };
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = outcome.diagnostics.len() - errors;
    let mut text = String::new();
    if !outcome.diagnostics.is_empty() {
        text.push_str(&render::human(
            &outcome.diagnostics,
            &outcome.sources,
            &HumanOptions::for_terminal(),
        ));
    }
    let counts = counts_phrase(errors, warnings);
    let time = time_of_day();
    let (built, status, summary) = match &outcome.status {
        BuildStatus::Built { plans, .. } => {
            let also = if counts.is_empty() {
                String::new()
            } else {
                format!(" ({counts})")
            };
            (
                Some(*plans),
                format!("built {}{also}", plans_phrase(*plans)),
                format!("built {}{also} at {time}", plans_phrase(*plans)),
            )
        }
        BuildStatus::Stopped => (
            None,
            format!("{counts}; previous output kept"),
            format!("{counts} at {time}"),
        ),
        BuildStatus::WriteFailed(err) => (
            None,
            format!("{err}; output may be incomplete"),
            format!("{err} at {time}"),
        ),
    };
    text.push_str(&format!("{prefix}{status}\n"));
    let diagnostics = if built.is_some() {
        serde_json::Value::Null
    } else {
        diagnostics_json(&outcome.diagnostics, &outcome.sources)
    };
    Rebuild {
        built,
        errors,
        warnings,
        text,
        summary,
        diagnostics,
        project: None,
    }
}

/// "1 plan", "3 plans".
pub fn plans_phrase(plans: usize) -> String {
    format!("{plans} plan{}", if plans == 1 { "" } else { "s" })
}

/// "2 errors, 1 warning"; empty when there are none.
fn counts_phrase(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning"));
    }
    parts.join(", ")
}

/// `[10:32:05]`, local time of day.
fn clock() -> String {
    format!("[{}]", time_of_day())
}

/// `10:32:05`, local time of day.
fn time_of_day() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(counts_phrase(0, 0), "");
        assert_eq!(counts_phrase(1, 0), "1 error");
        assert_eq!(counts_phrase(2, 1), "2 errors, 1 warning");
        assert_eq!(counts_phrase(0, 3), "3 warnings");
    }
}
