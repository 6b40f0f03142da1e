//! `campaignc diff BASE HEAD`: the Markdown a pull request comment shows,
//! on copies of the example project with one edit each.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("readable dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

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
    copy_dir(&campaigns, &base);
    copy_dir(&campaigns, &head);
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
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    assert_eq!(stdout(&out), "No changes to campaigns.\n");
}

#[test]
fn a_removed_campaign_is_listed() {
    let p = projects();
    fs::remove_file(p.head.join("flows/referral.camp")).expect("remove");
    fs::remove_file(p.head.join("tests/referral.camp")).expect("remove");
    let out = diff(&p);
    let text = stdout(&out);
    assert!(
        text.contains("### Removed campaign `referral`"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
fn an_inserted_step_is_added_and_its_predecessor_now_leads_to_it() {
    let p = projects();
    edit(
        &p.head.join("flows/onboarding.camp"),
        "    wait 1d\n    send club_invite\n",
        "    wait 1d\n    wait 12h\n    send club_invite\n",
    );
    let out = diff(&p);
    let text = stdout(&out);
    assert!(text.contains("- added `wait.12h`: wait 12h\n"), "{text}");
    assert!(
        text.contains("- changed `wait.1d`: next `send.club_invite` → `wait.12h`\n"),
        "{text}"
    );
    assert!(!text.contains("replaced"), "{text}");
}
