//! Output that cannot be written is exit 2, never a silent success: a
//! report sent to a full device, and a build whose outputs cannot all be
//! written (which must leave the previous build's files whole and
//! consistent, and the user's own files in `--out` alone).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

#[path = "common/starter.rs"]
mod starter_project;
use starter_project::{campaignc, starter, stderr};

/// Every file under `dir` (relative path → bytes) but the build's own
/// records (`.campaignc/`).
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".campaignc")
    {
        let entry = entry.expect("walkable");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("under dir");
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(entry.path()).expect("readable"),
            );
        }
    }
    out
}

#[cfg(target_os = "linux")]
#[test]
fn every_command_that_prints_exits_2_when_stdout_is_full() {
    let tmp = starter();
    // The starter's campaign and its first persona.
    let (campaign, persona) = ("onboarding", "ada");
    let commands: Vec<Vec<&str>> = vec![
        vec!["coverage", "campaigns"],
        vec!["explain", "E0201"],
        vec!["explain", "--list"],
        vec!["preview", "campaigns", "--campaign", campaign],
        vec!["simulate", campaign, "campaigns", "--persona", persona],
        vec!["test", "campaigns"],
        vec!["check", "campaigns", "--format", "json"],
        vec!["diff", "campaigns", "campaigns"],
        vec!["--version"],
        vec!["--help"],
    ];
    for args in commands {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = Command::new(env!("CARGO_BIN_EXE_campaignc"))
            .args(&args)
            .current_dir(tmp.path())
            .env("NO_COLOR", "1")
            .stdout(Stdio::from(full))
            .output()
            .expect("campaignc runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("cannot write to standard output"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_build_that_fails_half_way_keeps_the_previous_outputs_whole() {
    let tmp = starter();
    let built = campaignc(&["build", "campaigns", "--out", "out"], tmp.path());
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    let out = tmp.path().join("out");
    fs::write(out.join("notes.txt"), "mine").expect("a file of the user's");
    let before = files_under(&out);
    assert!(before.keys().any(|k| k.starts_with("plans/")));
    assert!(before.keys().any(|k| k.starts_with("previews/")));

    // Change every campaign's meaning, so every plan and preview changes.
    let file = tmp.path().join("campaigns/onboarding.camp");
    let text = fs::read_to_string(&file).expect("starter file");
    let edited = text.replacen("    wait 2d\n", "    wait 3d\n", 1);
    assert_ne!(edited, text, "the starter campaign has a wait");
    fs::write(&file, edited).expect("edit");

    // The last file a build writes is `coverage.md`: put a directory in its
    // way, so the build fails after everything else was produced.
    fs::remove_file(out.join("coverage.md")).expect("remove");
    fs::create_dir_all(out.join("coverage.md/blocker")).expect("blocker");
    let mut expected = before.clone();
    expected.remove("coverage.md");
    let failed = campaignc(&["build", "campaigns", "--out", "out"], tmp.path());
    assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
    assert!(
        stderr(&failed).contains("coverage.md"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(
        files_under(&out),
        expected,
        "plans and previews are the old ones, byte for byte, and nothing else appeared"
    );

    // A file where a directory must go fails the same way.
    fs::remove_dir_all(out.join("coverage.md")).expect("unblock");
    let previews = out.join("previews");
    let moved = tmp.path().join("previews.bak");
    fs::rename(&previews, &moved).expect("move previews away");
    fs::write(&previews, "not a directory").expect("a file in the way");
    let failed = campaignc(&["build", "campaigns", "--out", "out"], tmp.path());
    assert_eq!(failed.status.code(), Some(2), "{}", stderr(&failed));
    let now = files_under(&out);
    for (name, bytes) in &expected {
        if !name.starts_with("previews/") {
            assert_eq!(now.get(name), Some(bytes), "{name} changed");
        }
    }
    assert_eq!(now.get("notes.txt").map(Vec::as_slice), Some(&b"mine"[..]));
    assert!(!now.keys().any(|k| k.contains(".tmp-")), "{now:?}");

    // Once the way is clear the build writes the new versions.
    fs::remove_file(&previews).expect("unblock");
    fs::rename(&moved, &previews).expect("restore previews");
    let rebuilt = campaignc(&["build", "campaigns", "--out", "out"], tmp.path());
    assert_eq!(rebuilt.status.code(), Some(0), "{}", stderr(&rebuilt));
    let after = files_under(&out);
    let changed_plans = before
        .iter()
        .filter(|(k, v)| k.starts_with("plans/") && after.get(*k) != Some(v))
        .count();
    assert!(changed_plans > 0, "the edit changed a plan");
    assert_eq!(
        after.get("notes.txt").map(Vec::as_slice),
        Some(&b"mine"[..])
    );
}
