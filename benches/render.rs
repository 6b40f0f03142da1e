//! Rendering speed against handlebars.js: the example project's cart email
//! (`cart_recovery`'s `cart_email` in `en`: subject, preheader and a
//! Markdown body with an `{{#each}}` over the cart and `money` helpers),
//! with the preview persona's data, rendered through campaignc's renderer
//! and through handlebars.js (Node, the npm `handlebars` package of
//! `benches/render-js/`, with equivalent helpers), each on one thread, in
//! one run. Prints both engines' renders per second and the ratio (goal:
//! campaignc ≥ 1.0×), and the rate of the whole email (templates, Markdown,
//! HTML) through `campaignc render`'s path for reference.
//!
//! `cargo bench --bench render` (`RENDER_SECONDS=N` per engine, default 3). The
//! handlebars.js half needs `node` and `npm ci` in `benches/render-js/`;
//! without them it is skipped with a message.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use campaignc::preview::data::FlowIndex;
use campaignc::preview::messages::preview_data;
use campaignc::render::render_fields;
use campaignc::template::{value, Data, Escape, RenderOptions, Renderer};
use serde_json::{json, Map, Value};

const CAMPAIGN: &str = "cart_recovery";
const MESSAGE: &str = "cart_email";
const LOCALE: &str = "en";
/// The email's templates, in the order they are rendered.
const FIELDS: &[&str] = &["subject", "preheader", "body"];

/// Runs `render` for `seconds` and returns renders per second.
fn rate(seconds: f64, mut render: impl FnMut()) -> f64 {
    for _ in 0..200 {
        render();
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut renders = 0u64;
    while start.elapsed() < budget {
        for _ in 0..100 {
            render();
        }
        renders += 100;
    }
    renders as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let seconds: f64 = std::env::var("RENDER_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let compilation = campaignc::compile(&project).expect("the example project loads");
    let model = &compilation.model;
    let plans = campaignc::plan::lower_all(model, &compilation.sources);
    let plan = plans
        .iter()
        .find(|p| p.campaign == CAMPAIGN)
        .expect("the cart campaign");
    let message = &plan.messages[MESSAGE];
    let fields = &message.locales[LOCALE].fields;
    let persona = model.preview_persona(LOCALE).expect("an en persona");
    let flow = FlowIndex::new(plan);
    let data = preview_data(model, &flow, MESSAGE, LOCALE, persona);
    let timezone = data.timezone.clone();
    let root = value::root(
        data.customer,
        data.event.map(|(_, payload, _)| payload),
        &plan.campaign,
        &data.unsubscribe_url,
    );
    let templates: Vec<(&str, &String)> = FIELDS
        .iter()
        .filter_map(|f| fields.get(*f).map(|s| (*f, s)))
        .collect();
    let lines: usize = templates.iter().map(|(_, s)| s.lines().count()).sum();
    println!(
        "render benchmark: {CAMPAIGN}/{MESSAGE} ({LOCALE}), {} templates, {lines} lines; \
         {seconds} s per engine, one thread each",
        templates.len()
    );

    let renderer = Renderer::new();
    let opts = RenderOptions {
        locale: LOCALE.into(),
        timezone: timezone.clone(),
        escape: Escape::Html,
    };
    // The data is prepared once, as handlebars.js gets its data object
    // by reference; templates come from the renderer's cache, as
    // handlebars.js's are compiled once.
    let data = Data::new(root.clone()).expect("an object");
    let render_all = || -> Map<String, Value> {
        templates
            .iter()
            .map(|(name, source)| {
                let text = renderer.render_data(source, &data, &opts).expect("renders");
                (name.to_string(), Value::String(text))
            })
            .collect()
    };
    let ours = render_all();
    let campaignc_rate = rate(seconds, || {
        std::hint::black_box(render_all());
    });
    println!("campaignc      {campaignc_rate:>12.0} renders/s");

    match handlebars_js(&templates, &root, &timezone, seconds) {
        Ok((js_rate, output)) => {
            println!("handlebars.js  {js_rate:>12.0} renders/s");
            println!(
                "ratio          {:>12.2}x  (campaignc / handlebars.js; goal >= 1.0x)",
                campaignc_rate / js_rate
            );
            let differ: Vec<&String> = ours
                .iter()
                .filter(|(name, text)| output.get(name.as_str()) != Some(text))
                .map(|(name, _)| name)
                .collect();
            if differ.is_empty() {
                println!("outputs        identical");
            } else {
                println!(
                    "outputs        differ in {differ:?} (the helpers are not equivalent here)"
                );
                for name in differ {
                    println!("  campaignc:     {}", ours[name]);
                    println!("  handlebars.js: {}", output[name]);
                }
            }
        }
        Err(why) => println!("handlebars.js  skipped: {why}"),
    }

    let email_rate = rate(seconds, || {
        std::hint::black_box(
            render_fields(&renderer, message, LOCALE, root.clone(), &timezone).expect("renders"),
        );
    });
    println!("campaignc whole email (templates + Markdown + HTML): {email_rate:.0} renders/s");
}

/// Runs `benches/render-js/bench.js` on the same templates and data.
fn handlebars_js(
    templates: &[(&str, &String)],
    root: &Value,
    timezone: &str,
    seconds: f64,
) -> Result<(f64, Map<String, Value>), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/render-js");
    if !dir.join("node_modules/handlebars").is_dir() {
        return Err(format!("run `npm ci` in {} first", dir.display()));
    }
    let mut data = root.clone();
    if let Some(object) = data.as_object_mut() {
        object.insert(
            "__campaignc_render".into(),
            json!({ "locale": LOCALE, "timezone": timezone }),
        );
    }
    let input = json!({
        "templates": templates.iter().map(|(n, s)| (n.to_string(), json!(s))).collect::<Map<_, _>>(),
        "data": data,
        "seconds": seconds,
    });
    let file = std::env::temp_dir().join(format!(
        "campaignc-render-bench-{}.json",
        std::process::id()
    ));
    std::fs::write(&file, input.to_string()).map_err(|e| e.to_string())?;
    let output = Command::new("node")
        .arg(dir.join("bench.js"))
        .arg(&file)
        .output();
    let _ = std::fs::remove_file(&file);
    let output = output.map_err(|e| format!("cannot run `node` ({e})"))?;
    if !output.status.success() {
        return Err(format!(
            "node failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let answer: Value = serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    let rate = answer["renders_per_second"]
        .as_f64()
        .ok_or("no renders_per_second")?;
    let rendered = answer["output"].as_object().cloned().unwrap_or_default();
    Ok((rate, rendered))
}
