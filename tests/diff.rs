//! `campaignc diff BASE HEAD`: the Markdown a pull request comment shows,
//! on copies of the example project with one edit each.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{copy_tree, succeeded};

/// Two copies of the example project: `base` as is, `head` edited.
struct Projects {
    _dir: tempfile::TempDir,
    base: std::path::PathBuf,
    head: std::path::PathBuf,
}

fn projects() -> Projects {
    let dir = tempfile::tempdir().expect("tempdir");
    let campaigns = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let base = dir.path().join("base");
    let head = dir.path().join("head");
    copy_tree(&campaigns, &base);
    copy_tree(&campaigns, &head);
    Projects {
        _dir: dir,
        base,
        head,
    }
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).expect("read");
    assert!(text.contains(from), "`{from}` not in {}", file.display());
    fs::write(file, text.replacen(from, to, 1)).expect("write");
}

fn diff(p: &Projects) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("diff")
        .arg(&p.base)
        .arg(&p.head)
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

const NEW_CAMPAIGN: &str = r#"/// Thanks our best customers once they reach gold.
campaign vip_thanks {
  stage loyalty
  trigger changed loyalty_tier to gold
  locales en, vi, cs, zh-Hant
  flow {
    send vip_hello
  }
}

message vip_hello: push {
  locale en { title "You are gold!"  body "Thank you for every cup." }
  locale vi { title "Bạn đã đạt hạng vàng!"  body "Cảm ơn bạn vì từng tách cà phê." }
  locale cs { title "Jste zlatí!"  body "Děkujeme za každý šálek." }
  locale zh-Hant { title "您已升級金卡!"  body "感謝您的每一杯。" }
}
"#;

#[test]
fn a_changed_wait_a_czech_text_and_a_new_campaign() {
    let p = projects();
    let onboarding = p.head.join("flows/onboarding.camp");
    edit(&onboarding, "    wait 1d\n", "    wait 2d\n");
    edit(
        &onboarding,
        "První balení vám tento týden doručíme zdarma",
        "První balení vám doručíme zdarma",
    );
    edit(
        &onboarding,
        "První balení vám doručíme zdarma. Nevíte",
        "První balení vám doručíme zdarma po celé ČR. Nevíte",
    );
    fs::write(p.head.join("flows/vip_thanks.camp"), NEW_CAMPAIGN).expect("write");
    let out = diff(&p);
    succeeded(&out);
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn a_segment_and_a_policy_change_name_the_campaigns_they_affect() {
    let p = projects();
    edit(
        &p.head.join("segments.camp"),
        "last_order_at < now - 60d",
        "last_order_at < now - 45d",
    );
    edit(
        &p.head.join("flows/onboarding.camp"),
        "cap 1 per 1d",
        "cap 2 per 1d",
    );
    let out = diff(&p);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn identical_projects_have_no_changes_and_comments_do_not_count() {
    let p = projects();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "// Onboarding:",
        "// Onboarding (edited comment):",
    );
    let out = diff(&p);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("No changes to campaigns.\n\n"), "{text}");
    assert!(
        text.ends_with("## Tests of the head\n\nAll 27 tests pass.\n"),
        "{text}"
    );
}

#[test]
fn a_removed_campaign_gets_the_facts_of_an_added_one() {
    let p = projects();
    fs::remove_file(p.head.join("flows/referral.camp")).expect("remove");
    fs::remove_file(p.head.join("tests/referral.camp")).expect("remove");
    let out = diff(&p);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn errors_in_either_project_are_reported_with_exit_1() {
    let p = projects();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "send welcome",
        "send welcom",
    );
    let out = diff(&p);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("has errors"), "{stderr}");
}

#[test]
fn the_output_is_deterministic() {
    let p = projects();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "    wait 1d\n",
        "    wait 3d\n",
    );
    assert_eq!(stdout(&diff(&p)), stdout(&diff(&p)));
}

#[test]
fn an_inserted_step_is_added_and_no_other_step_changes() {
    let p = projects();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "    wait 1d\n    send club_invite\n",
        "    wait 1d\n    wait 12h\n    send club_invite\n",
    );
    let out = diff(&p);
    let text = stdout(&out);
    assert!(
        text.contains("- added step `wait 12h` (step `wait#2`)\n"),
        "{text}"
    );
    assert!(!text.contains("changed step"), "{text}");
}

/// `diff` with `--in-flight` counts and `--migrations`, returning the
/// output and the migrations JSON.
fn diff_in_flight(p: &Projects, counts: &str) -> (Output, serde_json::Value) {
    let counts_file = p.base.parent().expect("parent").join("in-flight.json");
    let migrations = p.base.parent().expect("parent").join("migrations.json");
    fs::write(&counts_file, counts).expect("write counts");
    let out = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("diff")
        .arg(&p.base)
        .arg(&p.head)
        .arg("--in-flight")
        .arg(&counts_file)
        .arg("--migrations")
        .arg(&migrations)
        .output()
        .expect("the binary runs");
    let json = fs::read_to_string(&migrations).unwrap_or_default();
    (out, serde_json::from_str(&json).unwrap_or_default())
}

/// The move of the customers parked at `node` of `campaign`.
fn parked<'a>(m: &'a serde_json::Value, campaign: &str, node: &str) -> &'a serde_json::Value {
    m["campaigns"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["campaign"] == campaign))
        .and_then(|c| c["parked"].as_array())
        .and_then(|p| p.iter().find(|p| p["from"] == node))
        .unwrap_or_else(|| panic!("no move for {campaign}/{node} in {m:#}"))
}

#[test]
fn a_longer_wait_keeps_its_id_and_says_when_the_people_in_it_go_on() {
    let p = projects();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "    wait 1d\n",
        "    wait 2d\n",
    );
    let (out, migrations) = diff_in_flight(
        &p,
        r#"{"format": "campaignc.in-flight/v1", "campaigns": {"onboarding": {"wait": 1200, "wait_for": 300}}}"#,
    );
    succeeded(&out);
    let text = stdout(&out);
    assert!(!text.contains("removed"), "{text}");
    let wait = parked(&migrations, "onboarding", "wait");
    assert_eq!(wait["to"], "wait");
    assert_eq!(wait["resume"], "retimed");
    assert_eq!(
        parked(&migrations, "onboarding", "wait_for")["resume"],
        "unchanged"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn a_removed_wait_sends_the_people_in_it_on_to_the_next_step() {
    let p = projects();
    edit(&p.head.join("flows/onboarding.camp"), "    wait 1d\n", "");
    let (out, migrations) = diff_in_flight(
        &p,
        r#"{"format": "campaignc.in-flight/v1", "campaigns": {"onboarding": {"wait": 1200}}}"#,
    );
    succeeded(&out);
    let wait = parked(&migrations, "onboarding", "wait");
    assert_eq!(wait["to"], "send#2");
    assert_eq!(wait["resume"], "successor");
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn a_removed_branch_is_one_line_and_empties_a_coverage_cell() {
    let p = projects();
    let file = p.head.join("flows/churn_prevention.camp");
    let text = fs::read_to_string(&file).expect("read");
    let start = text.find("    if vip {").expect("the if");
    let else_at = text[start..].find("    } else {").expect("else") + start;
    let end = text[else_at..].find("    }\n").expect("end of if") + else_at + "    }\n".len();
    fs::write(&file, format!("{}{}", &text[..start], &text[end..])).expect("write");
    let out = diff(&p);
    succeeded(&out);
    let text = stdout(&out);
    // One line for the branch, in words, and no message "removed": they
    // are still defined, only no longer sent.
    assert_eq!(text.matches("- removed").count(), 1, "{text}");
    assert!(!text.contains("removed message"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_head_whose_tests_fail_is_still_compared_and_the_failures_listed() {
    let p = projects();
    edit(
        &p.head.join("flows/churn_prevention.camp"),
        "    wait 3d\n",
        "    wait 5d\n",
    );
    let out = diff(&p);
    succeeded(&out);
    let text = stdout(&out);
    assert!(text.contains("- fails: "), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_labelled_wait_moved_into_a_branch_keeps_its_id() {
    let p = projects();
    edit(
        &p.base.join("flows/onboarding.camp"),
        "    wait 1d\n",
        "    cool_off: wait 1d\n",
    );
    edit(
        &p.head.join("flows/onboarding.camp"),
        "    wait 1d\n    send club_invite\n",
        "    if plan == trial {\n      cool_off: wait 1d\n    }\n    send club_invite\n",
    );
    let (out, migrations) = diff_in_flight(
        &p,
        r#"{"format": "campaignc.in-flight/v1", "campaigns": {}}"#,
    );
    succeeded(&out);
    let wait = parked(&migrations, "onboarding", "@cool_off");
    assert_eq!(wait["to"], "@cool_off");
    assert_eq!(wait["resume"], "unchanged");
}

#[test]
fn a_report_over_the_comment_limit_is_cut_with_a_notice() {
    let p = projects();
    let long: String = (0..4000)
        .map(|i| format!("      Line {i} of a very long welcome letter.\n"))
        .collect();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "      [Choose your first bag](https://shop.lumen-coffee.example/start)\n",
        &format!("{long}      [Choose your first bag](https://shop.lumen-coffee.example/start)\n"),
    );
    let out = diff(&p);
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.chars().count() <= 65_536,
        "{} characters",
        text.chars().count()
    );
    assert!(
        text.contains("<details><summary>"),
        "long text diffs are folded"
    );
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(4)..]
        .join("\n")
        .replace(&p.base.display().to_string(), "BASE")
        .replace(&p.head.display().to_string(), "HEAD");
    assert!(tail.contains("65536-character limit"), "{tail}");
    assert!(tail.contains("`campaignc diff BASE HEAD`"), "{tail}");
    insta::assert_snapshot!(tail);
}

/// `docs/migrations.schema.json` is the schema of `--migrations` files,
/// generated from the types (`UPDATE_DOCS=1` rewrites it), and a written
/// file validates against it.
#[test]
fn the_migrations_file_follows_its_published_schema() {
    let schema_text = campaignc::plan::migrate::migrations_json_schema();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/migrations.schema.json");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        fs::write(&path, &schema_text).expect("write the schema");
    }
    let published = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == schema_text,
        "docs/migrations.schema.json is out of date: run UPDATE_DOCS=1 cargo test --test diff"
    );
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let p = projects();
    fs::remove_file(p.head.join("flows/referral.camp")).expect("remove");
    fs::remove_file(p.head.join("tests/referral.camp")).expect("remove");
    edit(&p.head.join("flows/onboarding.camp"), "    wait 1d\n", "");
    let (_, migrations) = diff_in_flight(
        &p,
        r#"{"format": "campaignc.in-flight/v1", "campaigns": {}}"#,
    );
    let errors: Vec<String> = validator
        .iter_errors(&migrations)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(migrations["format"], "campaignc.migrations/v1");
    assert_eq!(parked(&migrations, "referral", "send")["resume"], "end");
}
