//! `campaignc preview` names what it cannot find in plain word order, with
//! "did you mean" (a locale typo included). Issue 9, item 26.

use std::process::Command;

fn preview(args: &[&str]) -> (Option<i32>, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/campaigns");
    let o = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("preview")
        .arg(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_locale_or_message_reads_in_order_with_did_you_mean() {
    let (code, err) = preview(&["--campaign", "onboarding", "--locale", "vn"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("campaign `onboarding` does not send in locale `vn`; did you mean `vi`?"),
        "{err}"
    );
    assert!(err.contains("known: en, vi, cs, zh-Hant"), "{err}");

    let (code, err) = preview(&["--campaign", "onboarding", "--message", "welcom"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("campaign `onboarding` sends no message `welcom`; did you mean `welcome`?"),
        "{err}"
    );
}
