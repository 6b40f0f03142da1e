//! The checker's name and type passes: one fixture project per diagnostic
//! code under `tests/fixtures/check/<code>/` (a small valid project plus
//! exactly one mistake), each asserting the code, severity, file, line and
//! column, with an insta snapshot of the human rendering.

mod common;

use campaignc::check::model::{StepKindDef, TExprKind, Type};
use campaignc::diagnostics::Severity;
use common::{check_fixture, check_project, check_texts, location, render_plain, summary};

/// One test per fixture: the project has exactly one error, with this code
/// at this place; its rendering is snapshotted under the code's name.
macro_rules! fixtures {
    ($($name:ident: $code:ident, $sev:ident, $file:literal, $line:literal, $col:literal;)*) => {$(
        #[test]
        fn $name() {
            let code = stringify!($code);
            let (diags, sources) = check_fixture(&format!("check/{code}"));
            let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
            assert!(
                errors.len() == 1 && errors[0].code == code,
                "expected exactly one error, {code}, but got:\n{}",
                summary(&diags, &sources)
            );
            let found: Vec<_> = diags.iter().filter(|d| d.code == code).cloned().collect();
            let d = &found[0];
            assert_eq!(d.severity, Severity::$sev);
            assert_eq!(location(d, &sources), ($file.to_string(), $line, $col));
            insta::assert_snapshot!(code, render_plain(&found, &sources));
        }
    )*};
}

fixtures! {
    e0201_duplicate_declaration_shows_both_places: E0201, Error, "b.camp", 1, 9;
    e0202_segment_clashes_with_attribute: E0202, Error, "case.camp", 2, 9;
    e0203_unknown_attribute: E0203, Error, "case.camp", 1, 27;
    e0204_unknown_event: E0204, Error, "case.camp", 1, 28;
    e0205_unknown_property_in_where: E0205, Error, "case.camp", 1, 44;
    e0206_unknown_segment_in_trigger: E0206, Error, "case.camp", 3, 18;
    e0207_unknown_bare_name: E0207, Error, "case.camp", 1, 18;
    e0208_unknown_message_in_send: E0208, Error, "case.camp", 5, 10;
    e0209_unknown_campaign_in_test: E0209, Error, "case.camp", 10, 12;
    e0210_unknown_persona_in_test: E0210, Error, "case.camp", 11, 11;
    e0211_unknown_enum_variant: E0211, Error, "case.camp", 1, 26;
    e0212_unknown_lifecycle_stage: E0212, Error, "case.camp", 2, 9;
    e0213_unknown_type: E0213, Error, "case.camp", 2, 18;
    e0214_segment_cycle: E0214, Error, "case.camp", 1, 9;
    e0215_unknown_channel: E0215, Error, "case.camp", 1, 15;
    e0216_setting_given_twice: E0216, Error, "case.camp", 4, 3;
    e0217_campaign_without_trigger: E0217, Error, "case.camp", 1, 10;
    e0218_unknown_defaults_setting: E0218, Error, "case.camp", 2, 3;
    e0219_event_field_without_event_in_scope: E0219, Error, "case.camp", 5, 8;
    e0220_since_entry_in_segment: E0220, Error, "case.camp", 1, 41;
    e0301_condition_not_bool: E0301, Error, "case.camp", 1, 17;
    e0302_string_compared_with_int: E0302, Error, "case.camp", 1, 31;
    e0303_currency_mismatch: E0303, Error, "case.camp", 1, 33;
    e0304_time_plus_int: E0304, Error, "case.camp", 1, 33;
    e0305_sum_over_string: E0305, Error, "case.camp", 1, 32;
    e0306_set_wrong_type: E0306, Error, "case.camp", 6, 26;
    e0307_ends_with_on_int: E0307, Error, "case.camp", 1, 18;
    e0308_list_item_wrong_type: E0308, Error, "case.camp", 1, 32;
    e0309_clock_time_in_condition: E0309, Error, "case.camp", 1, 34;
    e0310_holdout_not_percentage: E0310, Error, "case.camp", 4, 11;
    e0311_cap_zero: E0311, Error, "case.camp", 4, 7;
    e0312_unknown_time_zone: E0312, Error, "case.camp", 3, 12;
    e0313_constant_int_overflow: E0313, Error, "case.camp", 6, 26;
    e0801_persona_value_wrong_type: E0801, Error, "case.camp", 6, 18;
    e0802_persona_missing_required: E0802, Error, "case.camp", 1, 9;
    e0803_event_sample_missing_property: E0803, Error, "case.camp", 9, 9;
    e0804_persona_invalid_locale: E0804, Error, "case.camp", 7, 10;
    e0805_test_without_campaign: E0805, Error, "case.camp", 9, 6;
    e0806_expectation_about_unsent_message: E0806, Error, "case.camp", 18, 15;
    e0807_unknown_split_variant: E0807, Error, "case.camp", 15, 24;
    e0808_start_with_offset: E0808, Error, "case.camp", 12, 9;
    e0809_switch_with_several_campaigns: E0809, Error, "case.camp", 22, 3;
    e0810_switch_to_nowhere: E0810, Error, "case.camp", 13, 19;
}

#[test]
fn language_examples_together_have_no_errors() {
    let (diags, sources, model) = check_project("language_examples");
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    assert!(
        errors.is_empty(),
        "unexpected errors:\n{}",
        summary(&errors, &sources)
    );
    assert_eq!(model.campaigns.len(), 1);
    assert_eq!(model.tests.len(), 3);
    assert_eq!(model.stages.len(), 9);
}

/// Every code of these areas has a fixture and an explanation whose
/// examples parse, and every code the resolver emits is registered.
#[test]
fn codes_are_registered_with_fixtures_and_parsable_examples() {
    use campaignc::diagnostics::codes;
    use campaignc::source::SourceMap;
    let ours: Vec<_> = codes::all()
        .into_iter()
        .filter(|c| ["E02", "E03", "E08"].iter().any(|p| c.code.starts_with(p)))
        .collect();
    assert!(ours.len() >= 40, "only {} codes registered", ours.len());
    for info in &ours {
        let dir = common::fixture_path(&format!("check/{}", info.code));
        assert!(
            dir.is_dir(),
            "{} has no fixture at {}",
            info.code,
            dir.display()
        );
        let blocks: Vec<&str> = info
            .explanation
            .split("```camp\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap_or(""))
            .collect();
        assert_eq!(
            blocks.len(),
            2,
            "{} needs a wrong and a right example",
            info.code
        );
        for block in blocks {
            let mut map = SourceMap::new();
            let id = map.add(
                "example.camp",
                std::path::Path::new("example.camp"),
                block.to_string(),
            );
            if let Err(diags) = campaignc::syntax::parse_file(map.get(id)) {
                panic!(
                    "example of {} does not parse: {:?}\n{block}",
                    info.code, diags[0].message
                );
            }
        }
    }
    fn rust_sources(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("resolver sources") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                rust_sources(&path, out);
            } else {
                out.push(std::fs::read_to_string(&path).expect("readable"));
            }
        }
    }
    let mut sources = Vec::new();
    rust_sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/check/resolve")),
        &mut sources,
    );
    assert!(
        sources.len() >= 10,
        "resolver sources found: {}",
        sources.len()
    );
    for text in &sources {
        for (i, _) in text.match_indices("\"E0") {
            let code = &text[i + 1..i + 6];
            assert!(
                codes::lookup(code).is_some(),
                "{code} is emitted but not registered"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The model: ids, order, scopes and types
// ---------------------------------------------------------------------------

const SCHEMA: &str = r#"
schema {
  attr email: email
  attr first_name: string?
  attr plan: enum(free, trial, pro, enterprise)
  attr signed_up_at: time
  attr lifetime_value: money(USD)
  attr loyalty_points: int
  attr email_opt_in: bool consent(email)
  event signed_up { source: string }
  event order_placed { order_id: string, total: money(USD) }
}
message welcome: email {
  from "Acme <hello@acme.example>"
  subject "Welcome"
  body "Hi! [Unsubscribe]({{unsubscribe_url}})"
}
"#;

/// The errors of a project written as one file after [`SCHEMA`].
fn errors_of(text: &str) -> Vec<campaignc::diagnostics::Diagnostic> {
    let full = format!("{SCHEMA}\n{text}");
    let (diags, _, _) = check_texts(&[("main.camp", &full)]);
    diags.into_iter().filter(|d| d.is_error()).collect()
}

fn codes_of(text: &str) -> Vec<&'static str> {
    errors_of(text).iter().map(|d| d.code).collect()
}

/// The model's `Debug` text without spans and without the reference
/// table, which lists uses by position and so follows the files' order.
fn without_spans(model: &campaignc::check::model::Model) -> String {
    let mut model = model.clone();
    model.references = Default::default();
    let text = format!("{model:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn ids_do_not_depend_on_file_order() {
    let segments =
        "segment vip = lifetime_value >= 500 USD\nsegment big = vip and loyalty_points > 3\n";
    let campaign =
        "campaign a {\n  stage onboarding\n  trigger enters big\n  flow { send welcome }\n}\n";
    let (d1, _, m1) = check_texts(&[
        ("a.camp", SCHEMA),
        ("b.camp", segments),
        ("c.camp", campaign),
    ]);
    let (d2, _, m2) = check_texts(&[
        ("a.camp", campaign),
        ("b.camp", segments),
        ("c.camp", SCHEMA),
    ]);
    assert!(d1.iter().chain(&d2).all(|d| !d.is_error()));
    assert_eq!(without_spans(&m1), without_spans(&m2));
    let names: Vec<&str> = m1.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["big", "vip"], "sorted by name");
}

#[test]
fn segment_order_puts_dependencies_first_through_scores() {
    let (diags, sources, model) = check_texts(&[(
        "main.camp",
        &format!(
            "{SCHEMA}\nsegment a_ready = engaged >= 5\nscore engaged {{\n  +5 if z_base\n}}\nsegment z_base = loyalty_points > 3\n"
        ),
    )]);
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "{}",
        summary(&diags, &sources)
    );
    let order: Vec<&str> = model
        .segment_order
        .iter()
        .map(|id| model.segments[id.index()].name.as_str())
        .collect();
    assert_eq!(order, ["z_base", "a_ready"]);
}

#[test]
fn cycles_through_scores_are_reported_once_with_the_path() {
    let errors = errors_of("segment hot = warmth > 3\nscore warmth {\n  +5 if hot\n}\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "E0214");
    assert!(
        errors[0].message.ends_with("hot -> warmth -> hot"),
        "{}",
        errors[0].message
    );
    assert_eq!(errors[0].labels.len(), 1, "a label on the other member");
}

#[test]
fn sends_see_the_event_in_scope() {
    let (_, _, model) = check_project("language_examples");
    let c = &model.campaigns[0];
    let event = |name: &str| {
        model
            .schema
            .events
            .iter()
            .position(|e| e.name == name)
            .map(|i| i as u32)
    };
    let mut scopes = Vec::new();
    fn walk(steps: &[campaignc::check::model::StepDef], out: &mut Vec<(u32, Option<u32>)>) {
        for s in steps {
            match &s.kind {
                StepKindDef::Send {
                    message,
                    event_scope,
                } => out.push((message.0, event_scope.map(|e| e.0))),
                StepKindDef::If {
                    branches,
                    otherwise,
                } => {
                    for (_, b) in branches {
                        walk(b, out);
                    }
                    walk(otherwise.as_deref().unwrap_or(&[]), out);
                }
                StepKindDef::WaitFor {
                    on_event,
                    on_timeout,
                    ..
                } => {
                    walk(on_event, out);
                    walk(on_timeout, out);
                }
                _ => {}
            }
        }
    }
    walk(&c.flow, &mut scopes);
    let named: Vec<(&str, Option<u32>)> = scopes
        .iter()
        .map(|(m, e)| (model.messages[*m as usize].name.as_str(), *e))
        .collect();
    assert_eq!(
        named,
        [
            ("welcome", event("signed_up")),
            ("tips", event("signed_up")),
            ("nudge", event("signed_up")),
            ("congrats", event("project_created")),
            ("last_chance", event("signed_up")),
        ]
    );
}

#[test]
fn bare_words_become_enum_variants_and_locales() {
    let (_, _, model) = check_project("language_examples");
    let at_risk = model
        .segments
        .iter()
        .find(|s| s.name == "at_risk")
        .expect("at_risk");
    let body = at_risk
        .expr
        .as_deref()
        .expect("a full check keeps the body");
    let TExprKind::And(lhs, _) = &body.kind else {
        panic!("{:?}", body.kind)
    };
    let TExprKind::In { items, .. } = &lhs.kind else {
        panic!("{:?}", lhs.kind)
    };
    assert!(items.iter().all(|i| matches!(i.ty, Type::Enum(_))));
    assert!(
        codes_of("schema {\n  attr locale: locale\n}\nsegment vietnamese = locale == vi\n")
            .iter()
            .all(|c| *c != "E0207")
    );
}

#[test]
fn time_arithmetic_and_optionals() {
    assert_eq!(
        codes_of("segment recent = signed_up_at > now - 14d"),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes_of("segment quiet = last(order_placed) + 7d < now"),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes_of("segment long = now - signed_up_at > 30d"),
        Vec::<&str>::new()
    );
    assert_eq!(codes_of("segment odd = signed_up_at > 14d"), ["E0302"]);
    assert_eq!(
        codes_of("segment odd = signed_up_at + signed_up_at > now"),
        ["E0304"]
    );
    assert_eq!(codes_of("segment odd = lifetime_value > 500"), ["E0302"]);
    assert_eq!(
        codes_of("segment odd = lifetime_value + 5 EUR > 500 USD"),
        ["E0303"]
    );
    assert_eq!(codes_of("segment odd = plan < pro"), ["E0302"]);
    assert_eq!(
        codes_of("segment named = first_name is set and first_name starts_with \"L\""),
        Vec::<&str>::new()
    );
}

#[test]
fn set_of_a_possibly_unset_value_is_an_error() {
    let campaign = |set: &str| {
        format!("campaign c {{\n  stage loyalty\n  trigger event order_placed\n  flow {{\n    send welcome\n    {set}\n  }}\n}}\n")
    };
    assert_eq!(
        codes_of(&campaign("set loyalty_points = loyalty_points + 100")),
        Vec::<&str>::new()
    );
    assert_eq!(codes_of(&campaign("set plan = pro")), Vec::<&str>::new());
    assert_eq!(codes_of(&campaign("set plan = gold")), ["E0211"]);
    assert_eq!(
        codes_of(&campaign(
            "set lifetime_value = lifetime_value + event.total"
        )),
        Vec::<&str>::new()
    );
    let errors = errors_of(&campaign("set signed_up_at = last(order_placed)"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "E0306");
    assert!(
        errors[0].help.as_deref().unwrap_or("").contains("unset"),
        "{:?}",
        errors[0].help
    );
}

#[test]
fn where_filters_see_the_event_properties() {
    assert_eq!(
        codes_of("segment big = count(order_placed where total > 100 USD within 30d) >= 2"),
        Vec::<&str>::new()
    );
    assert_eq!(
        codes_of("segment big = performed order_placed where customer.plan == pro"),
        Vec::<&str>::new()
    );
    let errors = errors_of("segment big = performed order_placed where plan == pro");
    assert_eq!(errors[0].code, "E0205");
    assert!(
        errors[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("customer.plan"),
        "{:?}",
        errors[0].help
    );
}

#[test]
fn campaign_defaults_and_test_start() {
    let text = format!(
        "{SCHEMA}\ndefaults {{\n  locale cs\n}}\ncampaign c {{\n  stage onboarding\n  trigger event signed_up\n  flow {{ send welcome }}\n}}\npersona p {{\n  email \"p@example.com\"\n  plan free\n  signed_up_at 2026-01-01T00:00:00Z\n  lifetime_value 0 USD\n  loyalty_points 0\n  email_opt_in true\n}}\ntest \"t\" {{\n  campaign c\n  persona p\n  expect sent welcome\n}}\n"
    );
    let (diags, sources, model) = check_texts(&[("main.camp", &text)]);
    assert!(
        diags.iter().all(|d| !d.is_error()),
        "{}",
        summary(&diags, &sources)
    );
    assert_eq!(model.campaigns[0].locales, ["cs"]);
    assert_eq!(model.tests[0].start.to_string(), "2026-01-05T10:00:00");
    let persona = &model.personas[0];
    assert!(
        persona.attrs.windows(2).all(|w| w[0].0 < w[1].0),
        "sorted by attribute id"
    );
    assert_eq!(persona.attrs.len(), 6, "the unset optional is absent");
}

#[test]
fn duplicates_across_files_keep_the_first() {
    let (diags, sources, model) = check_texts(&[
        ("a.camp", SCHEMA),
        ("b.camp", "segment vip = loyalty_points > 1\n"),
        ("c.camp", "segment vip = loyalty_points > 2\n"),
    ]);
    let dup: Vec<_> = diags.iter().filter(|d| d.code == "E0201").collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(location(dup[0], &sources).0, "c.camp");
    assert_eq!(
        location(
            &campaignc::diagnostics::Diagnostic::error("x", "", dup[0].labels[0].span),
            &sources
        )
        .0,
        "b.camp"
    );
    assert_eq!(model.segments.len(), 1);
}

#[test]
fn deep_segment_chains_do_not_overflow() {
    let mut text = String::from("segment s0 = loyalty_points > 1\n");
    for i in 1..5000 {
        text.push_str(&format!("segment s{i} = s{}\n", i - 1));
    }
    let (diags, _, model) = check_texts(&[("a.camp", SCHEMA), ("b.camp", &text)]);
    assert!(diags.iter().all(|d| !d.is_error()));
    assert_eq!(model.segment_order.len(), 5000);
    assert_eq!(model.segments[model.segment_order[0].index()].name, "s0");
}

#[test]
fn recursive_record_types_are_fine() {
    let text = "schema {\n  type node { name: string, next: node? }\n  attr root: node?\n}\npersona p {\n  email \"p@example.com\"\n  plan free\n  signed_up_at 2026-01-01T00:00:00Z\n  lifetime_value 0 USD\n  loyalty_points 0\n  email_opt_in true\n  root 5\n}\n";
    let errors = errors_of(text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "E0801");
    let ok = text.replace("root 5", "root { name \"a\", next { name \"b\" } }");
    assert_eq!(codes_of(&ok), Vec::<&str>::new());
}

/// The LANGUAGE.md example files, sorted by name.
fn language_example_files() -> Vec<(String, String)> {
    let dir = common::fixture_path("language_examples");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| {
            let p = e.expect("entry").path();
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            (name, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect();
    files.sort();
    files
}

/// Parses (skipping inputs the parser panics on: those are the syntax
/// stage's business, and counted) and checks; a checker panic fails.
fn check_survives(
    project: &[(&str, &str)],
    parser_panics: &mut usize,
) -> Option<Vec<campaignc::diagnostics::Diagnostic>> {
    use campaignc::diagnostics::Problems;
    use campaignc::source::SourceMap;
    let mut sources = SourceMap::new();
    for (path, text) in project {
        sources.add(*path, std::path::Path::new(path), text.to_string());
    }
    let parsed = std::panic::catch_unwind(|| {
        let mut problems = Problems::new();
        let files = campaignc::syntax::parse_project(&sources, &mut problems);
        (files, problems)
    });
    match parsed {
        Ok((files, mut problems)) => {
            let _ = campaignc::check::check(&files, &mut problems);
            Some(problems.into_sorted())
        }
        Err(_) => {
            *parser_panics += 1;
            None
        }
    }
}

/// Removing any one line of the LANGUAGE.md examples gives diagnostics
/// (or none), never a panic in the checker.
#[test]
fn damaged_projects_never_panic_the_checker() {
    let mut parser_panics = 0;
    let files = language_example_files();
    for i in 0..files.len() {
        let lines: Vec<&str> = files[i].1.lines().collect();
        for skip in 0..lines.len() {
            let damaged: String = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != skip)
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            let project: Vec<(&str, &str)> = files
                .iter()
                .enumerate()
                .map(|(j, (n, t))| {
                    (
                        n.as_str(),
                        if j == i { damaged.as_str() } else { t.as_str() },
                    )
                })
                .collect();
            check_survives(&project, &mut parser_panics);
        }
    }
    eprintln!("inputs skipped because the parser panicked: {parser_panics}");
}

/// Misspelling any one name used in the LANGUAGE.md segments, scores,
/// campaign, persona and tests is reported as an error, and never panics.
/// (Schema and message files are left out: renaming a declaration there
/// only makes it unused, and message fields are the message passes' job.)
#[test]
fn every_misspelt_name_is_reported() {
    let mut parser_panics = 0;
    let files = language_example_files();
    let mut silent = Vec::new();
    for i in 0..files.len() {
        if !["04", "05", "07", "08", "09"]
            .iter()
            .any(|p| files[i].0.starts_with(p))
        {
            continue;
        }
        let text = &files[i].1;
        let mut start = 0;
        let bytes = text.as_bytes();
        while start < bytes.len() {
            // Names outside strings and comments: a crude scan is enough here.
            let is_name = |b: u8| b.is_ascii_lowercase() || b == b'_';
            if !is_name(bytes[start])
                || (start > 0
                    && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_'))
            {
                start += 1;
                continue;
            }
            let mut end = start;
            while end < bytes.len() && (is_name(bytes[end]) || bytes[end].is_ascii_digit()) {
                end += 1;
            }
            let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
            let line = &text[line_start..];
            let in_string_or_comment = text[line_start..start].matches('"').count() % 2 == 1
                || text[line_start..start].contains("//")
                || line.trim_start().starts_with("\"\"\"");
            if !in_string_or_comment {
                let damaged = format!("{}{}zq{}", &text[..start], &text[start..end], &text[end..]);
                let project: Vec<(&str, &str)> = files
                    .iter()
                    .enumerate()
                    .map(|(j, (n, t))| {
                        (
                            n.as_str(),
                            if j == i { damaged.as_str() } else { t.as_str() },
                        )
                    })
                    .collect();
                let diags = check_survives(&project, &mut parser_panics);
                if diags.is_some_and(|d| !d.iter().any(|d| d.is_error())) {
                    silent.push(&text[start..end]);
                }
            }
            start = end;
        }
    }
    eprintln!("inputs skipped because the parser panicked: {parser_panics}");
    // Renaming these declarations only leaves them unused (a warning);
    // campaign locales are checked against messages by the message passes.
    let allowed = [
        "lapsed_buyers",
        "vip",
        "big_spenders",
        "at_risk",
        "sales_ready",
        "en",
        "vi",
    ];
    let unexpected: Vec<&str> = silent
        .into_iter()
        .filter(|n| !allowed.contains(n))
        .collect();
    assert!(
        unexpected.is_empty(),
        "misspelt names without an error: {unexpected:?}"
    );
}

#[test]
fn helpful_errors_for_common_slips() {
    let errors = errors_of("segment named = first_name == linh");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "E0207");
    assert!(
        errors[0].help.as_deref().unwrap_or("").contains("\"linh\""),
        "{:?}",
        errors[0].help
    );

    let errors =
        errors_of("schema {\n  attr tags: list<string>\n}\nsegment tagged = \"vip\" in tags");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].help.as_deref().unwrap_or("").contains("contains"),
        "{:?}",
        errors[0].help
    );
    assert_eq!(
        codes_of("schema {\n  attr tags: list<string>\n}\nsegment tagged = tags contains \"vip\""),
        Vec::<&str>::new()
    );

    let errors = errors_of("schema {\n  attr newsletter_opt_in: bool consent(email)\n}");
    assert_eq!(errors.iter().map(|d| d.code).collect::<Vec<_>>(), ["E0216"]);
    assert!(
        errors[0].message.contains("consent for `email`"),
        "{}",
        errors[0].message
    );
}

#[test]
fn an_enum_variant_wins_over_a_name_spelt_the_same() {
    let text = "schema {\n  attr tier: enum(bronze, gold)\n  attr gold: int\n}\nsegment golden = tier == gold and gold > 3\n";
    assert_eq!(codes_of(text), Vec::<&str>::new());
}
