//! Symbolic links inside a project (unix): a broken link that is not a
//! `.camp` file is never touched, a dangling `.camp` link is warning
//! `W0902` naming it, and a directory link back to an ancestor is skipped.
#![cfg(unix)]

use std::os::unix::fs::symlink;

#[path = "common/starter.rs"]
mod starter_project;
use starter_project::{campaignc, starter, stderr};

#[test]
fn broken_links_that_are_not_camp_files_change_nothing() {
    let tmp = starter();
    let project = tmp.path().join("campaigns");
    symlink(project.join("gone.txt"), project.join("notes.txt")).expect("dangling link");
    symlink(project.join("self.txt"), project.join("self.txt")).expect("self loop");
    std::fs::create_dir(project.join("sub")).expect("mkdir");
    symlink(project.join("nowhere"), project.join("sub/old_dir")).expect("dangling dir link");
    symlink(&project, project.join("sub/back")).expect("loop to an ancestor");
    for args in [
        &["check", "campaigns", "--deny", "warnings"][..],
        &["build", "campaigns", "--out", "out"],
        &["test", "campaigns"],
        &["fmt", "campaigns", "--check"],
        &["coverage", "campaigns"],
    ] {
        let out = campaignc(args, tmp.path());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("notes.txt"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_dangling_camp_link_is_a_warning_that_names_it() {
    let tmp = starter();
    let project = tmp.path().join("campaigns");
    symlink(
        tmp.path().join("archive/winback.camp"),
        project.join("winback.camp"),
    )
    .expect("dangling .camp link");

    let check = campaignc(&["check", "campaigns"], tmp.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let text = stderr(&check);
    assert!(text.contains("W0902"), "{text}");
    assert!(text.contains("campaigns/winback.camp"), "{text}");

    let denied = campaignc(&["check", "campaigns", "--deny", "warnings"], tmp.path());
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));

    let fmt = campaignc(&["fmt", "campaigns", "--check"], tmp.path());
    assert_eq!(fmt.status.code(), Some(0), "{}", stderr(&fmt));
    assert!(stderr(&fmt).contains("W0902"), "{}", stderr(&fmt));
}
