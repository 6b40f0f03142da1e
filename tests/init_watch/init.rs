//! `campaignc init`: the starter project is clean, builds and passes its
//! tests; a directory that holds anything is refused and left untouched.

use std::path::{Path, PathBuf};

use super::{campaignc_in, code, snapshot, text};

#[test]
fn init_writes_a_project_that_checks_clean_builds_and_passes_its_tests() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = campaignc_in(tmp.path(), &["init", "starter"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("starter/schema.camp"), "{said}");
    assert!(said.contains("starter/tests/onboarding.camp"), "{said}");
    for next in [
        "campaignc check starter",
        "campaignc build starter",
        "campaignc test starter",
    ] {
        assert!(said.contains(next), "next steps name `{next}`:\n{said}");
    }

    let check = campaignc_in(tmp.path(), &["check", "starter", "--deny", "warnings"]);
    assert_eq!(code(&check), 0, "{}", text(&check.stderr));
    assert!(text(&check.stderr).ends_with("no errors or warnings\n"));

    let fmt = campaignc_in(tmp.path(), &["fmt", "starter", "--check"]);
    assert_eq!(
        code(&fmt),
        0,
        "the starter is in canonical form: {}",
        text(&fmt.stdout)
    );

    let build = campaignc_in(tmp.path(), &["build", "starter", "--out", "out"]);
    assert_eq!(code(&build), 0, "{}", text(&build.stderr));
    assert!(tmp.path().join("out/plans/onboarding.json").is_file());
    assert!(tmp.path().join("out/previews/index.html").is_file());

    let test = campaignc_in(tmp.path(), &["test", "starter"]);
    assert_eq!(code(&test), 0, "{}", text(&test.stdout));
    assert!(
        text(&test.stdout).ends_with("2 passed, 0 failed\n"),
        "{}",
        text(&test.stdout)
    );
}

#[test]
fn init_writes_the_template_files_as_they_are() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = campaignc_in(tmp.path(), &["init", "p"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/starter");
    let relative = |files: Vec<(PathBuf, Vec<u8>)>, root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files
            .into_iter()
            .map(|(p, b)| (p.strip_prefix(root).expect("under").to_path_buf(), b))
            .collect()
    };
    assert_eq!(
        relative(snapshot(&tmp.path().join("p")), &tmp.path().join("p")),
        relative(snapshot(&template), &template)
    );
}

#[test]
fn init_defaults_to_campaigns_and_accepts_an_empty_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("campaigns")).expect("mkdir");
    let out = campaignc_in(tmp.path(), &["init"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(tmp.path().join("campaigns/onboarding.camp").is_file());
}

#[test]
fn init_refuses_a_non_empty_directory_and_leaves_it_untouched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("mine");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    std::fs::write(dir.join("schema.camp"), "// my own schema\n").expect("write");
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    let before = snapshot(&dir);

    let out = campaignc_in(tmp.path(), &["init", "mine"]);
    assert_eq!(code(&out), 2);
    let err = text(&out.stderr);
    assert!(err.contains("mine is not empty"), "{err}");
    assert!(err.contains("never overwrites"), "{err}");
    assert!(text(&out.stdout).is_empty());
    assert_eq!(snapshot(&dir), before, "nothing written, nothing changed");

    // Only hidden entries still count: the directory is not empty.
    std::fs::remove_file(dir.join("schema.camp")).expect("rm");
    let out = campaignc_in(tmp.path(), &["init", "mine"]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(!dir.join("schema.camp").exists());
}

#[test]
fn init_refuses_a_path_that_is_a_file() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("taken"), "data").expect("write");
    let out = campaignc_in(tmp.path(), &["init", "taken"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("not a directory"));
    assert_eq!(
        std::fs::read(tmp.path().join("taken")).expect("read"),
        b"data"
    );
}

#[test]
fn init_writes_a_github_workflow_for_the_project_at_the_repository_root() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = campaignc_in(tmp.path(), &["init", "marketing/campaigns"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(".github/workflows/campaigns.yml"));
    let workflow = std::fs::read_to_string(tmp.path().join(".github/workflows/campaigns.yml"))
        .expect("the workflow is written");
    assert_eq!(
        workflow,
        campaignc::starter::workflow("marketing/campaigns"),
        "the library's workflow"
    );
    // On pull requests touching the project: every step the docs promise.
    for expected in [
        "pull_request:",
        "- 'marketing/campaigns/**'",
        "CAMPAIGNS: 'marketing/campaigns'",
        &format!("CAMPAIGNC_VERSION: '{}'", env!("CARGO_PKG_VERSION")),
        "campaignc check \"$CAMPAIGNS\" --format github --deny warnings",
        "campaignc fmt \"$CAMPAIGNS\" --check",
        "campaignc test \"$CAMPAIGNS\"",
        "campaignc build \"$CAMPAIGNS\" --out",
        "uses: actions/upload-artifact@v4",
        "campaignc diff \"$RUNNER_TEMP/base/$CAMPAIGNS\" \"$CAMPAIGNS\"",
        "uses: actions/github-script@v7",
        "updateComment",
        "pull-requests: write",
    ] {
        assert!(
            workflow.contains(expected),
            "no `{expected}` in:\n{workflow}"
        );
    }
    // Its commands are the binary's: the flags it passes exist.
    let project = tmp.path().join("marketing/campaigns");
    let check = campaignc_in(
        tmp.path(),
        &[
            "check",
            "marketing/campaigns",
            "--format",
            "github",
            "--deny",
            "warnings",
        ],
    );
    assert_eq!(code(&check), 0, "{}", text(&check.stderr));
    let base = tmp.path().join("base");
    std::fs::create_dir(&base).expect("mkdir");
    let diff = campaignc_in(
        tmp.path(),
        &["diff", "base", project.to_str().expect("UTF-8")],
    );
    assert_eq!(code(&diff), 0, "{}", text(&diff.stderr));
}

#[test]
fn an_existing_workflow_is_kept_and_no_workflow_writes_none() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let workflows = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).expect("mkdir");
    std::fs::write(workflows.join("campaigns.yml"), "# mine\n").expect("write");
    let out = campaignc_in(tmp.path(), &["init", "a"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Kept the existing .github/workflows/campaigns.yml"));
    assert_eq!(
        std::fs::read_to_string(workflows.join("campaigns.yml")).expect("read"),
        "# mine\n"
    );

    let other = tempfile::tempdir().expect("tempdir");
    let out = campaignc_in(other.path(), &["init", "b", "--no-workflow"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(!other.path().join(".github").exists());

    // A project outside the current directory: the workflow could not name
    // it, so there is none, and init says why.
    let outside = other.path().join("c");
    let out = campaignc_in(tmp.path(), &["init", outside.to_str().expect("UTF-8")]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("No GitHub Actions workflow written"));
    assert!(!other.path().join(".github").exists());
}
