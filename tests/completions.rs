//! Shell completions and the manual page (issue 16, point 4): the
//! scripts `campaignc completions SHELL` prints load in their shell, and a
//! Tab after a flag that takes a name offers the names in the project
//! (the dynamic engine answers from the binary itself); `campaignc man`
//! prints roff pages.

#[path = "common/starter.rs"]
mod starter;

use std::path::Path;
use std::process::Command;

use starter::{campaignc, starter, stderr, stdout};

const BIN: &str = env!("CARGO_BIN_EXE_campaignc");

/// Runs `script` in bash, in `dir`; its stdout. `$CAMPAIGNC` is the binary.
fn bash(script: &str, dir: &Path) -> std::process::Output {
    Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("CAMPAIGNC", BIN)
        .output()
        .expect("bash runs")
}

#[test]
fn the_bash_script_loads_and_registers_campaignc() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bash(
        "set -e; source <(\"$CAMPAIGNC\" completions bash); complete -p campaignc",
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("-F _clap_complete_campaignc campaignc"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn every_shell_gets_a_script_that_calls_back_into_campaignc() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = campaignc(&["completions", shell], tmp.path());
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(script.contains("CAMPAIGNC_COMPLETE"), "{shell}:\n{script}");
        assert!(script.contains(BIN), "{shell} calls this binary:\n{script}");
    }
    let out = campaignc(&["completions", "tcsh"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
}

/// What bash offers for the words of a command line whose last word is
/// being completed, with the script loaded, in `dir`.
fn tab(words: &[&str], dir: &Path) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().copied().unwrap_or("");
    let previous = words.len().checked_sub(2).map_or("", |i| words[i]);
    let script = format!(
        "source <(\"$CAMPAIGNC\" completions bash)\n\
         COMP_WORDS=({words}); COMP_CWORD={cword}\n\
         _clap_complete_campaignc campaignc '{current}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let out = bash(&script, dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_tab_after_a_flag_that_takes_a_name_offers_the_projects_names() {
    let tmp = starter();
    let dir = tmp.path();
    assert_eq!(
        tab(&["campaignc", "preview", "--campaign", ""], dir),
        ["onboarding"]
    );
    assert_eq!(
        tab(&["campaignc", "preview", "--message", ""], dir),
        ["nudge", "welcome"]
    );
    assert_eq!(
        tab(&["campaignc", "preview", "--persona", ""], dir),
        ["ada", "jana"]
    );
    assert_eq!(
        tab(&["campaignc", "preview", "--locale", ""], dir),
        ["cs", "en"]
    );
    // The typed prefix filters.
    assert_eq!(
        tab(
            &["campaignc", "simulate", "onboarding", "--persona", "j"],
            dir
        ),
        ["jana"]
    );
    assert_eq!(tab(&["campaignc", "simulate", "on"], dir), ["onboarding"]);
    // Commands come from the binary too.
    assert_eq!(tab(&["campaignc", "compl"], dir), ["completions"]);
}

#[test]
fn names_come_from_the_project_campaignc_toml_names() {
    let tmp = starter();
    std::fs::rename(tmp.path().join("campaigns"), tmp.path().join("marketing")).unwrap();
    assert!(tab(&["campaignc", "preview", "--campaign", ""], tmp.path()).is_empty());
    std::fs::write(
        tmp.path().join("campaignc.toml"),
        "project = \"marketing\"\n",
    )
    .unwrap();
    std::fs::create_dir(tmp.path().join("sub")).unwrap();
    assert_eq!(
        tab(
            &["campaignc", "preview", "--campaign", ""],
            &tmp.path().join("sub")
        ),
        ["onboarding"]
    );
}

#[test]
fn man_prints_a_roff_page_for_campaignc_and_for_each_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = campaignc(&["man"], tmp.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = stdout(&out);
    assert!(page.contains(".TH campaignc 1"), "{page}");
    assert!(
        page.contains("completions"),
        "the commands are listed:\n{page}"
    );
    let out = campaignc(&["man", "build"], tmp.path());
    let page = stdout(&out);
    assert!(page.contains(".TH campaignc-build 1"), "{page}");
    assert!(page.contains("\\-\\-out"), "{page}");
    let out = campaignc(&["man", "nope"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no command `nope`"),
        "{}",
        stderr(&out)
    );
}
