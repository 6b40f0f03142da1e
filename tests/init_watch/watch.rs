//! The watch loop in-process on a temp project (rebuild on save, output
//! kept on errors, non-sources ignored), and the binary with `--serve`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use campaignc::driver::watch::{watch_project, Rebuild, WatchEvent, WatchOptions};
use campaignc::serve::VERSION_PATH;

use super::server::get;
use super::{campaignc_in, code, text, wait_until, PATIENCE};

fn write_starter(parent: &Path) -> PathBuf {
    let out = campaignc_in(parent, &["init", "project"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    parent.join("project")
}

/// Replaces `from` with `to` in `file` (and checks it was there).
fn edit(file: &Path, from: &str, to: &str) {
    let before = std::fs::read_to_string(file).expect("read");
    assert!(before.contains(from), "{from} in {}", file.display());
    std::fs::write(file, before.replace(from, to)).expect("write");
}

#[test]
fn watch_rebuilds_on_save_and_keeps_the_output_when_a_save_breaks_the_build() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let options = WatchOptions {
        dir: project.clone(),
        // Inside the project, as people do: its changes must not rebuild.
        out: project.join("out"),
        deny_warnings: false,
        debounce: Duration::from_millis(100),
        keep_project: false,
    };
    let page = project.join("out/previews/onboarding.md");
    let reports: Mutex<Vec<Rebuild>> = Mutex::new(Vec::new());
    let count = || reports.lock().expect("lock").len();
    let last = || {
        reports
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("a build")
    };
    let stop = AtomicBool::new(false);

    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            watch_project(&options, &stop, |event| {
                if let WatchEvent::Rebuilt(r) = event {
                    reports.lock().expect("lock").push(r.clone());
                }
            })
        });

        wait_until("the first build", || count() >= 1);
        assert_eq!(last().built, Some(1), "{}", last().text);
        assert!(last().text.contains("built 1 plan"), "{}", last().text);
        let first_page = std::fs::read_to_string(&page).expect("preview written");
        assert!(first_page.contains("Your first project takes two minutes"));

        // A save: rebuilt, the page shows the new text.
        edit(
            &project.join("onboarding.camp"),
            "Your first project takes two minutes",
            "Your first project takes just two minutes",
        );
        wait_until("a rebuild after the save", || count() >= 2);
        assert_eq!(last().built, Some(1), "{}", last().text);
        assert!(
            last().text.contains("onboarding.camp changed"),
            "{}",
            last().text
        );
        let second_page = std::fs::read_to_string(&page).expect("preview");
        assert!(second_page.contains("takes just two minutes"));

        // A save that breaks the project: errors reported, output kept.
        edit(
            &project.join("segments.camp"),
            "plan == trial",
            "plan == trail",
        );
        wait_until("a failed rebuild", || count() >= 3);
        let failed = last();
        assert_eq!(failed.built, None);
        assert!(failed.errors >= 1, "{}", failed.text);
        assert!(
            failed.text.contains("previous output kept"),
            "{}",
            failed.text
        );
        assert!(failed.text.contains("segments.camp"), "{}", failed.text);
        // The new diagnostics first, the status line last.
        assert!(
            failed.text.find("segments.camp") < failed.text.find("previous output kept"),
            "{}",
            failed.text
        );
        assert_eq!(
            std::fs::read_to_string(&page).expect("preview"),
            second_page
        );

        // Changes that are not sources rebuild nothing: the output
        // directory, other files, editor swap files.
        std::fs::write(project.join("out/stray.camp"), "// not a source").expect("write");
        std::fs::write(project.join("NOTES.md"), "notes").expect("write");
        std::fs::write(project.join(".onboarding.camp.swp"), "swap").expect("write");
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(count(), 3, "{:#?}", reports.lock().expect("lock"));

        // Fixed: built again.
        edit(
            &project.join("segments.camp"),
            "plan == trail",
            "plan == trial",
        );
        wait_until("the rebuild after the fix", || count() >= 4);
        assert_eq!(last().built, Some(1), "{}", last().text);

        stop.store(true, Ordering::SeqCst);
        let result = watcher.join().expect("the watcher does not panic");
        assert!(result.is_ok(), "{result:?}");
    });
}

#[test]
fn watch_of_a_missing_directory_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let options = WatchOptions {
        dir: tmp.path().join("nope"),
        out: tmp.path().join("out"),
        deny_warnings: false,
        debounce: Duration::from_millis(100),
        keep_project: false,
    };
    let stop = AtomicBool::new(false);
    let result = watch_project(&options, &stop, |_| panic!("nothing to build"));
    assert!(result.is_err());
    let out = campaignc_in(tmp.path(), &["watch", "nope"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
}

#[test]
fn watch_refuses_a_serve_address_that_is_a_host_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let out = campaignc_in(
        tmp.path(),
        &["watch", "project", "--serve", "example.com:80"],
    );
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("example.com:80"));
    assert!(
        project.exists() && !tmp.path().join("out").exists(),
        "nothing built"
    );
}

/// `watch project --out out --serve 127.0.0.1:0` in `dir`, once built.
fn spawn_watch_serve(dir: &Path, built_line: &str) -> (std::process::Child, Option<SocketAddr>) {
    super::watch_serve::spawn_watch_serve(
        dir,
        Path::new("project"),
        Path::new("out"),
        built_line,
        PATIENCE,
    )
}

/// The binary end to end: `watch --serve 127.0.0.1:0` prints where it
/// serves, serves the first build, and is stopped by killing it.
#[test]
fn watch_serve_serves_the_build_until_killed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    write_starter(tmp.path());
    let (mut child, addr) = spawn_watch_serve(tmp.path(), "built 1 plan");
    let result = addr.map(|addr| {
        assert!(addr.ip().is_loopback());
        (get(addr, "/"), get(addr, VERSION_PATH))
    });
    child.kill().expect("kills the child it started");
    let _ = child.wait();
    let (home, version) = result.expect("served and built within the time limit");
    assert_eq!(home.status, 200);
    assert!(home.body_text().contains("onboarding"));
    assert!(
        home.body_text().contains("id=\"campaignc-status\""),
        "the index has a place for the status line"
    );
    assert_eq!(version.body_text(), "1");
}

/// The status the pages are told about, from the binary: a build that
/// fails pushes its diagnostics (file, line, source excerpt) and keeps the
/// version; the fix pushes a successful build with a new version.
#[test]
fn watch_serve_pushes_failed_builds_with_their_diagnostics() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let (mut child, addr) = spawn_watch_serve(tmp.path(), "built 1 plan");
    let result = std::panic::catch_unwind(|| {
        let addr = addr.expect("served and built within the time limit");
        let mut stream = std::net::TcpStream::connect(addr).expect("connects");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        std::io::Write::write_all(
            &mut stream,
            format!("GET /__campaignc/events HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
        )
        .expect("sends");
        let mut reader = BufReader::new(stream);
        let mut next = |what: &str, done: &dyn Fn(&serde_json::Value) -> bool| loop {
            let mut line = String::new();
            let n = reader.read_line(&mut line).expect(what);
            assert!(n > 0, "the stream ended before {what}");
            if let Some(data) = line.strip_prefix("data: ") {
                let status: serde_json::Value = serde_json::from_str(data).expect("JSON");
                if done(&status) {
                    return status;
                }
            }
        };
        let first = next("the first build", &|s| s["ok"] == true);
        assert_eq!(first["version"], 1);
        assert!(
            first["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("built 1 plan at ")),
            "{first}"
        );
        std::fs::write(project.join("broken.camp"), "segment vip =\n").expect("write");
        let failed = next("the failed build", &|s| s["ok"] == false);
        assert_eq!(failed["version"], 1, "a failed build is not a new version");
        assert!(
            failed["summary"]
                .as_str()
                .is_some_and(|s| s.starts_with("1 error at ")),
            "{failed}"
        );
        let d = &failed["diagnostics"]["diagnostics"][0];
        assert!(
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("broken.camp")),
            "{d}"
        );
        assert!(d["line"].is_u64() && d["code"].is_string(), "{d}");
        assert!(
            d["excerpt"].as_str().is_some_and(|e| e.contains('^')),
            "a source excerpt with a caret: {d}"
        );
        std::fs::remove_file(project.join("broken.camp")).expect("remove");
        let fixed = next("the fixed build", &|s| s["ok"] == true);
        assert_eq!(fixed["version"], 2);
        assert!(fixed["diagnostics"].is_null(), "{fixed}");
    });
    child.kill().expect("kills the child it started");
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn build_and_watch_refuse_an_out_that_is_or_holds_the_project() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let before = std::fs::read_dir(&project).expect("list").count();
    for command in ["build", "watch"] {
        for out in ["project", ".", "project/.."] {
            let run = campaignc_in(tmp.path(), &[command, "project", "--out", out]);
            assert_eq!(code(&run), 2, "{command} --out {out}");
            let said = text(&run.stderr);
            assert!(
                said.contains("output directory") && said.contains("project"),
                "{command} --out {out}: {said}"
            );
        }
    }
    assert_eq!(
        std::fs::read_dir(&project).expect("list").count(),
        before,
        "nothing written into the project"
    );
    assert!(!project.join("plans").exists() && !tmp.path().join("plans").exists());
    // Inside the project is fine.
    let run = campaignc_in(tmp.path(), &["build", "project", "--out", "project/out"]);
    assert_eq!(code(&run), 0, "{}", text(&run.stderr));
}

#[test]
fn watch_survives_the_project_directory_being_deleted_and_made_again() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = write_starter(tmp.path());
    let saved = tmp.path().join("saved");
    copy_dir(&project, &saved);
    let options = WatchOptions {
        dir: project.clone(),
        out: tmp.path().join("out"),
        deny_warnings: false,
        debounce: Duration::from_millis(100),
        keep_project: false,
    };
    let page = tmp.path().join("out/previews/onboarding.md");
    let reports: Mutex<Vec<Rebuild>> = Mutex::new(Vec::new());
    let notices: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let count = || reports.lock().expect("lock").len();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            watch_project(&options, &stop, |event| match event {
                WatchEvent::Rebuilt(r) => reports.lock().expect("lock").push(r.clone()),
                WatchEvent::Notice(n) => notices.lock().expect("lock").push(n.to_string()),
            })
        });
        wait_until("the first build", || count() >= 1);

        std::fs::remove_dir_all(&project).expect("delete the project");
        wait_until("the loop to notice", || {
            notices
                .lock()
                .expect("lock")
                .iter()
                .any(|n| n.contains("was removed"))
        });
        copy_dir(&saved, &project);
        edit(
            &project.join("onboarding.camp"),
            "Your first project takes two minutes",
            "Your first project takes three minutes",
        );
        wait_until("a rebuild of the re-created project", || {
            std::fs::read_to_string(&page).is_ok_and(|p| p.contains("takes three minutes"))
        });
        // And it keeps watching the new directory.
        edit(
            &project.join("onboarding.camp"),
            "takes three minutes",
            "takes four minutes",
        );
        wait_until("a rebuild after a later save", || {
            std::fs::read_to_string(&page).is_ok_and(|p| p.contains("takes four minutes"))
        });
        stop.store(true, Ordering::SeqCst);
        let result = watcher.join().expect("the watcher does not panic");
        assert!(result.is_ok(), "{result:?}");
    });
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walkable");
        let target = to.join(entry.path().strip_prefix(from).expect("under"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The watch trusts the outputs it wrote while nothing reports a change
/// under the output directory; it watches that directory to know. Every
/// output changed, removed or moved away by hand is put back at the next
/// rebuild, though the edit that causes it changes other files: with the
/// output directory inside the project and outside it.
#[test]
fn watch_puts_back_outputs_changed_or_removed_by_hand() {
    for inside in [true, false] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let project = write_starter(tmp.path());
        let out = if inside {
            project.join("out")
        } else {
            tmp.path().join("out")
        };
        let options = WatchOptions {
            dir: project.clone(),
            out: out.clone(),
            deny_warnings: false,
            debounce: Duration::from_millis(100),
            keep_project: false,
        };
        let reports: Mutex<Vec<Rebuild>> = Mutex::new(Vec::new());
        let count = || reports.lock().expect("lock").len();
        let stop = AtomicBool::new(false);
        let schema = out.join("plan.schema.json");
        let license = out.join("previews/assets/mermaid.LICENSE.txt");
        let assets = out.join("previews/assets");
        let page = out.join("previews/onboarding.md");
        std::thread::scope(|scope| {
            let watcher = scope.spawn(|| {
                watch_project(&options, &stop, |event| {
                    if let WatchEvent::Rebuilt(r) = event {
                        reports.lock().expect("lock").push(r.clone());
                    }
                })
            });
            // A failed wait stops the watch, so the test fails, not hangs.
            let _stop = StopOnDrop(&stop);
            wait_until("the first build", || count() >= 1);
            let built = |what: &str| {
                let before = std::fs::read_to_string(&page).expect("page");
                wait_until(what, || {
                    std::fs::read_to_string(&page).is_ok_and(|p| p != before)
                });
            };
            let schema_text = std::fs::read(&schema).expect("schema");
            let license_text = std::fs::read(&license).expect("license");
            let assets_before = super::snapshot(&assets);
            // Let the watch see its own first writes go by.
            std::thread::sleep(Duration::from_millis(400));

            // A file changed by hand and one removed.
            std::fs::write(&schema, "{}").expect("write");
            std::fs::remove_file(&license).expect("remove");
            std::thread::sleep(Duration::from_millis(400));
            edit(
                &project.join("onboarding.camp"),
                "Your first project takes two minutes",
                "Your first project takes three minutes",
            );
            built("a rebuild after the save");
            wait_until("the outputs put back", || {
                std::fs::read(&schema).is_ok_and(|b| b == schema_text)
                    && std::fs::read(&license).is_ok_and(|b| b == license_text)
            });

            // A directory of outputs moved away: its files had no events.
            std::fs::rename(&assets, out.join("assets-kept")).expect("rename");
            std::thread::sleep(Duration::from_millis(400));
            edit(
                &project.join("onboarding.camp"),
                "takes three minutes",
                "takes four minutes",
            );
            built("a rebuild after the second save");
            wait_until("the directory put back", || {
                assets.is_dir() && super::snapshot(&assets) == assets_before
            });

            // The whole output directory removed.
            std::fs::remove_dir_all(&out).expect("remove out");
            std::thread::sleep(Duration::from_millis(400));
            edit(
                &project.join("onboarding.camp"),
                "takes four minutes",
                "takes five minutes",
            );
            wait_until("a rebuild into a new output directory", || {
                std::fs::read_to_string(&page).is_ok_and(|p| p.contains("takes five minutes"))
            });
            wait_until("every output back", || {
                std::fs::read(&schema).is_ok_and(|b| b == schema_text)
                    && assets.is_dir()
                    && super::snapshot(&assets) == assets_before
            });

            stop.store(true, Ordering::SeqCst);
            let result = watcher.join().expect("the watcher does not panic");
            assert!(result.is_ok(), "{result:?}");
        });
    }
}

/// Stops a watch loop when dropped, also while a failed assertion unwinds.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
