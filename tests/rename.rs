//! Rename (`check::rename`) on the example project: every declared name
//! and every locale renamed in turn must leave the project checking
//! exactly as clean as before, which proves the reference table records
//! every use of every kind of name (a missed use would be an "unknown
//! name" error after the rename). Plus the refusals, each with its reason.

#[path = "common/fixtures.rs"]
mod fixtures;

use std::path::Path;

use campaignc::check::references::Symbol;
use campaignc::check::rename::{self, Rename};
use campaignc::driver::Workspace;
use campaignc::source::{SourceMap, Span};

fn example() -> Workspace {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let mut ws = Workspace::new(&root);
    ws.load_dir(&root).expect("the example project loads");
    ws
}

/// The texts of the files a rename touches, with its edits applied.
fn apply(sources: &SourceMap, edits: &[(Span, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for file in sources.files() {
        let mine: Vec<&(Span, String)> = edits.iter().filter(|(s, _)| s.file == file.id).collect();
        if mine.is_empty() {
            continue;
        }
        let mut text = file.text.to_string();
        for (s, new) in mine.iter().rev() {
            text.replace_range(s.start as usize..s.end as usize, new);
        }
        out.push((file.path.clone(), text));
    }
    out
}

/// Applies one rename.
fn apply_rename(sources: &SourceMap, plan: &Rename) -> Vec<(String, String)> {
    let edits: Vec<(Span, String)> = plan
        .spans
        .iter()
        .map(|&s| (s, plan.new_name.clone()))
        .collect();
    apply(sources, &edits)
}

fn new_name(symbol: &Symbol) -> String {
    match symbol {
        Symbol::Locale(tag) => format!("{tag}-x-renamed"),
        other => format!("{}_renamed", other.name()),
    }
}

/// Every declared name (and every locale) of the example project.
fn every_symbol(ws: &mut Workspace) -> Vec<Symbol> {
    let table = ws.snapshot().model.references();
    let mut symbols: Vec<Symbol> = table.declarations().map(|d| (*d.symbol).clone()).collect();
    let mut locales: Vec<Symbol> = table
        .uses()
        .iter()
        .filter(|r| matches!(*r.target, Symbol::Locale(_)))
        .map(|r| (*r.target).clone())
        .collect();
    locales.sort();
    locales.dedup();
    symbols.extend(locales);
    symbols
}

/// All the renames at once (each name gets a suffix, so names that are the
/// same stay the same): one check instead of one per name. A use the
/// table missed keeps the old name and fails to resolve.
#[test]
fn renaming_every_name_of_the_example_project_keeps_it_clean() {
    let mut ws = example();
    let before: Vec<String> = ws.diagnostics().iter().map(|d| d.message.clone()).collect();
    assert!(
        before.is_empty(),
        "the example project checks clean: {before:?}"
    );
    let symbols = every_symbol(&mut ws);
    let kinds: std::collections::BTreeSet<&str> = symbols.iter().map(|s| s.kind()).collect();
    for kind in [
        "attribute",
        "record type",
        "event",
        "field",
        "event property",
        "enum variant",
        "split",
        "split variant",
        "lifecycle stage",
        "segment",
        "score",
        "message",
        "campaign",
        "persona",
        "locale",
    ] {
        assert!(
            kinds.contains(kind),
            "the example project has no {kind} to rename"
        );
    }
    let snap = ws.snapshot();
    let mut edits: Vec<(Span, String)> = Vec::new();
    for s in &symbols {
        let plan = rename::rename(snap.model, snap.sources, s, &new_name(s))
            .unwrap_or_else(|e| panic!("renaming {s:?} is refused: {e}"));
        assert!(!plan.spans.is_empty());
        edits.extend(plan.spans.iter().map(|&span| (span, plan.new_name.clone())));
    }
    edits.sort();
    edits.dedup();
    let texts = apply(snap.sources, &edits);
    assert_eq!(
        texts.len(),
        snap.sources.files().len(),
        "every file has a name"
    );
    for (path, text) in texts {
        ws.set_file(&path, text);
    }
    let after: Vec<String> = ws
        .diagnostics()
        .iter()
        .map(|d| format!("{} {:?}: {}", d.code, d.span, d.message))
        .collect();
    assert!(
        after.is_empty(),
        "renaming broke the project:\n{}",
        after.join("\n")
    );
}

/// The files a rename of `symbol` to `new` touches.
fn touched(ws: &mut Workspace, symbol: Symbol, new: &str) -> Vec<String> {
    let snap = ws.snapshot();
    let plan = rename::rename(snap.model, snap.sources, &symbol, new).expect("allowed");
    apply_rename(snap.sources, &plan)
        .into_iter()
        .map(|(path, _)| path)
        .collect()
}

fn refusal(ws: &mut Workspace, symbol: Symbol, new: &str) -> String {
    let snap = ws.snapshot();
    match rename::rename(snap.model, snap.sources, &symbol, new) {
        Ok(plan) => panic!("renaming {symbol:?} to {new} is allowed: {plan:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_rename_touches_every_file_that_names_the_symbol() {
    let mut ws = example();
    assert_eq!(
        touched(&mut ws, Symbol::Segment("vip".into()), "big_spenders"),
        [
            "flows/churn_prevention.camp",
            "flows/winback.camp",
            "segments.camp"
        ]
    );
    // Personas are named in tests.
    let emily = touched(&mut ws, Symbol::Persona("emily".into()), "emma");
    assert!(emily.contains(&"personas.camp".to_string()));
    assert!(
        emily.contains(&"tests/onboarding.camp".to_string()),
        "{emily:?}"
    );
    // An attribute read by templates (`{{customer.first_name}}`) and
    // given by personas.
    let first_name = touched(&mut ws, Symbol::Attr("first_name".into()), "given_name");
    for file in [
        "schema.camp",
        "personas.camp",
        "flows/onboarding.camp",
        "flows/loyalty.camp",
    ] {
        assert!(
            first_name.contains(&file.to_string()),
            "{file} in {first_name:?}"
        );
    }
}

#[test]
fn a_template_use_is_renamed_with_the_declaration() {
    let mut ws = example();
    let snap = ws.snapshot();
    let plan = rename::rename(
        snap.model,
        snap.sources,
        &Symbol::Attr("first_name".into()),
        "given_name",
    )
    .unwrap();
    let texts = apply_rename(snap.sources, &plan);
    let onboarding = &texts
        .iter()
        .find(|(p, _)| p == "flows/onboarding.camp")
        .unwrap()
        .1;
    assert!(onboarding.contains("{{default customer.given_name \"friend\"}}"));
    assert!(!onboarding.contains("first_name"));
}

#[test]
fn refused_renames_say_why() {
    let mut ws = example();
    let segment = || Symbol::Segment("vip".into());
    let why = refusal(&mut ws, segment(), "Big-Spenders");
    assert!(why.contains("not a valid segment name"), "{why}");
    let why = refusal(&mut ws, segment(), "");
    assert!(why.contains("not a valid segment name"), "{why}");
    let why = refusal(&mut ws, segment(), "send");
    assert!(why.contains("reserved word"), "{why}");
    let why = refusal(&mut ws, segment(), "first_timers");
    assert_eq!(
        why,
        "a segment `first_timers` already exists at segments.camp:7"
    );
    let why = refusal(&mut ws, segment(), "plan");
    assert!(
        why.starts_with("an attribute `plan` already exists at schema.camp:")
            && why.contains("share one namespace"),
        "{why}"
    );
    let why = refusal(&mut ws, Symbol::Locale("vi".into()), "cs");
    assert!(
        why.starts_with("the locale `cs` is already used at "),
        "{why}"
    );
    let why = refusal(&mut ws, Symbol::Locale("vi".into()), "vietnamese");
    assert!(why.contains("not a valid locale tag"), "{why}");
    let why = refusal(&mut ws, Symbol::Builtin("unsubscribe_url".into()), "unsub");
    assert_eq!(
        why,
        "`unsubscribe_url` is built into every template and cannot be renamed"
    );
    // Tracking-plan names may be keywords; declared names may not.
    assert!(!touched(&mut ws, Symbol::Attr("auto_renew".into()), "set").is_empty());
}

#[test]
fn the_name_under_the_cursor_is_the_target() {
    let mut ws = example();
    let snap = ws.snapshot();
    let file = snap.sources.find("flows/onboarding.camp").unwrap();
    let text = &file.text;
    let at = |needle: &str, delta: usize| (text.find(needle).unwrap() + delta) as u32;
    let (symbol, span) = rename::target_at(snap.model, file.id, at("first_timers", 3)).unwrap();
    assert_eq!(symbol, Symbol::Segment("first_timers".into()));
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "first_timers"
    );
    // Inside a template.
    let (symbol, span) =
        rename::target_at(snap.model, file.id, at("customer.first_name", 12)).unwrap();
    assert_eq!(symbol, Symbol::Attr("first_name".into()));
    assert_eq!(&text[span.start as usize..span.end as usize], "first_name");
    // A built-in, and nothing at all.
    let why = rename::target_at(snap.model, file.id, at("{{unsubscribe_url}}", 4)).unwrap_err();
    assert!(why.0.contains("built into every template"), "{why}");
    assert!(rename::target_at(snap.model, file.id, 0).is_err());
    assert!(rename::target_at(snap.model, file.id, u32::MAX).is_err());
}

/// One template sent after two events reads `total` of both: renaming one
/// event's property would break the other send, so it is refused, at the
/// template and at the declaration.
#[test]
fn a_template_reading_two_declarations_at_once_refuses_the_rename() {
    let src = fixtures::ONE_TEMPLATE_TWO_EVENTS;
    let mut ws = Workspace::new(Path::new("project"));
    ws.set_file("t.camp", src.to_string());
    let snap = ws.snapshot();
    let file = snap.sources.find("t.camp").unwrap();
    let at = (src.find("event.total").unwrap() + "event.to".len()) as u32;
    let why = rename::target_at(snap.model, file.id, at).unwrap_err();
    assert!(
        why.0.contains("the property `total` of event `order_placed` and the property `total` of event `refund_issued`"),
        "{why}"
    );
    let property = Symbol::Property {
        event: "order_placed".into(),
        property: "total".into(),
    };
    let why = rename::rename(snap.model, snap.sources, &property, "amount").unwrap_err();
    assert_eq!(
        why.0,
        "the template at t.camp:9 reads `total` as the property `total` of event `order_placed` and as the property `total` of event `refund_issued`: renaming one would break the other"
    );
}
