//! `campaignc fmt` changes a file's text and nothing else (unix, real
//! files): permissions stay, read-only files are refused, a symbolic link
//! stays a link and its target is formatted, hard links stay linked, and
//! nothing outside the project directory is written, even through links.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn messy() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fmt/messy.camp"))
        .expect("messy fixture")
}

fn fmt(project: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("fmt")
        .arg(project)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o7777
}

/// A temporary directory with an empty project directory `campaigns/` and
/// a sibling directory `outside/`.
fn layout() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = tmp.path().join("campaigns");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(&project).expect("mkdir");
    fs::create_dir_all(&outside).expect("mkdir");
    (tmp, project, outside)
}

#[test]
fn permissions_are_kept() {
    let (_tmp, project, _) = layout();
    let file = project.join("a.camp");
    fs::write(&file, messy()).expect("write");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).expect("chmod");
    let out = fmt(&project);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_ne!(
        fs::read_to_string(&file).expect("read"),
        messy(),
        "formatted"
    );
    assert_eq!(mode(&file), 0o640);
}

#[test]
fn a_read_only_file_is_refused_and_left_alone_but_the_others_are_formatted() {
    let (_tmp, project, _) = layout();
    let locked = project.join("locked.camp");
    let other = project.join("other.camp");
    fs::write(&locked, messy()).expect("write");
    fs::write(&other, messy()).expect("write");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o400)).expect("chmod");
    let out = fmt(&project);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(
        text.contains("locked.camp") && text.contains("read-only"),
        "{text}"
    );
    assert_eq!(fs::read_to_string(&locked).expect("read"), messy());
    assert_eq!(mode(&locked), 0o400);
    assert_ne!(fs::read_to_string(&other).expect("read"), messy());
}

#[test]
fn a_symbolic_link_stays_a_link_and_its_target_is_formatted() {
    let (_tmp, project, _) = layout();
    let real = project.join("shared");
    fs::create_dir_all(&real).expect("mkdir");
    let target = real.join("real.camp");
    fs::write(&target, messy()).expect("write");
    let link = project.join("link.camp");
    symlink("shared/real.camp", &link).expect("symlink");
    let out = fmt(&project);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(fs::symlink_metadata(&link)
        .expect("link")
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_link(&link).expect("readlink"),
        Path::new("shared/real.camp")
    );
    let formatted = fs::read_to_string(&target).expect("read");
    assert_ne!(formatted, messy());
    // Formatting again changes nothing: one file, formatted once.
    let again = fmt(&project);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(fs::read_to_string(&target).expect("read"), formatted);
}

#[test]
fn hard_links_stay_linked() {
    let (_tmp, project, outside) = layout();
    let file = project.join("a.camp");
    fs::write(&file, messy()).expect("write");
    let twin = outside.join("a-twin.camp");
    fs::hard_link(&file, &twin).expect("hard link");
    let out = fmt(&project);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let formatted = fs::read_to_string(&file).expect("read");
    assert_ne!(formatted, messy());
    assert_eq!(fs::read_to_string(&twin).expect("read twin"), formatted);
    let (a, b) = (
        fs::metadata(&file).expect("meta"),
        fs::metadata(&twin).expect("meta"),
    );
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2), "still one file");
}

#[test]
fn nothing_outside_the_project_is_written_through_links() {
    let (_tmp, project, outside) = layout();
    fs::write(outside.join("theirs.camp"), messy()).expect("write");
    fs::write(outside.join("linked.camp"), messy()).expect("write");
    symlink(&outside, project.join("vendored")).expect("directory link");
    symlink(outside.join("linked.camp"), project.join("linked.camp")).expect("file link");
    fs::write(project.join("mine.camp"), messy()).expect("write");
    let out = fmt(&project);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("outside the project"), "{text}");
    assert!(
        text.contains("theirs.camp") && text.contains("linked.camp"),
        "{text}"
    );
    assert_eq!(
        fs::read_to_string(outside.join("theirs.camp")).expect("read"),
        messy()
    );
    assert_eq!(
        fs::read_to_string(outside.join("linked.camp")).expect("read"),
        messy()
    );
    assert_ne!(
        fs::read_to_string(project.join("mine.camp")).expect("read"),
        messy()
    );
}
