//! The checker's fixes (`Diagnostic::fixes`): on a broken copy of the
//! example project, the diagnostic carries a fix, and applying it
//! (`Fix::resolve`) makes the project check clean again.

use std::path::Path;

use campaignc::diagnostics::Diagnostic;
use campaignc::driver::Workspace;

fn example() -> Workspace {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let mut ws = Workspace::new(&root);
    ws.load_dir(&root).expect("the example project loads");
    assert!(
        ws.diagnostics().is_empty(),
        "the example project checks clean"
    );
    ws
}

/// Replaces the first `from` in `path` with `to`.
fn break_file(ws: &mut Workspace, path: &str, from: &str, to: &str) {
    let text = ws.file(path).expect("a file of the example").to_string();
    assert!(text.contains(from), "`{from}` is in {path}");
    ws.set_file(path, text.replacen(from, to, 1));
}

/// The one diagnostic of the broken project with `code`.
fn the_diagnostic(ws: &mut Workspace, code: &str) -> Diagnostic {
    let found: Vec<Diagnostic> = ws
        .diagnostics()
        .iter()
        .filter(|d| d.code == code)
        .cloned()
        .collect();
    assert!(!found.is_empty(), "no {code} in {:?}", ws.diagnostics());
    found[0].clone()
}

/// Applies the `index`th fix of `d` and returns the diagnostics after.
fn apply_fix(ws: &mut Workspace, d: &Diagnostic, index: usize) -> Vec<String> {
    let fix = d
        .fixes
        .get(index)
        .unwrap_or_else(|| panic!("{d:?} has no fix {index}"));
    let snap = ws.snapshot();
    let edits = fix.resolve(snap.sources);
    assert_eq!(edits.len(), fix.edits.len());
    let mut texts: Vec<(String, String)> = Vec::new();
    for (span, new) in edits.iter().rev() {
        let path = snap.sources.get(span.file).path.clone();
        if !texts.iter().any(|(p, _)| *p == path) {
            texts.push((path.clone(), snap.sources.get(span.file).text.to_string()));
        }
        let text = &mut texts.iter_mut().find(|(p, _)| *p == path).unwrap().1;
        text.replace_range(span.start as usize..span.end as usize, new);
    }
    for (path, text) in texts {
        ws.set_file(&path, text);
    }
    ws.diagnostics()
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

#[test]
fn a_misspelt_segment_is_fixed_by_its_did_you_mean() {
    let mut ws = example();
    break_file(
        &mut ws,
        "flows/onboarding.camp",
        "audience first_timers",
        "audience first_timer",
    );
    let d = the_diagnostic(&mut ws, "E0207");
    assert_eq!(d.help.as_deref(), Some("did you mean `first_timers`?"));
    assert_eq!(d.fixes[0].title, "Change to `first_timers`");
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
}

#[test]
fn a_misspelt_template_variable_is_fixed_by_its_did_you_mean() {
    let mut ws = example();
    break_file(
        &mut ws,
        "flows/onboarding.camp",
        "{{date customer.signed_up_at \"long\"}}",
        "{{date customer.signed_up \"long\"}}",
    );
    let d = the_diagnostic(&mut ws, "E0402");
    assert_eq!(d.fixes.len(), 1, "{d:?}");
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
}

#[test]
fn a_misspelt_helper_is_fixed_by_its_did_you_mean() {
    let mut ws = example();
    break_file(
        &mut ws,
        "flows/onboarding.camp",
        "{{date customer.signed_up_at \"long\"}}",
        "{{dat customer.signed_up_at \"long\"}}",
    );
    let d = the_diagnostic(&mut ws, "E0406");
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
}

#[test]
fn a_missing_locale_gets_a_copy_of_the_reference_block() {
    let mut ws = example();
    let path = "flows/onboarding.camp";
    let text = ws.file(path).unwrap().to_string();
    // The Czech block of `welcome`, up to the end of the block.
    let welcome = text.find("message welcome").unwrap();
    let start = welcome + text[welcome..].find("\n\n  locale cs {").unwrap();
    let end = start + 2 + text[start + 2..].find("\n  }\n").unwrap() + "\n  }".len();
    let mut broken = text.clone();
    broken.replace_range(start..end, "");
    ws.set_file(path, broken);
    let d = the_diagnostic(&mut ws, "E0501");
    assert_eq!(d.fixes.len(), 1, "{d:?}");
    assert_eq!(d.fixes[0].title, "Add a `locale cs` block copied from `en`");
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
    let fixed = ws.file(path).unwrap();
    assert!(fixed.contains(
        "\n\n  // TODO: translate from en\n  locale cs {\n    subject \"Welcome to Lumen Coffee"
    ));
    // Formatting leaves the inserted block as it is.
    assert_eq!(campaignc::fmt::format_text(fixed), fixed);
}

#[test]
fn a_missing_consent_attribute_is_added_to_the_schema() {
    let mut ws = example();
    // Push consent declared nowhere: every marketing push message fails.
    break_file(&mut ws, "schema.camp", "  /// Push notification consent given in the app.\n  attr push_opt_in: bool consent(push)\n", "");
    break_file(
        &mut ws,
        "flows/winback.camp",
        " and push_opt_in == false",
        "",
    );
    let d = the_diagnostic(&mut ws, "E0605");
    assert_eq!(
        d.fixes[0].title,
        "Add `attr push_opt_in: bool consent(push)` to the schema"
    );
    let after = apply_fix(&mut ws, &d, 0);
    assert_eq!(after, Vec::<String>::new());
    assert!(ws
        .file("schema.camp")
        .unwrap()
        .contains("\n  attr push_opt_in: bool consent(push)"));
}

#[test]
fn an_attribute_of_the_suggested_name_gets_the_consent() {
    let mut ws = example();
    break_file(
        &mut ws,
        "schema.camp",
        "attr sms_opt_in: bool consent(sms)",
        "attr sms_opt_in: bool",
    );
    let d = the_diagnostic(&mut ws, "E0605");
    assert_eq!(d.fixes[0].title, "Make `sms_opt_in` grant consent for sms");
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
    assert!(ws
        .file("schema.camp")
        .unwrap()
        .contains("attr sms_opt_in: bool consent(sms)\n"));
}

#[test]
fn a_misspelt_locale_in_a_campaign_is_fixed_in_its_locales() {
    let mut ws = example();
    break_file(
        &mut ws,
        "flows/onboarding.camp",
        "locales en, vi, cs",
        "locales en, vn, cs",
    );
    let d = the_diagnostic(&mut ws, "E0501");
    assert_eq!(
        d.fixes[0].title,
        "Change `vn` to `vi` in the locales of `onboarding`"
    );
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
}

#[test]
fn a_misspelt_keyword_is_fixed_by_the_parser_did_you_mean() {
    let mut ws = example();
    break_file(
        &mut ws,
        "flows/onboarding.camp",
        "  reentry never\n",
        "  reentyr never\n",
    );
    let d = the_diagnostic(&mut ws, "E0101");
    assert_eq!(d.fixes.len(), 1, "{d:?}");
    assert_eq!(d.fixes[0].title, "Change to `reentry`");
    assert_eq!(apply_fix(&mut ws, &d, 0), Vec::<String>::new());
}
