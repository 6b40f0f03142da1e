//! `campaignc.toml` (issue 16, point 6): found by walking up from the
//! current directory, its paths relative to itself, overridden by flags,
//! shown by `campaignc config`, and refused with file:line (exit 2) when
//! malformed. Drives the real binary on a starter project.

#[path = "common/starter.rs"]
mod starter;

use std::fs;
use std::path::Path;

use starter::{campaignc, starter, stderr, stdout};

fn write_config(root: &Path, text: &str) {
    fs::write(root.join("campaignc.toml"), text).unwrap();
}

/// The line of `campaignc config`'s output that sets `key`.
fn setting_line(config_output: &str, key: &str) -> String {
    config_output
        .lines()
        .find(|line| line.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("no `{key}` in:\n{config_output}"))
        .to_owned()
}

#[test]
fn the_file_is_found_from_a_subdirectory_and_its_paths_are_relative_to_it() {
    let tmp = starter();
    write_config(tmp.path(), "project = \"campaigns\"\nout = \"site\"\n");
    // Run from inside the project: the file is one level up.
    let out = campaignc(&["build"], &tmp.path().join("campaigns"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("site/plans").is_dir(), "{}", stderr(&out));
    assert!(!tmp.path().join("campaigns/out").exists());
    assert!(!tmp.path().join("out").exists());

    // Keys left out default next to the file, not in the current directory.
    write_config(tmp.path(), "deny = [\"warnings\"]\n");
    let out = campaignc(&["build"], &tmp.path().join("campaigns"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("out/plans").is_dir(), "{}", stderr(&out));
    assert!(!tmp.path().join("campaigns/out").exists());
    assert!(
        stderr(&out).ends_with("previews: open ../out/previews/index.html\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn flags_override_the_file_and_the_file_overrides_the_defaults() {
    let tmp = starter();
    fs::create_dir(tmp.path().join("empty")).unwrap();
    write_config(
        tmp.path(),
        "# team defaults\nproject = \"campaigns\"\nout = \"site\"\n",
    );
    let out = campaignc(&["build", "--out", "other"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(tmp.path().join("other/plans").is_dir());
    assert!(!tmp.path().join("site").exists());

    let out = campaignc(&["config", "--out", "other"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let file = tmp.path().join("campaignc.toml");
    let project = setting_line(&text, "project");
    assert!(project.starts_with("project = \"campaigns\""), "{text}");
    assert!(
        project.ends_with(&format!("# from {}:2", file.display())),
        "{text}"
    );
    assert!(
        setting_line(&text, "out").ends_with("# from the command line (--out)"),
        "{text}"
    );
    assert!(setting_line(&text, "deny").ends_with("# default"), "{text}");
    assert!(
        setting_line(&text, "warehouse-env").starts_with("warehouse-env = \"CAMPAIGNC_DB\""),
        "{text}"
    );

    // The positional project directory overrides `project`.
    let out = campaignc(&["config", "empty"], tmp.path());
    let project = setting_line(&stdout(&out), "project");
    assert!(project.starts_with("project = \"empty\""), "{project}");
    assert!(project.ends_with("(DIR argument)"), "{project}");
}

#[test]
fn deny_warnings_in_the_file_fails_a_project_with_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir(tmp.path().join("empty")).unwrap();
    // An empty project is warning W0901: clean unless warnings are denied.
    write_config(tmp.path(), "project = \"empty\"\n");
    let out = campaignc(&["check"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("W0901"), "{}", stderr(&out));

    write_config(tmp.path(), "project = \"empty\"\ndeny = [\"warnings\"]\n");
    let out = campaignc(&["check"], tmp.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // --no-config ignores the file: the default project does not exist.
    let out = campaignc(&["check", "--no-config", "empty"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn the_serve_address_and_warehouse_variable_come_from_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    write_config(
        tmp.path(),
        "serve = \"127.0.0.1:8123\"\nwarehouse-env = \"ANALYTICS_DB_URL\"\n",
    );
    let out = campaignc(&["config"], tmp.path());
    let text = stdout(&out);
    assert!(
        setting_line(&text, "serve").starts_with("serve = \"127.0.0.1:8123\""),
        "{text}"
    );
    assert!(
        setting_line(&text, "warehouse-env").starts_with("warehouse-env = \"ANALYTICS_DB_URL\""),
        "{text}"
    );
    let out = campaignc(&["config", "--serve", "9000"], tmp.path());
    assert!(
        setting_line(&stdout(&out), "serve").ends_with("(--serve)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_malformed_or_unknown_key_config_is_an_error_with_file_and_line() {
    let tmp = starter();
    let file = tmp.path().join("campaignc.toml");
    let cases = [
        // A misspelt key is not silently ignored.
        (
            "out = \"site\"\ndeny_warnings = true\n",
            ":2:1: unknown field `deny_warnings`",
        ),
        ("project = \"campaigns\"\nout = \"unclosed\n", ":2:"),
        ("out = 3\n", ":1:7: "),
        (
            "deny = [\"warning\"]\n",
            ":1:9: `deny` takes only \"warnings\"",
        ),
        ("serve = \"nowhere:x\"\n", ":1: `serve`: "),
        (
            "warehouse-env = \"postgres://u:secret@h/db\"\n",
            ":1:17: `warehouse-env` is the name",
        ),
    ];
    for (text, expected) in cases {
        fs::write(&file, text).unwrap();
        for command in ["check", "build", "config"] {
            let out = campaignc(&[command], tmp.path());
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{command} with {text:?}: {err}");
            assert!(
                err.starts_with(&format!("error: {}{expected}", file.display())),
                "{command} with {text:?}:\n{err}"
            );
        }
        assert!(
            !tmp.path().join("out").exists(),
            "nothing built with {text:?}"
        );
    }
    // Commands that take no setting do not read it.
    let out = campaignc(&["explain", "--list"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
