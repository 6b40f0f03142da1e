//! End-to-end tests of `campaignc build` and the plan format: snapshots of
//! every plan of the example project (`campaigns/`) and of the fixture
//! project (`tests/fixtures/plan/project`), validation against the emitted
//! JSON Schema, byte-identical rebuilds, node-id stability under edits, and
//! atomic writes when a build is interrupted.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const EXAMPLE: &str = "campaigns";
const FIXTURE: &str = "tests/fixtures/plan/project";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `campaignc build DIR --out OUT` and returns its exit code.
fn build(dir: &Path, out: &Path) -> i32 {
    let output = Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("build")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .expect("campaignc runs");
    output.status.code().unwrap_or(-1)
}

/// Every file under `dir` (relative path → bytes), but a build's
/// `.campaignc/stat`: its record of the files' inodes and times, local to
/// the machine and the moment (docs/cli.md), not an output.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walkable");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            if rel == ".campaignc/stat" {
                continue;
            }
            out.insert(rel, fs::read(entry.path()).expect("readable"));
        }
    }
    out
}

/// Builds `project` into a fresh temporary directory and returns it.
fn built(project: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    assert_eq!(build(project, out.path()), 0, "build of {project:?} failed");
    out
}

fn plans(out: &Path) -> BTreeMap<String, String> {
    files_under(&out.join("plans"))
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("utf-8 plan")))
        .collect()
}

fn snapshot_project(label: &str, project: &str) {
    let out = built(&root().join(project));
    let plans = plans(out.path());
    assert!(!plans.is_empty(), "{project} has no campaigns");
    for (file, json) in plans {
        let name = format!("{label}__{}", file.trim_end_matches(".json"));
        insta::assert_snapshot!(name, json);
    }
}

#[test]
fn example_project_plans() {
    snapshot_project("example", EXAMPLE);
}

#[test]
fn fixture_project_plans() {
    snapshot_project("fixture", FIXTURE);
}

#[test]
fn plan_schema_snapshot() {
    insta::assert_snapshot!("plan_schema", campaignc::plan::plan_json_schema());
}

fn validator(out: &Path) -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_slice(&fs::read(out.join("plan.schema.json")).expect("schema written"))
            .expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[test]
fn every_plan_validates_against_the_emitted_schema() {
    for project in [EXAMPLE, FIXTURE] {
        let out = built(&root().join(project));
        let validator = validator(out.path());
        for (file, json) in plans(out.path()) {
            let plan: Value = serde_json::from_str(&json).expect("plan is JSON");
            let errors: Vec<String> = validator
                .iter_errors(&plan)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{project}/{file}: {errors:#?}");
        }
    }
}

#[test]
fn the_schema_rejects_what_the_format_does_not_allow() {
    let out = built(&root().join(FIXTURE));
    let validator = validator(out.path());
    let json = &plans(out.path())["onboarding.json"];
    let plan: Value = serde_json::from_str(json).expect("plan is JSON");
    assert!(validator.is_valid(&plan));
    let mut bad_kind = plan.clone();
    bad_kind["nodes"]["send"]["kind"] = Value::String("teleport".into());
    assert!(!validator.is_valid(&bad_kind));
    let mut other_version = plan.clone();
    other_version["format"] = Value::String("campaignc.plan/v1".into());
    assert!(!validator.is_valid(&other_version));
    let mut bad_channel = plan;
    bad_channel["messages"]["tips"]["channel"] = Value::String("pigeon".into());
    assert!(!validator.is_valid(&bad_channel));
}

#[test]
fn unknown_fields_from_a_newer_minor_version_are_ignored() {
    let out = built(&root().join(FIXTURE));
    let mut plan: Value =
        serde_json::from_str(&plans(out.path())["onboarding.json"]).expect("plan is JSON");
    plan["added_in_v1_1"] = Value::Bool(true);
    plan["nodes"]["send"]["priority"] = Value::from(3);
    let parsed: campaignc::plan::Plan = serde_json::from_value(plan).expect("still a v2 plan");
    assert_eq!(parsed.campaign, "onboarding");
}

#[test]
fn plans_round_trip_through_the_serde_types() {
    let out = built(&root().join(FIXTURE));
    for (file, json) in plans(out.path()) {
        let plan: campaignc::plan::Plan = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(campaignc::plan::to_json(&plan), json, "{file}");
        assert_eq!(
            campaignc::plan::lower::plan_hash(&plan),
            plan.hash,
            "{file}"
        );
    }
}

/// Copies every file of `from` into `to`, creating them in `order`.
fn copy_project(from: &Path, to: &Path, reverse: bool) {
    let mut files: Vec<(String, Vec<u8>)> = files_under(from).into_iter().collect();
    if reverse {
        files.reverse();
    } else {
        // Interleave: odd positions first, then even ones.
        let (odd, even): (Vec<_>, Vec<_>) =
            files.into_iter().enumerate().partition(|(i, _)| i % 2 == 1);
        files = odd.into_iter().chain(even).map(|(_, f)| f).collect();
    }
    for (rel, bytes) in files {
        let path = to.join(&rel);
        fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs::write(path, bytes).expect("copy");
    }
}

#[test]
fn builds_are_byte_identical_across_runs_and_file_orders() {
    for project in [EXAMPLE, FIXTURE] {
        let first = files_under(built(&root().join(project)).path());
        let second = files_under(built(&root().join(project)).path());
        assert_eq!(first, second, "{project}: two builds differ");

        for reverse in [true, false] {
            let copy = tempfile::tempdir().expect("tempdir");
            copy_project(&root().join(project), copy.path(), reverse);
            let third = files_under(built(copy.path()).path());
            assert_eq!(
                first, third,
                "{project}: a reordered copy builds differently"
            );
        }
    }
}

#[test]
fn build_leaves_files_it_did_not_write() {
    let out = tempfile::tempdir().expect("tempdir");
    fs::create_dir_all(out.path().join("plans")).expect("mkdir");
    fs::write(out.path().join("plans/keep.txt"), "mine").expect("write");
    fs::write(out.path().join("notes.md"), "mine too").expect("write");
    assert_eq!(build(&root().join(FIXTURE), out.path()), 0);
    assert_eq!(
        fs::read_to_string(out.path().join("plans/keep.txt")).expect("kept"),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(out.path().join("notes.md")).expect("kept"),
        "mine too"
    );
}

fn node_ids(out: &Path, campaign: &str) -> Vec<String> {
    let json = &plans(out)[&format!("{campaign}.json")];
    let plan: Value = serde_json::from_str(json).expect("plan is JSON");
    plan["nodes"]
        .as_object()
        .expect("nodes is a map")
        .keys()
        .cloned()
        .collect()
}

/// A copy of the fixture project with `edit` applied to one file.
fn edited_fixture(file: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("tempdir");
    copy_project(&root().join(FIXTURE), copy.path(), true);
    let path = copy.path().join(file);
    let text = fs::read_to_string(&path).expect("fixture file");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changed nothing");
    fs::write(&path, edited).expect("write");
    copy
}

#[test]
fn node_ids_survive_inserting_a_labelled_step_editing_a_step_and_a_message() {
    let base = built(&root().join(FIXTURE));
    let before = node_ids(base.path(), "onboarding");

    let inserted = edited_fixture("campaigns/onboarding.camp", |t| {
        t.replacen("flow {\n", "flow {\n    first_pause: wait 2h\n", 1)
    });
    let out = built(inserted.path());
    let after = node_ids(out.path(), "onboarding");
    for id in &before {
        assert!(after.contains(id), "{id} changed after inserting a step");
    }
    assert!(after.contains(&"@first_pause".to_string()));
    assert_eq!(after.len(), before.len() + 1);

    // A step's parameters are not its identity.
    let longer = edited_fixture("campaigns/onboarding.camp", |t| {
        t.replacen("    wait 1d\n", "    wait 2d\n", 1)
            .replacen("up to 3d", "up to 5d", 1)
            .replacen(
                "performed project_created since entry",
                "performed project_created within 7d",
                1,
            )
    });
    assert_eq!(node_ids(built(longer.path()).path(), "onboarding"), before);

    let reworded = edited_fixture("messages.camp", |t| {
        t.replace("Three tips for your first week", "Four tips for week one")
    });
    let out = built(reworded.path());
    assert_eq!(node_ids(out.path(), "onboarding"), before);
    let hash = |dir: &Path| -> (String, String) {
        let plan: Value =
            serde_json::from_str(&plans(dir)["onboarding.json"]).expect("plan is JSON");
        (
            plan["hash"].as_str().expect("hash").to_string(),
            plan["messages"]["tips"]["locales"]["en"]["content_hash"]
                .as_str()
                .expect("content hash")
                .to_string(),
        )
    };
    let (plan_before, tips_before) = hash(base.path());
    let (plan_after, tips_after) = hash(out.path());
    assert_ne!(plan_before, plan_after);
    assert_ne!(tips_before, tips_after);
}

/// The top-level hash and the source line of the campaign and of its
/// `wait 1d` node in the built `onboarding` plan.
fn onboarding_hash_and_lines(project: &Path) -> (String, u64, u64) {
    let out = built(project);
    let plan: Value =
        serde_json::from_str(&plans(out.path())["onboarding.json"]).expect("plan is JSON");
    (
        plan["hash"].as_str().expect("hash").to_string(),
        plan["source"]["line"].as_u64().expect("campaign line"),
        plan["source"]["nodes"]["wait"].as_u64().expect("wait line"),
    )
}

#[test]
fn the_plan_hash_ignores_comments_and_blank_lines_above_a_campaign() {
    let (hash, campaign_line, wait_line) = onboarding_hash_and_lines(&root().join(FIXTURE));

    let commented = edited_fixture("campaigns/onboarding.camp", |t| {
        format!("// A comment above the campaign.\n\n\n{t}")
    });
    let (moved_hash, moved_campaign, moved_wait) = onboarding_hash_and_lines(commented.path());
    assert_eq!(moved_campaign, campaign_line + 3, "the lines do move");
    assert_eq!(moved_wait, wait_line + 3, "the node lines do move");
    assert_eq!(
        moved_hash, hash,
        "but the meaning, and so the hash, is the same"
    );

    let rewaited = edited_fixture("campaigns/onboarding.camp", |t| {
        t.replacen("    wait 1d\n", "    wait 2d\n", 1)
    });
    let out = built(rewaited.path());
    let plan: Value =
        serde_json::from_str(&plans(out.path())["onboarding.json"]).expect("plan is JSON");
    assert_ne!(
        plan["hash"].as_str().expect("hash"),
        hash,
        "a longer wait is a change"
    );
}

#[test]
fn an_interrupted_build_leaves_no_partial_json() {
    let out = tempfile::tempdir().expect("tempdir");
    // Plans are written in campaign name order: gold_tier, onboarding,
    // sales_digest, winback. Block the second one with a directory.
    fs::create_dir_all(out.path().join("plans/onboarding.json/blocker")).expect("mkdir");
    let code = build(&root().join(FIXTURE), out.path());
    assert_eq!(code, 2, "a write failure is an I/O error (exit 2)");

    let written = files_under(out.path());
    assert!(
        written.is_empty(),
        "all or nothing: no output appears when one cannot be written: {:?}",
        written.keys().collect::<Vec<_>>()
    );
    assert!(out.path().join("plans/onboarding.json/blocker").is_dir());
}

#[test]
fn a_project_with_errors_writes_nothing() {
    let project = tempfile::tempdir().expect("tempdir");
    copy_project(&root().join(FIXTURE), project.path(), false);
    fs::write(
        project.path().join("broken.camp"),
        "campaign broken { stage nowhere trigger event no_such_event flow { send nothing } }\n",
    )
    .expect("write");
    let out = tempfile::tempdir().expect("tempdir");
    assert_eq!(build(project.path(), out.path()), 1);
    assert!(files_under(out.path()).is_empty());
}

/// Every string under a key named `key` anywhere in `value` whose sibling
/// `op`/`kind` tag equals `tag`, e.g. the `name` of every `segment` op.
fn tagged_names(value: &Value, tag_key: &str, tag: &str, key: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get(tag_key).and_then(Value::as_str) == Some(tag) {
                if let Some(name) = map.get(key).and_then(Value::as_str) {
                    out.push(name.to_string());
                }
            }
            for item in map.values() {
                tagged_names(item, tag_key, tag, key, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                tagged_names(item, tag_key, tag, key, out);
            }
        }
        _ => {}
    }
}

/// The node ids a node's edges point at.
fn edges(node: &Value) -> Vec<Option<String>> {
    let id = |v: &Value| v.as_str().map(str::to_string);
    let mut out = Vec::new();
    for key in ["next", "on_event", "on_timeout", "otherwise"] {
        if let Some(v) = node.get(key) {
            out.push(id(v));
        }
    }
    for list in ["cases", "variants"] {
        for item in node
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(id(&item["next"]));
        }
    }
    out
}

#[test]
fn plans_are_self_contained_graphs() {
    for project in [EXAMPLE, FIXTURE] {
        let out = built(&root().join(project));
        for (file, json) in plans(out.path()) {
            let plan: Value = serde_json::from_str(&json).expect("plan is JSON");
            let nodes = plan["nodes"].as_object().expect("nodes");
            let lines = plan["source"]["nodes"].as_object().expect("source.nodes");

            // Every edge leads to a node or ends the journey, and every
            // node is reachable from the entry.
            let mut reached = std::collections::BTreeSet::new();
            let mut todo: Vec<String> = plan["entry"]
                .as_str()
                .map(str::to_string)
                .into_iter()
                .collect();
            while let Some(id) = todo.pop() {
                let node = nodes
                    .get(&id)
                    .unwrap_or_else(|| panic!("{project}/{file}: edge to missing node {id}"));
                assert!(
                    lines
                        .get(&id)
                        .and_then(Value::as_u64)
                        .is_some_and(|l| l > 0),
                    "{id} has no line"
                );
                if reached.insert(id.clone()) {
                    todo.extend(edges(node).into_iter().flatten());
                }
            }
            let all: std::collections::BTreeSet<String> = nodes.keys().cloned().collect();
            assert_eq!(reached, all, "{project}/{file}: unreachable nodes");

            // Every name a plan uses is defined in the plan.
            let defined = |table: &str| -> Vec<String> {
                plan[table]
                    .as_array()
                    .expect("table")
                    .iter()
                    .map(|e| e["name"].as_str().expect("name").to_string())
                    .collect()
            };
            let (segments, scores) = (defined("segments"), defined("scores"));
            let mut used = Vec::new();
            tagged_names(&plan, "op", "segment", "name", &mut used);
            if let Some(s) = plan["trigger"]["segment"].as_str() {
                used.push(s.to_string());
            }
            for name in used {
                assert!(
                    segments.contains(&name),
                    "{project}/{file}: segment {name} missing"
                );
            }
            let mut used = Vec::new();
            tagged_names(&plan, "op", "score", "name", &mut used);
            for name in used {
                assert!(
                    scores.contains(&name),
                    "{project}/{file}: score {name} missing"
                );
            }
            let mut sent = Vec::new();
            tagged_names(&plan["nodes"], "kind", "send", "message", &mut sent);
            for name in &sent {
                let message = &plan["messages"][name];
                for locale in plan["locales"].as_array().expect("locales") {
                    let locale = locale.as_str().expect("a tag");
                    assert!(
                        message["locales"][locale]["fields"].is_object(),
                        "{project}/{file}: {name} lacks {locale}"
                    );
                }
            }
            assert_eq!(
                plan["messages"].as_object().expect("messages").len(),
                sent.iter().collect::<std::collections::BTreeSet<_>>().len(),
                "{project}/{file}: messages the flow does not send"
            );
        }
    }
}

#[test]
fn a_missing_project_directory_is_exit_2_and_writes_nothing() {
    let out = tempfile::tempdir().expect("tempdir");
    let missing = out.path().join("no_such_project");
    assert_eq!(build(&missing, &out.path().join("out")), 2);
    assert!(!out.path().join("out").exists());
}
