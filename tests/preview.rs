//! The reviewer's previews: snapshots of every example campaign's page and
//! of one HTML email per locale, what `build` writes, and that hostile
//! persona values stay text (escaped HTML, valid webhook JSON).

use std::path::{Path, PathBuf};
use std::process::Command;

use campaignc::check::model::Model;
use campaignc::diagnostics::Diagnostic;
use campaignc::plan::format::Plan;
use campaignc::preview::{preview_campaign, preview_files, PreviewOptions};
use campaignc::source::SourceMap;
use campaignc::template::Renderer;
use scraper::{Html, Selector};

#[path = "common/lsp_client.rs"]
mod lsp_client;

const EXAMPLE: &str = "campaigns";
const ESCAPING: &str = "tests/fixtures/preview/escaping";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

struct Project {
    model: Model,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    plans: Vec<Plan>,
}

fn compile(dir: &str) -> Project {
    let c = campaignc::compile(&root().join(dir)).expect("project loads");
    let diagnostics = c.problems.into_sorted();
    assert!(
        !diagnostics.iter().any(|d| d.is_error()),
        "{dir} has errors: {diagnostics:#?}"
    );
    let plans = campaignc::plan::lower_all(&c.model, &c.sources);
    Project {
        model: c.model,
        sources: c.sources,
        diagnostics,
        plans,
    }
}

fn preview(project: &Project, campaign: &str) -> campaignc::preview::CampaignPreview {
    let plan = project
        .plans
        .iter()
        .find(|p| p.campaign == campaign)
        .unwrap_or_else(|| panic!("no campaign {campaign}"));
    preview_campaign(
        &project.model,
        plan,
        &project.sources,
        &project.diagnostics,
        &Renderer::new(),
        &PreviewOptions::default(),
    )
}

#[test]
fn every_example_campaign_page() {
    let project = compile(EXAMPLE);
    assert!(!project.plans.is_empty());
    for plan in &project.plans {
        let page = preview(&project, &plan.campaign).page;
        insta::assert_snapshot!(format!("page_{}", plan.campaign), page);
    }
}

/// The LANGUAGE.md onboarding example (if / else, `wait for`, a persona
/// shown in a locale it does not speak).
#[test]
fn language_md_onboarding_page() {
    let project = compile("tests/fixtures/language_examples");
    let page = preview(&project, "onboarding").page;
    // The timeline agrees with LANGUAGE.md's third test: nudge at 1d,
    // last_chance at 4d.
    assert!(page.contains("- **Day 1, 10:00** — push *nudge*\n"));
    assert!(page.contains("- **Day 4, 10:00** — SMS *last_chance*\n"));
    insta::assert_snapshot!("page_language_md_onboarding", page);
}

fn email(project: &Project, campaign: &str, message: &str, locale: &str) -> String {
    preview(project, campaign)
        .emails
        .into_iter()
        .find(|(m, l, _)| m == message && l == locale)
        .map(|(_, _, html)| html)
        .unwrap_or_else(|| panic!("no {message}.{locale} in {campaign}"))
}

fn text_of(doc: &Html, selector: &str) -> String {
    let sel = Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The welcome email in every locale: a snapshot each, and the parsed
/// document carries the rendered subject (title) and body text.
#[test]
fn welcome_email_html_per_locale() {
    let project = compile(EXAMPLE);
    let expected = [
        (
            "en",
            "Welcome to Lumen Coffee, Emily!",
            "Choose your first bag",
        ),
        (
            "vi",
            "Chào mừng Minh đến với Lumen Coffee!",
            "Chọn túi đầu tiên",
        ),
        (
            "cs",
            "Vítejte v Lumen Coffee, Klára!",
            "Vybrat první balení",
        ),
        ("zh-Hant", "歡迎加入 Lumen Coffee", "挑選您的第一包"),
    ];
    for (locale, subject, link_text) in expected {
        let html = email(&project, "onboarding", "welcome", locale);
        insta::assert_snapshot!(format!("welcome_email_{locale}"), html);
        let doc = Html::parse_document(&html);
        assert!(
            text_of(&doc, "title").contains(subject),
            "{locale}: title {:?}",
            text_of(&doc, "title")
        );
        assert!(text_of(&doc, "body").contains(link_text), "{locale}: body");
        let lang = Selector::parse("html").expect("selector");
        let html_el = doc.select(&lang).next().expect("html element");
        assert_eq!(html_el.value().attr("lang"), Some(locale));
        // Self-contained: nothing loaded from elsewhere.
        for tag in ["script", "img", "link", "iframe"] {
            assert_eq!(text_of(&doc, tag), "", "{locale}: unexpected <{tag}>");
            let sel = Selector::parse(tag).expect("selector");
            assert!(doc.select(&sel).next().is_none(), "{locale}: <{tag}>");
        }
    }
}

fn build(dir: &str, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("build")
        .arg(root().join(dir))
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

#[test]
fn build_writes_pages_emails_index_and_coverage() {
    let out = tempfile::tempdir().expect("tempdir");
    let result = build(EXAMPLE, out.path());
    assert_eq!(result.status.code(), Some(0), "{result:?}");
    let project = compile(EXAMPLE);
    let index = std::fs::read_to_string(out.path().join("previews/index.html")).expect("index");
    let index_doc = Html::parse_document(&index);
    let links: Vec<String> = index_doc
        .select(&Selector::parse("a").expect("selector"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    for plan in &project.plans {
        let page_path = out.path().join(format!("previews/{}.md", plan.campaign));
        let page = std::fs::read_to_string(&page_path).expect("campaign page");
        assert!(
            page.contains("```mermaid\nflowchart TD\n"),
            "{}",
            plan.campaign
        );
        assert!(links.contains(&format!("{}.html", plan.campaign)));
        // The same page in HTML: the flowchart left for the vendored
        // Mermaid to draw, every email in a sandboxed frame.
        let html_page =
            std::fs::read_to_string(out.path().join(format!("previews/{}.html", plan.campaign)))
                .expect("the campaign's HTML page");
        let html_doc = Html::parse_document(&html_page);
        assert!(
            html_page.contains("<pre class=\"mermaid\">flowchart TD\n"),
            "{}",
            plan.campaign
        );
        let scripts: Vec<&str> = html_doc
            .select(&Selector::parse("script").expect("selector"))
            .filter_map(|s| s.value().attr("src"))
            .collect();
        assert_eq!(scripts, ["assets/mermaid.min.js", "assets/campaign.js"]);
        let frames: Vec<(String, Option<String>)> = html_doc
            .select(&Selector::parse("iframe.email").expect("selector"))
            .map(|f| {
                (
                    f.value().attr("src").unwrap_or("").to_string(),
                    f.value().attr("sandbox").map(str::to_string),
                )
            })
            .collect();
        for (name, message) in &plan.messages {
            if message.channel != campaignc::plan::format::Channel::Email {
                continue;
            }
            for locale in &plan.locales {
                let rel = format!("{}/{name}.{locale}.html", plan.campaign);
                let path = out.path().join("previews").join(&rel);
                let html = std::fs::read_to_string(&path)
                    .unwrap_or_else(|_| panic!("missing {}", path.display()));
                assert!(html.starts_with("<!DOCTYPE html>"));
                assert!(links.contains(&rel), "index lacks {rel}");
                assert!(
                    page.contains(&format!("({rel})")),
                    "page lacks a link to {rel}"
                );
                let frame = frames
                    .iter()
                    .find(|(src, _)| *src == rel)
                    .unwrap_or_else(|| panic!("the HTML page lacks a frame of {rel}"));
                assert!(
                    frame.1.as_deref().is_some_and(
                        |s| !s.contains("allow-scripts") && !s.contains("allow-same-origin")
                    ),
                    "{rel} is sandboxed: {:?}",
                    frame.1
                );
            }
        }
    }
    // The pages' scripts, written once for all of them, with Mermaid's
    // licence.
    let assets = out.path().join("previews/assets");
    let mermaid = std::fs::read(assets.join("mermaid.min.js")).expect("mermaid");
    let vendored = std::fs::read(root().join("vendor/mermaid/mermaid.min.js")).expect("vendored");
    assert!(mermaid == vendored, "the vendored Mermaid, byte for byte");
    assert!(std::fs::read_to_string(assets.join("mermaid.LICENSE.txt"))
        .expect("licence")
        .contains("MIT License"));
    assert!(assets.join("campaign.js").is_file());
    let coverage = std::fs::read_to_string(out.path().join("coverage.md")).expect("coverage");
    assert!(coverage.contains("cells covered"));
    assert!(coverage.contains("| `discovery` |"));

    // The same sources give byte-identical previews.
    let again = tempfile::tempdir().expect("tempdir");
    assert_eq!(build(EXAMPLE, again.path()).status.code(), Some(0));
    for rel in [
        "previews/index.html",
        "coverage.md",
        "previews/onboarding.md",
    ] {
        assert_eq!(
            std::fs::read(out.path().join(rel)).expect("first"),
            std::fs::read(again.path().join(rel)).expect("second"),
            "{rel} differs between builds"
        );
    }
}

#[test]
fn coverage_snapshot() {
    let project = compile(EXAMPLE);
    let files = preview_files(
        &project.model,
        &project.plans,
        &project.sources,
        &project.diagnostics,
    );
    let coverage = files
        .iter()
        .find(|(p, _)| p == Path::new("coverage.md"))
        .map(|(_, t)| t.clone())
        .expect("coverage.md");
    insta::assert_snapshot!("coverage", coverage);
}

/// The pressure section runs each campaign on its own (so that a live
/// build reruns only the campaigns an edit touched). That is only right
/// because, with the limit off, campaigns run together do not interact:
/// for every persona of the example project, the joint run and the
/// campaigns run one by one enter the same campaigns and send the same
/// marketing messages at the same instants.
#[test]
fn pressure_weeks_run_alone_match_the_joint_run() {
    use campaignc::plan::format::Category;
    use campaignc::preview::coverage::PersonaWeek;
    use campaignc::simulate::customer::Customer;
    use campaignc::simulate::timeline::Happening;
    use campaignc::simulate::together::simulate_together;

    let project = compile(EXAMPLE);
    let renderer = Renderer::new();
    let unlimited: Vec<Plan> = project
        .plans
        .iter()
        .cloned()
        .map(|mut p| {
            p.policies.pressure = None;
            p
        })
        .collect();
    let mut sends_seen = 0;
    for persona in &project.model.personas {
        let week = PersonaWeek::of(&project.model, persona, &project.plans).expect("a week");
        let runs = unlimited
            .iter()
            .map(|p| (p, Customer::of_persona(&project.model, persona, p)))
            .collect();
        let joint = simulate_together(runs, week.inputs().to_vec(), week.options(), &renderer)
            .expect("a run");
        for plan in &project.plans {
            let alone = week.run(&project.model, persona, plan, &renderer);
            let lines = || {
                joint
                    .timeline
                    .entries
                    .iter()
                    .filter(|e| e.campaign.as_deref() == Some(plan.campaign.as_str()))
            };
            let entered = lines().any(|e| matches!(e.what, Happening::Entered));
            let sends: Vec<jiff::Timestamp> = lines()
                .filter_map(|e| match &e.what {
                    Happening::Sent { message, .. }
                        if e.at.timestamp() < week.options().until
                            && plan.messages[message].category == Category::Marketing =>
                    {
                        Some(e.at.timestamp())
                    }
                    _ => None,
                })
                .collect();
            let alone_sends: Vec<jiff::Timestamp> =
                alone.sends.iter().map(|z| z.timestamp()).collect();
            assert_eq!(
                (alone.entered, &alone_sends),
                (entered, &sends),
                "persona {} campaign {}",
                persona.name,
                plan.campaign
            );
            sends_seen += sends.len();
        }
    }
    assert!(
        sends_seen > 0,
        "the example's personas send marketing messages"
    );
}

#[test]
fn webhook_body_with_quotes_in_a_persona_name_is_valid_json() {
    let project = compile(ESCAPING);
    let page = preview(&project, "hello").page;
    let start = page.find("```json\n").expect("a json block") + "```json\n".len();
    let end = start + page[start..].find("\n```").expect("end of block");
    let body: serde_json::Value =
        serde_json::from_str(&page[start..end]).expect("the webhook body is valid JSON");
    assert_eq!(body["name"], "Tom \"TJ\" \\ <script>alert(1)</script>");
    assert_eq!(body["source"], "<b>ads</b>");
}

/// One persona shown in every locale (`--persona`): each message is
/// rendered with the persona's locale set to the locale shown, though the
/// persona's data is worked out once per locale for all the messages.
#[test]
fn a_persona_shown_in_each_locale_reads_that_locale() {
    let project = compile(EXAMPLE);
    let emily = project
        .model
        .personas
        .iter()
        .position(|p| p.name == "emily")
        .map(|i| campaignc::check::model::PersonaId(i as u32));
    let plan = project
        .plans
        .iter()
        .find(|p| p.campaign == "churn_prevention")
        .expect("the churn campaign");
    let options = PreviewOptions {
        persona: emily,
        ..PreviewOptions::default()
    };
    let page = preview_campaign(
        &project.model,
        plan,
        &project.sources,
        &project.diagnostics,
        &Renderer::new(),
        &options,
    )
    .page;
    // The CRM task's body names `customer.locale`.
    for locale in ["en", "vi", "cs", "zh-Hant"] {
        assert!(
            page.contains(&format!("\"language\": \"{locale}\"")),
            "no `{locale}` task body in\n{page}"
        );
    }
}

#[test]
fn script_in_a_persona_value_comes_out_escaped() {
    let project = compile(ESCAPING);
    let p = preview(&project, "hello");
    let html = &p.emails.first().expect("the greeting email").2;
    assert!(!html.contains("<script>"), "raw <script> in the email HTML");
    assert!(!html.contains("<b>ads"), "raw <b> in the email HTML");
    let doc = Html::parse_document(html);
    assert!(doc
        .select(&Selector::parse("script").expect("selector"))
        .next()
        .is_none());
    // The reader sees the characters as text.
    assert!(text_of(&doc, "body").contains("Tom \"TJ\" \\ <script>alert(1)</script>"));
    assert!(text_of(&doc, "title").contains("<script>"));
    // And the Markdown page shows them as text too (a fenced code block,
    // like the webhook's JSON, is text already).
    let outside_code: String = p.page.split("```").step_by(2).collect::<Vec<_>>().join("");
    assert!(
        !outside_code.contains("<script>"),
        "raw <script> on the page"
    );
    assert!(p.page.contains("&lt;script&gt;"));
}

fn run_cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs")
}

#[test]
fn preview_command_filters_and_suggests_names() {
    let one = run_cli(&[
        "preview",
        EXAMPLE,
        "--campaign",
        "onboarding",
        "--message",
        "welcome",
        "--locale",
        "cs",
    ]);
    assert_eq!(one.status.code(), Some(0));
    let text = String::from_utf8(one.stdout).expect("utf-8");
    assert!(text.contains("#### `cs` — persona *klara*"));
    assert!(!text.contains("#### `en`"), "other locales are left out");
    assert!(text.contains("### email *welcome*"));
    assert!(
        !text.contains("### email *club_invite*"),
        "other messages are left out"
    );

    let forced = run_cli(&[
        "preview",
        EXAMPLE,
        "--campaign",
        "onboarding",
        "--message",
        "welcome",
        "--locale",
        "vi",
        "--persona",
        "emily",
    ]);
    let text = String::from_utf8(forced.stdout).expect("utf-8");
    assert!(
        text.contains("persona *emily* (its locale set to `vi` for this preview)"),
        "{text}"
    );
    assert!(text.contains("Chào mừng Emily"));

    let typo = run_cli(&["preview", EXAMPLE, "--campaign", "onbording"]);
    assert_eq!(typo.status.code(), Some(2));
    let err = String::from_utf8(typo.stderr).expect("utf-8");
    assert!(
        err.contains("unknown campaign `onbording`; did you mean `onboarding`?"),
        "{err}"
    );

    let locale = run_cli(&[
        "preview",
        EXAMPLE,
        "--campaign",
        "onboarding",
        "--locale",
        "de",
    ]);
    assert_eq!(locale.status.code(), Some(2));

    let coverage = run_cli(&["coverage", EXAMPLE]);
    assert_eq!(coverage.status.code(), Some(0));
    assert!(String::from_utf8(coverage.stdout)
        .expect("utf-8")
        .starts_with("# Lifecycle coverage"));
}

#[test]
fn timeline_shows_a_send_deferred_by_the_window() {
    let project = compile("tests/fixtures/preview/deferral");
    let page = preview(&project, "late_hello").page;
    assert!(
        page.contains(
            "- **Day 0, 21:00** — email *hello* → deferred to Day 1, 09:00 (send window 09:00-20:00)\n\
             - **Day 1, 09:00** — email *hello*\n"
        ),
        "{page}"
    );
}

#[test]
fn warnings_about_the_campaigns_messages_are_listed_with_their_place() {
    let project = compile("tests/fixtures/preview/deferral");
    let page = preview(&project, "late_hello").page;
    let warnings = &page[page.find("## Warnings").expect("a warnings section")..];
    assert!(
        warnings.contains("- `project.camp:40` warning W0602: the push title"),
        "{warnings}"
    );
    assert!(page.contains("- **Title** (63/50 characters, **over the limit**)"));
}

#[test]
fn a_project_with_errors_gets_its_diagnostics_not_a_preview() {
    let broken = run_cli(&["preview", "tests/fixtures/cli/broken"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(broken.stdout.is_empty(), "no page for a broken project");
    assert!(!broken.stderr.is_empty(), "the errors are reported");
    let coverage = run_cli(&["coverage", "tests/fixtures/cli/broken"]);
    assert_eq!(coverage.status.code(), Some(1));
    let missing = run_cli(&["preview", "tests/fixtures/does-not-exist"]);
    assert_eq!(missing.status.code(), Some(2));
}

/// The review tools of `watch --serve`, through the `serve::Pages` the
/// watch command hands the server: a campaign page rendered for a chosen
/// persona, and the translation view of a message.
#[test]
fn review_pages_render_for_a_persona_and_side_by_side() {
    use campaignc::driver::review::{BuiltProject, ReviewPages};
    use campaignc::serve::Pages;
    // The example, with the Czech subject of `welcome` no longer greeting
    // by name: the translation view must mark what it lacks.
    let tmp = tempfile::tempdir().expect("tempdir");
    lsp_client::copy_dir(&root().join(EXAMPLE), tmp.path());
    let flow = tmp.path().join("flows/onboarding.camp");
    let text = std::fs::read_to_string(&flow).expect("read");
    let czech =
        "subject \"Vítejte v Lumen Coffee, {{default customer.first_name \"kávomilci\"}}!\"";
    assert!(text.contains(czech));
    std::fs::write(
        &flow,
        text.replace(czech, "subject \"Vítejte v Lumen Coffee!\""),
    )
    .expect("write");
    let c = campaignc::compile(tmp.path()).expect("project loads");
    let diagnostics = c.problems.into_sorted();
    assert!(
        !diagnostics.iter().any(|d| d.is_error()),
        "{diagnostics:#?}"
    );
    let plans = campaignc::plan::lower_all(&c.model, &c.sources);
    let pages = ReviewPages::new();
    assert_eq!(
        pages.page("/previews/onboarding.html", "persona=david"),
        None,
        "nothing built yet"
    );
    pages.set_project(std::sync::Arc::new(BuiltProject {
        model: c.model,
        sources: c.sources,
        diagnostics,
        plans,
    }));

    let page = pages
        .page("/previews/onboarding.html", "persona=david")
        .expect("a page for david");
    assert!(
        page.contains("Welcome to Lumen Coffee, David!"),
        "the subject greets david"
    );
    assert!(!page.contains("Emily"), "no locale keeps its own persona");
    assert!(
        page.contains("src=\"onboarding/welcome.en.html?persona=david\""),
        "the frames show the emails for david too"
    );
    let email = pages
        .page("/previews/onboarding/welcome.vi.html", "persona=david")
        .expect("the email for david");
    assert!(
        email.contains("David") && !email.contains("Minh"),
        "{email}"
    );
    assert!(
        page.contains("<option value=\"david\" selected>"),
        "the picker shows the choice"
    );
    assert!(page.contains("Timeline of the main path"));
    assert!(
        page.contains("Persona <em>david</em>"),
        "the timeline is david's"
    );

    let view = pages
        .page("/previews/onboarding.html", "translations=welcome")
        .expect("the translation view");
    let doc = Html::parse_document(&view);
    let locales: Vec<String> = doc
        .select(&Selector::parse("th.locale").expect("selector"))
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(locales, ["en", "vi", "cs", "zh-Hant"]);
    let subject_row: String = doc
        .select(&Selector::parse("tr").expect("selector"))
        .map(|r| r.html())
        .find(|r| r.contains("<code>subject</code>"))
        .expect("a subject row");
    assert_eq!(
        subject_row.matches("class=\"missing\"").count(),
        1,
        "only Czech lacks the name: {subject_row}"
    );
    assert!(subject_row.contains("Lacks <code>customer.first_name</code>"));
    assert!(subject_row.contains("<mark class=\"var\">{{default customer.first_name"));

    // Anything else is the build's own file.
    for (path, query) in [
        ("/previews/onboarding.html", ""),
        ("/previews/onboarding.html", "persona=nobody"),
        ("/previews/onboarding.html", "persona="),
        ("/previews/nothing.html", "persona=david"),
        ("/previews/onboarding.md", "persona=david"),
        ("/previews/onboarding.html", "translations=nothing"),
        ("/previews/onboarding/welcome.en.html", ""),
        ("/previews/onboarding/welcome.xx.html", "persona=david"),
        ("/previews/onboarding/nothing.en.html", "persona=david"),
    ] {
        assert_eq!(pages.page(path, query), None, "{path}?{query}");
    }
}
