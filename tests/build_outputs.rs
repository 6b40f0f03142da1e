//! `build` writes only what changed and cleans up after itself: a second
//! build touches no file, an edit rewrites only the files it changes, a
//! deleted campaign's plan and previews are removed (through the manifest
//! in `out/.campaignc/manifest.json`), and nothing else in `--out` is ever
//! touched — a file the user put there, a file the user edited, or a path
//! a forged manifest names outside the build's layout.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use campaignc::plan::write::{write_outputs, write_outputs_with_inputs, Manifest, MANIFEST_FORMAT};

#[path = "common/starter.rs"]
mod starter_project;
use starter_project::{campaignc, starter, stderr};

/// A second campaign, in its own file, that sends an email (so it has
/// email previews in `previews/reactivation/`) and a push message.
const SECOND_CAMPAIGN: &str = r#"/// Brings back trials that went quiet.
campaign reactivation {
  stage retention
  trigger event signed_up
  audience new_trials
  locales en, cs

  flow {
    wait 7d
    send welcome
    send nudge
  }
}
"#;

/// What identifies a file's version on disk: its bytes, its inode and its
/// modification time (a rewrite through a rename changes the inode).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    bytes: Vec<u8>,
    #[cfg(unix)]
    inode: u64,
    modified: std::time::SystemTime,
}

/// Every file under `dir` (relative path with `/` → its version).
fn versions(dir: &Path) -> BTreeMap<String, Version> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walkable");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("under dir");
            let meta = entry.metadata().expect("metadata");
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                Version {
                    bytes: fs::read(entry.path()).expect("readable"),
                    #[cfg(unix)]
                    inode: std::os::unix::fs::MetadataExt::ino(&meta),
                    modified: meta.modified().expect("mtime"),
                },
            );
        }
    }
    out
}

/// A starter project with the second campaign, built once into `out/`.
fn built_project() -> tempfile::TempDir {
    let tmp = starter();
    fs::write(
        tmp.path().join("campaigns/reactivation.camp"),
        SECOND_CAMPAIGN,
    )
    .expect("second campaign");
    let first = build(tmp.path());
    assert!(first.contains("built 2 plans"), "{first}");
    tmp
}

/// `campaignc build campaigns --out out` in `dir`, which must succeed;
/// returns its stderr.
fn build(dir: &Path) -> String {
    let out = campaignc(&["build", "campaigns", "--out", "out"], dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stderr(&out)
}

/// The paths whose version differs between `before` and `after`, and
/// those only in one of them.
fn changes(
    before: &BTreeMap<String, Version>,
    after: &BTreeMap<String, Version>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let changed = after
        .iter()
        .filter(|(k, v)| before.get(*k).is_some_and(|b| b != *v))
        .map(|(k, _)| k.clone())
        .collect();
    let added = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .cloned()
        .collect();
    let removed = before
        .keys()
        .filter(|k| !after.contains_key(*k))
        .cloned()
        .collect();
    (changed, added, removed)
}

#[test]
fn a_second_build_writes_nothing() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    let before = versions(&out);
    assert!(
        before.contains_key(".campaignc/manifest.json"),
        "{before:?}"
    );
    assert!(before.contains_key("plans/reactivation.json"));
    assert!(before.contains_key("previews/reactivation/welcome.en.html"));
    // A rename changes the inode; where there are none, a rewrite must
    // show in the mtime, so wait past a coarse file-system clock.
    #[cfg(not(unix))]
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let again = build(tmp.path());
    assert!(again.contains("nothing changed"), "{again}");
    let after = versions(&out);
    assert_eq!(
        changes(&before, &after),
        (vec![], vec![], vec![]),
        "no file was rewritten, added or removed"
    );
}

#[test]
fn an_edit_rewrites_only_the_files_it_changes() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    let before = versions(&out);
    #[cfg(not(unix))]
    std::thread::sleep(std::time::Duration::from_millis(1100));

    // Only the second campaign's wait changes: its plan and its page.
    let file = tmp.path().join("campaigns/reactivation.camp");
    let text = fs::read_to_string(&file).expect("campaign");
    fs::write(&file, text.replace("wait 7d", "wait 8d")).expect("edit");
    let log = build(tmp.path());
    let after = versions(&out);
    let (changed, added, removed) = changes(&before, &after);
    assert_eq!(added, Vec::<String>::new());
    assert_eq!(removed, Vec::<String>::new());
    assert!(
        changed.contains(&"plans/reactivation.json".to_string()),
        "{changed:?}"
    );
    assert!(
        changed.contains(&"previews/reactivation.md".to_string()),
        "{changed:?}"
    );
    for untouched in [
        "plans/onboarding.json",
        "previews/onboarding.md",
        "previews/onboarding/welcome.en.html",
        "previews/reactivation/welcome.en.html",
        "plan.schema.json",
    ] {
        assert!(!changed.contains(&untouched.to_string()), "{untouched}");
    }
    let written = changed
        .iter()
        .filter(|k| !k.starts_with(".campaignc/"))
        .count();
    assert!(
        log.contains(&format!("wrote {written} files")),
        "{log}\n{changed:?}"
    );
}

#[test]
fn deleting_a_campaign_removes_its_outputs_and_nothing_else() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    fs::write(out.join("notes.txt"), "mine").expect("a user file");
    fs::write(out.join("plans/keep.json"), "{}").expect("a user file in plans/");
    fs::create_dir_all(out.join("previews/mine")).expect("a user directory");
    fs::write(out.join("previews/mine/page.html"), "<p>mine</p>").expect("a user page");
    let before = versions(&out);

    fs::remove_file(tmp.path().join("campaigns/reactivation.camp")).expect("delete");
    let log = build(tmp.path());
    let after = versions(&out);
    let (_, added, removed) = changes(&before, &after);
    assert_eq!(added, Vec::<String>::new());
    let mut expected_removed: Vec<String> = before
        .keys()
        .filter(|k| k.contains("reactivation"))
        .cloned()
        .collect();
    assert!(expected_removed.len() >= 4, "{expected_removed:?}");
    expected_removed.sort();
    assert_eq!(removed, expected_removed);
    assert!(log.contains(&format!("{} removed", removed.len())), "{log}");
    assert!(
        !out.join("previews/reactivation").exists(),
        "empty dir left"
    );
    for mine in ["notes.txt", "plans/keep.json", "previews/mine/page.html"] {
        assert_eq!(after.get(mine), before.get(mine), "{mine}");
    }
    let manifest = fs::read_to_string(out.join(".campaignc/manifest.json")).expect("manifest");
    assert!(!manifest.contains("reactivation"), "{manifest}");
    assert!(manifest.contains("\"plans/onboarding.json\""), "{manifest}");
}

#[test]
fn an_output_edited_by_the_user_is_kept_when_no_longer_produced() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    let page = out.join("previews/reactivation.md");
    fs::write(&page, "my notes on this campaign\n").expect("edit an output");

    fs::remove_file(tmp.path().join("campaigns/reactivation.camp")).expect("delete");
    let log = build(tmp.path());
    assert_eq!(
        fs::read_to_string(&page).expect("kept"),
        "my notes on this campaign\n"
    );
    assert!(log.contains("note: kept"), "{log}");
    assert!(!out.join("plans/reactivation.json").exists());
    // Forgotten: the next build neither removes it nor mentions it.
    let log = build(tmp.path());
    assert!(page.exists());
    assert!(!log.contains("note:"), "{log}");

    // When the campaign comes back, its page is the build's again, and
    // replacing the user's text is said.
    fs::write(
        tmp.path().join("campaigns/reactivation.camp"),
        SECOND_CAMPAIGN,
    )
    .expect("restore");
    let log = build(tmp.path());
    assert!(
        log.contains("note: replaced out/previews/reactivation.md"),
        "{log}"
    );
    assert!(fs::read_to_string(&page)
        .expect("page")
        .contains("reactivation"));
}

#[test]
fn an_output_the_build_still_produces_is_restored_and_reported() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    let plan = out.join("plans/onboarding.json");
    let original = fs::read(&plan).expect("plan");
    fs::write(&plan, "{}").expect("edit an output");
    let log = build(tmp.path());
    assert_eq!(fs::read(&plan).expect("plan"), original);
    assert!(log.contains("note: replaced"), "{log}");
    assert!(log.contains("wrote 1 file"), "{log}");
}

#[test]
fn a_forged_manifest_deletes_nothing_outside_the_build_layout() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    // Files a forged manifest points at, with their true digests.
    let victim = tmp.path().join("victim.txt");
    fs::write(&victim, "precious").expect("victim");
    fs::write(out.join("notes.txt"), "mine").expect("a user file");
    let digest = |path: &Path| {
        use sha2::Digest;
        let bytes = fs::read(path).expect("readable");
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let manifest_path = out.join(".campaignc/manifest.json");
    let entries = [
        ("../victim.txt", digest(&victim)),
        (victim.to_str().expect("utf-8 path"), digest(&victim)),
        ("notes.txt", digest(&out.join("notes.txt"))),
        ("plans/../../victim.txt", digest(&victim)),
    ];
    for (path, sum) in &entries {
        let forged = format!(
            "{{\"format\": \"campaignc.manifest/v1\", \"files\": {{{:?}: \"{sum}\", \"plans/reactivation.json\": \"{}\"}}}}",
            path,
            digest(&out.join("plans/reactivation.json")),
        );
        fs::write(&manifest_path, forged).expect("forge");
        let log = build(tmp.path());
        assert!(log.contains("note: ignored"), "{log}");
        assert_eq!(fs::read_to_string(&victim).expect("victim"), "precious");
        assert_eq!(
            fs::read_to_string(out.join("notes.txt")).expect("notes"),
            "mine"
        );
    }

    // A manifest that is not JSON at all: nothing removed either.
    fs::write(&manifest_path, "\u{0}garbage").expect("corrupt");
    fs::remove_file(tmp.path().join("campaigns/reactivation.camp")).expect("delete");
    let log = build(tmp.path());
    assert!(log.contains("note: ignored"), "{log}");
    assert!(out.join("plans/reactivation.json").exists(), "not listed");
    // The build wrote a fresh, valid manifest.
    let log = build(tmp.path());
    assert!(!log.contains("note:"), "{log}");
}

#[cfg(unix)]
#[test]
fn a_removal_never_follows_a_link_out_of_the_output_directory() {
    let tmp = built_project();
    let out = tmp.path().join("out");
    // Move the email previews elsewhere and leave a link in their place:
    // the files have the listed digests, but are outside `out`.
    let elsewhere = tmp.path().join("elsewhere");
    fs::rename(out.join("previews/reactivation"), &elsewhere).expect("move");
    std::os::unix::fs::symlink(&elsewhere, out.join("previews/reactivation")).expect("link");
    fs::remove_file(tmp.path().join("campaigns/reactivation.camp")).expect("delete");
    build(tmp.path());
    assert!(elsewhere.join("welcome.en.html").exists());
    assert!(!out.join("plans/reactivation.json").exists());
}

#[test]
fn an_output_directory_that_holds_the_project_is_refused() {
    let tmp = starter();
    for out in [".", "campaigns"] {
        let run = campaignc(&["build", "campaigns", "--out", out], tmp.path());
        assert_eq!(run.status.code(), Some(2), "{out}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("the project directory campaigns"),
            "{}",
            stderr(&run)
        );
    }
    assert!(!tmp.path().join("plans").exists());
    assert!(!tmp.path().join("campaigns/plans").exists());

    // Inside the project is fine, and a rebuild is not disturbed by it.
    let inside = campaignc(
        &["build", "campaigns", "--out", "campaigns/out"],
        tmp.path(),
    );
    assert_eq!(inside.status.code(), Some(0), "{}", stderr(&inside));
    let again = campaignc(
        &["build", "campaigns", "--out", "campaigns/out"],
        tmp.path(),
    );
    assert!(
        stderr(&again).contains("nothing changed"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn the_manifest_records_the_drivers_inputs_digest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    assert_eq!(Manifest::read(&out), Ok(None), "no manifest before a build");
    let files = vec![
        (PathBuf::from("plans/a.json"), "{}\n".to_string()),
        (PathBuf::from("coverage.md"), "# Coverage\n".to_string()),
    ];
    let report = write_outputs_with_inputs(&out, &files, Some("inputs-1")).expect("written");
    assert_eq!(report.written.len(), 2);
    let manifest = Manifest::read(&out).expect("readable").expect("written");
    assert_eq!(manifest.inputs.as_deref(), Some("inputs-1"));
    assert_eq!(
        manifest.files.keys().collect::<Vec<_>>(),
        ["coverage.md", "plans/a.json"]
    );
    let text = fs::read_to_string(Manifest::path(&out)).expect("manifest");
    assert!(text.contains(MANIFEST_FORMAT), "{text}");

    // Same files, same inputs: nothing is written, the manifest included.
    // (The metadata record `.campaignc/stat` may be written again once,
    // when the first build recorded files in its own clock tick.)
    let outputs = |out: &Path| {
        let mut all = versions(out);
        all.remove(".campaignc/stat");
        all
    };
    let before = outputs(&out);
    let report = write_outputs_with_inputs(&out, &files, Some("inputs-1")).expect("written");
    assert!(report.written.is_empty() && report.removed.is_empty());
    assert_eq!(outputs(&out), before);

    // Without a digest the field goes away.
    write_outputs(&out, &files).expect("written");
    let manifest = Manifest::read(&out).expect("readable").expect("written");
    assert_eq!(manifest.inputs, None);
}

#[test]
fn a_path_outside_the_build_layout_is_never_written() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    for path in ["../escape.json", "notes.txt", "/tmp/abs.json"] {
        let files = vec![
            (PathBuf::from("plans/a.json"), "{}".to_string()),
            (PathBuf::from(path), "x".to_string()),
        ];
        let err = write_outputs(&out, &files).expect_err(path);
        assert!(err.to_string().contains("not a build output path"), "{err}");
    }
    assert!(!tmp.path().join("escape.json").exists());
    assert!(!out.exists(), "nothing at all was written");
}
