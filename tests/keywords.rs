//! Keywords are contextual: the names that come from a company's tracking
//! plan (attributes, events, event properties, record fields, the keys of
//! personas and test payloads) may be any word, keywords included. The
//! project's own declaration names (segments, scores, messages, …) stay
//! reserved. Issue 9, item 23.

use campaignc::syntax::RESERVED_WORDS;
use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The words a condition reads as themselves (`not x`, `true`, `now`), so a
/// property with one of these names is reached as `event.X` / `customer.X`
/// but cannot be written bare in a `where` clause.
const READ_AS_THEMSELVES: [&str; 4] = ["not", "true", "false", "now"];

/// A project that uses every reserved word as an attribute, an event, an
/// event property, a `customer.X`/`event.X` in conditions and templates, a
/// bare property in `where`, a persona key, a test payload key, a `set` and
/// an `expect customer.X`.
fn keyword_project() -> String {
    let kws = RESERVED_WORDS;
    let bare: Vec<&str> = kws
        .iter()
        .copied()
        .filter(|k| !READ_AS_THEMSELVES.contains(k))
        .collect();
    let join = |f: &dyn Fn(&str) -> String, list: &[&str], sep: &str| {
        list.iter().map(|k| f(k)).collect::<Vec<_>>().join(sep)
    };
    let attrs = join(&|k| format!("  attr {k}: int"), kws, "\n");
    let events = join(&|k| format!("  event {k} {{ {k}: int }}"), kws, "\n");
    let props = join(&|k| format!("{k}: int"), kws, ", ");
    let template = join(
        &|k| format!("{{{{customer.{k}}}}}/{{{{event.{k}}}}}"),
        kws,
        " ",
    );
    let performed = join(&|k| format!("performed {k}"), kws, " or ");
    let bare_where = join(
        &|k| format!("(performed survey_answered where {k} > 1)"),
        &bare,
        " or ",
    );
    let queries = join(
        &|k| {
            format!("count({k} where {k} > 0 within 7d) == 1 and sum({k}.{k}) == 1 and last({k}) is set")
        },
        &bare,
        " and ",
    );
    let audience = join(
        &|k| format!("customer.{k} >= 0 and event.{k} >= 0"),
        kws,
        " and ",
    );
    let flow_sets = join(&|k| format!("    set {k} = customer.{k} + 1"), kws, "\n");
    let persona_keys = join(&|k| format!("  {k} 1"), kws, "\n");
    let payload = join(&|k| format!("{k} 2"), kws, ", ");
    let keyword_events = join(&|k| format!("  at 0d event {k} {{ {k} 1 }}"), kws, "\n");
    let test_sets = join(&|k| format!("  at 1h set {k} = 3"), kws, "\n");
    let expects = join(&|k| format!("  expect customer.{k} == 4"), kws, "\n");
    format!(
        r#"defaults {{
  locale en
  timezone "UTC"
  email_from "Acme <hello@acme.example>"
}}

schema {{
  attr email: email
  attr locale: locale
  attr timezone: timezone
  attr email_opt_in: bool consent(email)
{attrs}

  type answer {{ {props} }}
  event survey_answered {{ {props} }}
{events}
}}

message thanks_mail: email {{
  locale en {{
    subject "Thanks"
    body """
      {template}

      [Unsubscribe]({{{{unsubscribe_url}}}})
      """
  }}
}}

/// Any of the keyword-named events.
segment keyword_events = {performed}

/// Bare property names in `where` clauses.
segment bare_props = {bare_where}

/// Counting, summing and the last time of keyword-named events.
segment queries = {queries}

/// Thanks every keyword.
campaign thanks {{
  stage onboarding
  trigger event survey_answered
  audience {audience} and keyword_events and bare_props and queries

  flow {{
    wait 2h
    send thanks_mail
{flow_sets}
  }}
}}

persona ana {{
  email "ana@example.com"
  locale en
  timezone "UTC"
  email_opt_in true
{persona_keys}
  event survey_answered {{ {payload} }}
}}

test "every keyword is a name in the tracking plan" {{
  campaign thanks
  persona ana
{keyword_events}
  at 1m event survey_answered {{ {payload} }}
{test_sets}
  expect sent thanks_mail at 2h1m
{expects}
}}
"#
    )
}

#[test]
fn every_keyword_is_allowed_in_tracking_plan_positions() {
    assert!(
        RESERVED_WORDS.len() > 40,
        "the public list is the full list"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("project.camp"), keyword_project()).unwrap();

    let check = run(&["check", "--deny", "warnings"], dir.path());
    assert_eq!(check.status.code(), Some(0), "check:\n{}", text(&check));

    let test = run(&["test"], dir.path());
    assert_eq!(test.status.code(), Some(0), "test:\n{}", text(&test));
    assert!(
        text(&test).contains("1 passed, 0 failed"),
        "{}",
        text(&test)
    );

    let out = dir.path().join("out");
    let build = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(["build", "--out"])
        .arg(&out)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(build.status.code(), Some(0), "build:\n{}", text(&build));
    let plan = std::fs::read_to_string(out.join("plans/thanks.json")).unwrap();
    for k in RESERVED_WORDS {
        assert!(plan.contains(&format!("\"{k}\"")), "the plan names `{k}`");
    }
}

/// `fmt` keeps a keyword-named project meaning the same and is idempotent
/// on it; a line ending in `customer.in` does not leave an expression open.
#[test]
fn fmt_handles_keyword_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("project.camp"), keyword_project()).unwrap();
    let fmt = run(&["fmt"], dir.path());
    assert_eq!(fmt.status.code(), Some(0), "fmt:\n{}", text(&fmt));
    let check = run(&["check", "--deny", "warnings"], dir.path());
    assert_eq!(check.status.code(), Some(0), "after fmt:\n{}", text(&check));
    let again = run(&["fmt", "--check"], dir.path());
    assert_eq!(
        again.status.code(),
        Some(0),
        "idempotent:\n{}",
        text(&again)
    );

    let formatted =
        "schema {\n  attr in: bool\n}\n\nsegment s = customer.in\n\nsegment t = customer.in\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("project.camp"), formatted).unwrap();
    let check = run(&["fmt", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
}

/// The project's own names stay reserved: a declaration name that is a
/// keyword is still E0105, with its help.
#[test]
fn declaration_names_stay_reserved() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("project.camp"),
        "schema {\n  attr points: int\n}\n\nsegment score = points > 3\n",
    )
    .unwrap();
    let check = run(&["check"], dir.path());
    let out = text(&check);
    assert_eq!(check.status.code(), Some(1), "{out}");
    assert!(out.contains("E0105"), "{out}");
    assert!(
        out.contains("`score` is a keyword and cannot be used as a name"),
        "{out}"
    );
}
