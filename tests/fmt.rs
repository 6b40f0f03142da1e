//! `campaignc fmt`: the canonical layout, the promise never to lose or
//! change what the user wrote, and the command's files and exit codes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use campaignc::fmt::{format_text, same_meaning};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn messy() -> String {
    fs::read_to_string(root().join("tests/fixtures/fmt/messy.camp")).expect("messy fixture")
}

fn campaignc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every `.camp` file under `dir`, sorted.
fn camp_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "camp"))
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn the_messy_fixture_formats_to_its_snapshot() {
    let formatted = format_text(&messy());
    insta::assert_snapshot!(formatted);
}

#[test]
fn the_messy_fixture_keeps_its_meaning_and_formatting_is_idempotent() {
    let original = messy();
    let once = format_text(&original);
    assert_ne!(once, original, "the fixture is meant to need formatting");
    assert!(same_meaning(&original, &once));
    assert_eq!(format_text(&once), once, "formatting twice = once");
}

#[test]
fn comments_are_kept_exactly_and_only_reindented() {
    let original = messy();
    let formatted = format_text(&original);
    for line in original.lines() {
        if let Some(at) = line.find("//") {
            let comment = line[at..].trim_end();
            assert!(
                formatted.contains(comment),
                "comment `{comment}` is missing from:\n{formatted}"
            );
        }
    }
}

#[test]
fn block_strings_move_as_a_unit_and_keep_their_value() {
    let src = "message m: email {\n        locale en {\n subject \"S\"\n body \"\"\"\n   Hi,\n\n     two spaces deeper  \n   end\n   \"\"\"\n  }\n}\n";
    let formatted = format_text(src);
    assert_eq!(
        formatted,
        "message m: email {\n  locale en {\n    subject \"S\"\n    body \"\"\"\n      Hi,\n\n        two spaces deeper  \n      end\n      \"\"\"\n  }\n}\n"
    );
    assert!(same_meaning(src, &formatted));
}

#[test]
fn a_block_string_with_text_on_its_opening_line_is_not_shifted() {
    let src = "message m: sms {\n      body \"\"\"Hi\n  there\"\"\"\n}\n";
    let formatted = format_text(src);
    assert_eq!(
        formatted,
        "message m: sms {\n  body \"\"\"Hi\n  there\"\"\"\n}\n"
    );
    assert!(same_meaning(src, &formatted));
}

#[test]
fn a_block_string_never_moves_left_past_its_least_indented_line() {
    let src = "message m: sms {\n          body \"\"\"\n  Hi\n    there\n  \"\"\"\n}\n";
    let formatted = format_text(src);
    assert!(same_meaning(src, &formatted), "{formatted}");
    assert_eq!(format_text(&formatted), formatted);
}

#[test]
fn blank_lines_collapse_and_the_file_ends_with_one_line_break() {
    let src = "\n\nsegment a = plan == trial\n\n\n\nsegment b = plan == pro\n\n\n";
    assert_eq!(
        format_text(src),
        "segment a = plan == trial\n\nsegment b = plan == pro\n"
    );
    assert_eq!(format_text(""), "");
}

#[test]
fn every_example_and_fixture_is_a_fixed_point_or_formats_to_the_same_tree() {
    let mut checked = 0;
    for dir in ["campaigns", "tests/fixtures"] {
        for path in camp_files(&root().join(dir)) {
            let original = fs::read_to_string(&path).expect("readable");
            let formatted = format_text(&original);
            assert_eq!(
                format_text(&formatted),
                formatted,
                "not idempotent: {}",
                path.display()
            );
            let parses = same_meaning(&original, &original);
            if parses && formatted != original {
                assert!(
                    same_meaning(&original, &formatted),
                    "formatting changes the meaning of {}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} files found");
}

#[test]
fn the_example_project_and_language_examples_are_already_canonical() {
    for dir in ["campaigns", "tests/fixtures/language_examples"] {
        for path in camp_files(&root().join(dir)) {
            let original = fs::read_to_string(&path).expect("readable");
            assert_eq!(
                format_text(&original),
                original,
                "{} is not in canonical form",
                path.display()
            );
        }
    }
}

#[test]
fn check_lists_files_that_would_change_writes_nothing_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("messy.camp");
    fs::write(&file, messy()).expect("write");
    let out = campaignc(&["fmt", dir.path().to_str().expect("utf-8 path"), "--check"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("messy.camp"));
    assert!(text(&out.stderr).contains("1 file not formatted"));
    assert_eq!(fs::read_to_string(&file).expect("read"), messy());
}

#[test]
fn fmt_rewrites_then_check_passes_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("messy.camp");
    fs::write(&file, messy()).expect("write");
    let path = dir.path().to_str().expect("utf-8 path");
    let out = campaignc(&["fmt", path]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let once = fs::read_to_string(&file).expect("read");
    assert_eq!(once, format_text(&messy()));
    let check = campaignc(&["fmt", path, "--check"]);
    assert_eq!(code(&check), 0, "{}", text(&check.stdout));
    assert_eq!(text(&check.stdout), "");
    assert_eq!(code(&campaignc(&["fmt", path])), 0);
    assert_eq!(fs::read_to_string(&file).expect("read"), once);
    let leftovers: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| !p.ends_with("messy.camp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn the_example_project_passes_check() {
    let out = campaignc(&[
        "fmt",
        root().join("campaigns").to_str().expect("utf-8"),
        "--check",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
}

#[test]
fn a_file_with_a_syntax_error_is_left_untouched_and_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let broken = "segment = plan == trial\n\n\n   segment x=plan == pro\n";
    let file = dir.path().join("broken.camp");
    fs::write(&file, broken).expect("write");
    fs::write(dir.path().join("messy.camp"), messy()).expect("write");
    let out = campaignc(&["fmt", dir.path().to_str().expect("utf-8 path")]);
    assert_eq!(code(&out), 1);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("E0101"), "{stderr}");
    assert!(stderr.contains("broken.camp` unformatted"), "{stderr}");
    assert_eq!(fs::read_to_string(&file).expect("read"), broken);
    // The other file is still formatted.
    let other = fs::read_to_string(dir.path().join("messy.camp")).expect("read");
    assert_eq!(other, format_text(&messy()));
}

#[test]
fn a_missing_directory_exits_2() {
    let out = campaignc(&["fmt", "/no/such/campaignc/dir"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn cut_or_mangled_input_never_panics() {
    for path in camp_files(&root().join("campaigns")) {
        let original = fs::read_to_string(&path).expect("readable");
        let cuts = original.char_indices().map(|(i, _)| i).step_by(37);
        for cut in cuts {
            let _ = format_text(&original[..cut]);
            let mangled = format!("{}\"\"\"{}", &original[..cut], &original[cut..]);
            let _ = format_text(&mangled);
        }
    }
}

#[test]
fn the_safety_net_sees_changed_values_and_ignores_positions() {
    assert!(same_meaning(
        "segment a = plan == trial\n",
        "\n\nsegment a =\n  plan == trial\n"
    ));
    assert!(!same_meaning(
        "segment a = plan == trial\n",
        "segment a = plan == pro\n"
    ));
    // A block string whose lines moved unevenly has another value.
    let even = "message m: sms {\n  body \"\"\"\n    a\n    b\n    \"\"\"\n}\n";
    let uneven = "message m: sms {\n  body \"\"\"\n    a\n      b\n    \"\"\"\n}\n";
    assert!(!same_meaning(even, uneven));
    // A file that does not parse never means the same as anything.
    assert!(!same_meaning("segment = x\n", "segment = x\n"));
}

#[test]
fn an_empty_directory_is_fine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = campaignc(&["fmt", dir.path().to_str().expect("utf-8 path"), "--check"]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stderr).contains("no .camp files"));
}

#[test]
fn a_generic_type_at_the_end_of_a_line_is_not_an_unfinished_expression() {
    let src = "schema {\n  attr tags: list<string>\n  attr plan: string\n}\nsegment old =\n  signed_up_at < now -\n  30d\n";
    assert_eq!(format_text(src), src);
}
