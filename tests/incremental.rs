//! The incremental core gives what a cold build gives. From fixed seeds,
//! random sequences of edits (declarations inserted, deleted and modified,
//! syntax broken and repaired, files renamed, personas and segments
//! changed) are applied to one long-lived `driver::Workspace`; after every
//! step its diagnostics and output files must be byte-identical to a cold
//! compile of the same files on disk through the batch path
//! (`compile_checked`, `lower_all`, `plan_files`, `preview_files`), which
//! shares no memo with the workspace.
//!
//! Also: what an edit costs (one file parsed, one campaign re-rendered),
//! and a build's bytes do not depend on the number of threads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use campaignc::driver::{BuildStatus, Workspace};
use campaignc::plan::lower_all;
use campaignc::plan::write::plan_files;
use campaignc::preview::preview_files;

/// xorshift64*: small, deterministic, good enough to pick edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The `.camp` files of the project `campaignc init` writes.
fn starter() -> BTreeMap<String, String> {
    campaignc::starter::STARTER_FILES
        .iter()
        .filter(|(path, _)| path.ends_with(".camp"))
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect()
}

/// A campaign and the push message it sends, named after `n`.
fn extra(n: usize) -> String {
    format!(
        r#"
/// Extra message {n}.
message extra_msg_{n}: push {{
  locale en {{ title "Hello {n}"  body "Body {n}"  link "acme://new" }}
  locale cs {{ title "Ahoj {n}"  body "Telo {n}"  link "acme://new" }}
}}

/// Extra campaign {n}.
campaign extra_{n} {{
  stage onboarding
  trigger event signed_up
  audience new_trials
  locales en, cs

  flow {{
    send extra_msg_{n}
    wait 1d
    send nudge
  }}
}}
"#
    )
}

/// One project state and how to edit it at random.
struct Project {
    files: BTreeMap<String, String>,
    next_name: usize,
    /// A file broken on purpose and its text before.
    broken: Option<(String, String)>,
}

impl Project {
    fn pick_file(&self, rng: &mut Rng, containing: &str) -> Option<String> {
        let candidates: Vec<&String> = self
            .files
            .iter()
            .filter(|(_, text)| text.contains(containing))
            .map(|(path, _)| path)
            .collect();
        if candidates.is_empty() {
            return None;
        }
        Some(candidates[rng.below(candidates.len())].clone())
    }

    /// Applies one random edit; returns what it did, and the paths it
    /// touched with their new text (`None`: removed).
    fn edit(&mut self, rng: &mut Rng) -> (String, Vec<(String, Option<String>)>) {
        if let Some((path, before)) = self.broken.take() {
            if rng.below(2) == 0 && self.files.contains_key(&path) {
                self.files.insert(path.clone(), before.clone());
                return (format!("repair {path}"), vec![(path, Some(before))]);
            }
            self.broken = Some((path, before));
        }
        let kind = rng.below(11);
        let touched = match kind {
            // Modify a message text.
            0 => self.pick_file(rng, "Hello ").map(|path| {
                let k = rng.below(50);
                let text = self.files[&path].replacen("Hello ", &format!("Hello again {k} "), 1);
                (path, text)
            }),
            // Modify a wait duration.
            1 => self.pick_file(rng, "wait ").map(|path| {
                let days = 1 + rng.below(5);
                let text = self.files[&path].replacen("wait 1d", &format!("wait {days}d"), 1);
                (path, text)
            }),
            // Insert declarations into an existing file.
            2 | 3 => {
                let paths: Vec<String> = self.files.keys().cloned().collect();
                let path = paths[rng.below(paths.len())].clone();
                let text = format!("{}{}", self.files[&path], extra(self.next_name));
                self.next_name += 1;
                Some((path, text))
            }
            // A new file with declarations.
            4 => {
                let path = format!("more/extra_{}.camp", self.next_name);
                let text = extra(self.next_name);
                self.next_name += 1;
                Some((path, text))
            }
            // Delete a declaration.
            5 => self.pick_file(rng, "\ncampaign extra_").map(|path| {
                let text = &self.files[&path];
                let start = text.find("\ncampaign extra_").unwrap_or(0);
                let end = text[start + 1..]
                    .find("\n}\n")
                    .map_or(text.len(), |e| start + 1 + e + 3);
                (path, format!("{}{}", &text[..start], &text[end..]))
            }),
            // Break the syntax of a file (repaired by a later step).
            6 if self.broken.is_none() => {
                let paths: Vec<String> = self.files.keys().cloned().collect();
                let path = paths[rng.below(paths.len())].clone();
                let before = self.files[&path].clone();
                let lines: Vec<&str> = before.lines().collect();
                let at = rng.below(lines.len() + 1);
                let mut broken: Vec<&str> = lines.clone();
                broken.insert(at, "campaign {{ oops");
                let text = broken.join("\n");
                self.broken = Some((path.clone(), before));
                Some((path, text))
            }
            // Change a persona or a segment.
            7 => {
                if rng.below(2) == 0 {
                    self.pick_file(rng, "first_name \"Ada").map(|path| {
                        let k = rng.below(9);
                        let text = self.files[&path].replacen(
                            "first_name \"Ada",
                            &format!("first_name \"Ada{k}"),
                            1,
                        );
                        (path, text)
                    })
                } else {
                    self.pick_file(rng, "now - 14d").map(|path| {
                        let text = self.files[&path].replacen("now - 14d", "now - 15d", 1);
                        (path, text)
                    })
                }
            }
            // What every message check reads: an attribute the templates
            // use is renamed, so their findings change (repaired by a
            // later step, as a syntax error is).
            9 if self.broken.is_none() => self.pick_file(rng, "attr ").map(|path| {
                let text = &self.files[&path];
                self.broken = Some((path.clone(), text.clone()));
                let text = if text.contains("attr first_name:") {
                    text.replacen("attr first_name:", "attr given_name:", 1)
                } else {
                    text.replacen("attr given_name:", "attr first_name:", 1)
                };
                (path, text)
            }),
            // How a message is sent: a campaign's locales gain one its
            // messages lack (repaired by a later step).
            10 if self.broken.is_none() => self.pick_file(rng, "locales en, cs").map(|path| {
                let text = &self.files[&path];
                self.broken = Some((path.clone(), text.clone()));
                let text = if text.contains("locales en, cs, de") {
                    text.replacen("locales en, cs, de", "locales en, cs", 1)
                } else {
                    text.replacen("locales en, cs", "locales en, cs, de", 1)
                };
                (path, text)
            }),
            // Rename a file.
            _ => {
                let paths: Vec<String> = self.files.keys().cloned().collect();
                let from = paths[rng.below(paths.len())].clone();
                let to = format!("renamed/r{}_{}", self.next_name, from.replace('/', "_"));
                self.next_name += 1;
                let text = self.files.remove(&from).unwrap_or_default();
                if let Some((broken, before)) = self.broken.take() {
                    let path = if broken == from { to.clone() } else { broken };
                    self.broken = Some((path, before));
                }
                self.files.insert(to.clone(), text.clone());
                return (
                    format!("rename {from} -> {to}"),
                    vec![(from, None), (to, Some(text))],
                );
            }
        };
        match touched {
            Some((path, text)) => {
                self.files.insert(path.clone(), text.clone());
                (format!("edit {kind} of {path}"), vec![(path, Some(text))])
            }
            None => ("nothing".into(), Vec::new()),
        }
    }
}

/// Writes the project under `dir` (emptied first).
fn write_project(dir: &Path, files: &BTreeMap<String, String>) {
    let _ = std::fs::remove_dir_all(dir);
    for (path, text) in files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    }
}

/// The batch path: diagnostics and, when there is no error, the files a
/// build writes.
fn cold(
    dir: &Path,
) -> (
    Vec<campaignc::diagnostics::Diagnostic>,
    Vec<(PathBuf, String)>,
) {
    let (diagnostics, files, _) = cold_with_references(dir);
    (diagnostics, files)
}

/// Every use and declaration of a model's reference table, in order.
type Table = (
    Vec<campaignc::check::model::Reference>,
    Vec<campaignc::check::model::Declaration>,
);

fn table_of(model: &campaignc::check::model::Model) -> Table {
    let references = model.references();
    (
        references.uses().to_vec(),
        references.declarations().cloned().collect(),
    )
}

/// [`cold`], and the reference table of the cold check.
fn cold_with_references(
    dir: &Path,
) -> (
    Vec<campaignc::diagnostics::Diagnostic>,
    Vec<(PathBuf, String)>,
    Table,
) {
    let checked = campaignc::compile_checked(dir).expect("loads");
    let diagnostics = checked.problems.into_sorted();
    let table = table_of(&checked.model);
    if diagnostics.iter().any(|d| d.is_error()) {
        return (diagnostics, Vec::new(), table);
    }
    let plans = lower_all(&checked.model, &checked.sources);
    let mut files = plan_files(&plans);
    files.extend(preview_files(
        &checked.model,
        &plans,
        &checked.sources,
        &diagnostics,
    ));
    (diagnostics, files, table)
}

/// `files` with a project-wide limit, so that coverage.md's pressure
/// section (a cache of its own in the workspace) is part of every
/// comparison.
fn with_pressure(mut files: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let schema = files.get_mut("schema.camp").expect("schema.camp");
    *schema = schema.replacen(
        "  timezone \"UTC\"\n",
        "  timezone \"UTC\"\n  pressure 2 per 1d\n",
        1,
    );
    assert!(schema.contains("pressure 2 per 1d"));
    files
}

/// coverage.md's text among `files`.
fn coverage_of<P: AsRef<Path>, S: AsRef<str>>(files: &[(P, S)]) -> String {
    files
        .iter()
        .find(|(p, _)| p.as_ref() == Path::new("coverage.md"))
        .map(|(_, t)| t.as_ref().to_string())
        .expect("coverage.md")
}

/// The pressure section reuses each persona's week in each campaign
/// while its key holds; an edit to one campaign's flow (its second send
/// moved out of the week) must show in the live build as in a cold one.
#[test]
fn the_pressure_section_follows_an_edit_to_one_campaign() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let mut files = with_pressure(starter());
    for n in 0..3 {
        files.insert(format!("extra/e{n}.camp"), extra(n));
    }
    write_project(&dir, &files);
    let mut workspace = Workspace::new(&dir);
    workspace.load_dir(&dir).expect("loads");
    let before = coverage_of(&workspace.output_files());
    assert_eq!(before, coverage_of(&cold(&dir).1));

    let onboarding = files["onboarding.camp"].replacen("wait 2d", "wait 8d", 1);
    assert_ne!(onboarding, files["onboarding.camp"]);
    files.insert("onboarding.camp".into(), onboarding.clone());
    write_project(&dir, &files);
    assert!(workspace.set_file("onboarding.camp", onboarding));
    let after = coverage_of(&workspace.output_files());
    assert_ne!(after, before, "the edit changes the persona's week");
    assert_eq!(after, coverage_of(&cold(&dir).1));
}

fn run_seed(seed: u64, steps: usize) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let mut project = Project {
        files: with_pressure(starter()),
        next_name: 0,
        broken: None,
    };
    let mut rng = Rng(seed);
    write_project(&dir, &project.files);
    let mut workspace = Workspace::new(&dir);
    workspace.load_dir(&dir).expect("loads");
    // Built into `out` after every step, as `watch` does (it reports what
    // changes under `out`: nothing here), and compared with a fresh build.
    let out = tmp.path().join("out");
    workspace.trust_outputs(true);
    let mut built = 0;
    for step in 0..steps {
        let (what, touched) = project.edit(&mut rng);
        for (path, text) in touched {
            match text {
                Some(text) => workspace.set_file(&path, text),
                None => workspace.remove_file(&path),
            };
        }
        write_project(&dir, &project.files);
        let (cold_diagnostics, cold_files, cold_table) = cold_with_references(&dir);
        let context = format!("seed {seed}, step {step}: {what}");
        assert_eq!(
            workspace.diagnostics(),
            cold_diagnostics.as_slice(),
            "{context}: diagnostics"
        );
        // What the language server reads: every use and declaration.
        assert!(
            table_of(workspace.model()) == cold_table,
            "{context}: reference table"
        );
        if cold_diagnostics.iter().any(|d| d.is_error()) {
            continue;
        }
        built += 1;
        let files = workspace.output_files();
        let names: Vec<&Path> = files.iter().map(|(p, _)| p.as_ref()).collect();
        let cold_names: Vec<&Path> = cold_files.iter().map(|(p, _)| p.as_path()).collect();
        assert_eq!(names, cold_names, "{context}: file list");
        for ((path, text), (_, cold_text)) in files.iter().zip(&cold_files) {
            assert!(
                **text == **cold_text,
                "{context}: {} differs from a cold build",
                path.display()
            );
        }
        workspace.build(&out, false);
        let fresh = tmp.path().join("fresh");
        let _ = std::fs::remove_dir_all(&fresh);
        let mut cold_workspace = Workspace::new(&dir);
        cold_workspace.load_dir(&dir).expect("loads");
        cold_workspace.build(&fresh, false);
        assert!(
            tree(&out) == tree(&fresh),
            "{context}: the output directory"
        );
    }
    assert!(built >= steps / 4, "seed {seed}: only {built} steps built");
}

#[test]
fn random_edits_give_what_a_cold_build_gives() {
    for seed in [0x5eed_0001, 0x5eed_0002, 0xdead_beef] {
        run_seed(seed, 40);
    }
}

/// The starter project with six extra campaigns, written under `tmp` and
/// loaded into a workspace; and its files.
fn starter_workspace(tmp: &Path) -> (Workspace, BTreeMap<String, String>) {
    let dir = tmp.join("project");
    let mut files = starter();
    for n in 0..6 {
        files.insert(format!("extra/e{n}.camp"), extra(n));
    }
    write_project(&dir, &files);
    let mut workspace = Workspace::new(&dir);
    workspace.load_dir(&dir).expect("loads");
    (workspace, files)
}

#[test]
fn an_edit_recomputes_only_what_it_changed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut workspace, files) = starter_workspace(tmp.path());
    workspace.output_files();
    let first = workspace.counters();
    assert_eq!(first.parses, files.len());
    assert_eq!(first.previews, 7, "every campaign rendered once");
    assert_eq!(first.lowerings, 7, "every campaign lowered once");

    // Nothing changed: nothing is computed.
    workspace.output_files();
    assert_eq!(workspace.counters(), first);
    assert!(!workspace.set_file("extra/e3.camp", extra(3)), "same text");
    workspace.output_files();
    assert_eq!(workspace.counters(), first);

    // One message text: one file parsed, one project checked, one
    // campaign rendered again. Two messages are checked again: the edited
    // one, and `nudge`, whose send in the same file moved (a message's
    // findings point at its sends).
    let edited = extra(3).replace("Hello 3", "Hello there 3");
    assert!(workspace.set_file("extra/e3.camp", edited));
    workspace.output_files();
    let after = workspace.counters();
    assert_eq!(after.parses, first.parses + 1);
    assert_eq!(after.checks, first.checks + 1);
    assert_eq!(after.message_checks, first.message_checks + 2);
    assert_eq!(
        after.message_resolves,
        first.message_resolves + 1,
        "only the message of e3 resolved again"
    );
    assert_eq!(
        after.campaign_resolves,
        first.campaign_resolves + 1,
        "only the campaign of e3 resolved again"
    );
    assert_eq!(after.previews, first.previews + 1);
    assert_eq!(
        after.lowerings,
        first.lowerings + 1,
        "only e3 lowered again"
    );

    // A new file sorted before the others renumbers them: only the new
    // file is parsed (the others' trees are given their new ids), only the
    // messages the new campaign sends are checked and only it is rendered:
    // the findings and the previews name places by path, not by number.
    assert!(workspace.set_file("extra/a_new.camp", extra(40)));
    workspace.output_files();
    let added = workspace.counters();
    assert_eq!(added.parses, after.parses + 1, "only the new file parsed");
    assert_eq!(added.previews, after.previews + 1);
    assert_eq!(
        added.message_checks,
        after.message_checks + 2,
        "the new message and `nudge`, which the new campaign also sends: \
         the renumbered ones keep their findings"
    );
    assert_eq!(
        added.lowerings,
        after.lowerings + 1,
        "the others' plans are reused: their texts and lines did not change"
    );
    assert_eq!(
        added.message_resolves,
        after.message_resolves + 1,
        "only the new message resolved: the others are kept, moved to \
         their files' new ids"
    );
    assert_eq!(
        added.campaign_resolves,
        after.campaign_resolves + 1,
        "only the new campaign resolved: the others are kept, given the new \
         ids of their files and of `nudge`, which the new message moved"
    );
    assert_outputs_as_cold(&mut workspace, &tmp.path().join("project"), &{
        let mut files = files.clone();
        files.insert(
            "extra/e3.camp".into(),
            extra(3).replace("Hello 3", "Hello there 3"),
        );
        files.insert("extra/a_new.camp".into(), extra(40));
        files
    });
    let after = workspace.counters();

    // Removing a file renumbers the files after it too: nothing is parsed.
    assert!(workspace.remove_file("extra/a_new.camp"));
    workspace.output_files();
    let removed = workspace.counters();
    assert_eq!(removed.parses, after.parses, "no file parsed again");
    assert_eq!(
        removed.campaign_resolves, after.campaign_resolves,
        "no campaign resolved again"
    );
    assert_eq!(
        removed.message_resolves, after.message_resolves,
        "no message resolved again"
    );
    assert!(workspace.set_file("extra/a_new.camp", extra(40)));
    workspace.output_files();
    let after = workspace.counters();

    // A persona every preview reads: every campaign rendered again, no
    // file but the personas parsed.
    let personas = files["personas.camp"].replace("\"Ada\"", "\"Adela\"");
    assert!(workspace.set_file("personas.camp", personas));
    workspace.output_files();
    let persona = workspace.counters();
    assert_eq!(persona.parses, after.parses + 1);
    assert_eq!(
        persona.previews,
        after.previews + 8,
        "the 7 and the new one"
    );
    assert_eq!(
        persona.lowerings, after.lowerings,
        "plans do not read personas"
    );
}

/// A campaign whose message reads a score that uses a segment, which is
/// also the campaign's audience.
const WARMTH: &str = r#"
/// Trial accounts.
segment warm_trials = plan == trial

/// Points for being on a trial.
score warmth {
  +10 if warm_trials
}

message warmth_note: push {
  locale en { title "Warmth {{customer.warmth}}"  body "Hi"  link "acme://new" }
  locale cs { title "Teplo {{customer.warmth}}"  body "Ahoj"  link "acme://new" }
}

campaign warmth_campaign {
  stage onboarding
  trigger event signed_up
  audience warm_trials
  locales en, cs

  flow {
    send warmth_note
  }
}
"#;

#[test]
fn an_audience_edit_renders_the_page_again_and_the_messages_only_when_they_read_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let (mut workspace, mut files) = starter_workspace(tmp.path());
    files.insert("warmth.camp".into(), WARMTH.into());
    assert!(workspace.set_file("warmth.camp", WARMTH));
    workspace.output_files();
    let page = |workspace: &mut Workspace, campaign: &str| -> String {
        let name = format!("previews/{campaign}.md");
        let outputs = workspace.output_files();
        let (_, text) = outputs
            .iter()
            .find(|(path, _)| path.to_str() == Some(name.as_str()))
            .expect("the campaign's page");
        text.to_string()
    };
    assert!(page(&mut workspace, "warmth_campaign").contains("Warmth 10"));

    // `new_trials`, the audience of the six extras and onboarding: their
    // pages show the new condition, their messages (which read no score)
    // are not rendered again.
    let before = workspace.counters();
    let segments = files["segments.camp"].replacen("now - 14d", "now - 21d", 1);
    files.insert("segments.camp".into(), segments.clone());
    assert!(workspace.set_file("segments.camp", segments));
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    let after = workspace.counters();
    assert_eq!(
        after.previews,
        before.previews + 7,
        "7 pages rendered again"
    );
    assert_eq!(
        after.message_renders, before.message_renders,
        "no message rendered again"
    );
    assert!(page(&mut workspace, "extra_2").contains("21"));

    // `warm_trials` is the audience of `warmth_campaign` and a rule of the
    // score its message reads: the message is rendered again, with the
    // new score.
    let before = workspace.counters();
    let warmth = WARMTH.replace("plan == trial", "plan == pro");
    files.insert("warmth.camp".into(), warmth.clone());
    assert!(workspace.set_file("warmth.camp", warmth));
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    let after = workspace.counters();
    assert_eq!(after.previews, before.previews + 1);
    assert_eq!(after.message_renders, before.message_renders + 1);
    assert!(page(&mut workspace, "warmth_campaign").contains("Warmth 0"));
}

/// A message resolved by an earlier check is reused only while what it
/// was resolved from holds: the default sender, in another file, is part
/// of it.
#[test]
fn a_kept_message_follows_the_default_sender() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let (mut workspace, mut files) = starter_workspace(tmp.path());
    workspace.output_files();
    let before = workspace.counters();
    let schema = files["schema.camp"].replace("hello@acme.example", "team@acme.example");
    assert!(workspace.set_file("schema.camp", schema.clone()));
    files.insert("schema.camp".into(), schema);
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    let after = workspace.counters();
    assert_eq!(
        after.message_resolves - before.message_resolves,
        workspace.model().messages.len(),
        "every message resolved again"
    );
    let plan = workspace
        .output_files()
        .iter()
        .find(|(path, _)| path.ends_with("onboarding.json"))
        .cloned()
        .expect("the onboarding plan");
    assert!(plan.1.contains("team@acme.example"), "{}", plan.1);
}

/// The workspace's outputs are those of a cold build of `files`, written
/// to the workspace's directory.
fn assert_outputs_as_cold(workspace: &mut Workspace, dir: &Path, files: &BTreeMap<String, String>) {
    write_project(dir, files);
    let (diagnostics, cold_files) = cold(dir);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let outputs = workspace.output_files();
    assert_eq!(outputs.len(), cold_files.len());
    for ((path, text), (cold_path, cold_text)) in outputs.iter().zip(&cold_files) {
        assert_eq!(**path, **cold_path);
        assert!(**text == **cold_text, "{} differs", path.display());
    }
}

/// `campaignc build`'s workspace (`set_one_shot`) gives its syntax trees
/// to the checker and keeps none: a second check parses every file again
/// and still gives what a cold build gives.
#[test]
fn a_one_shot_workspace_keeps_no_trees_and_gives_what_a_cold_build_gives() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut workspace, mut files) = starter_workspace(tmp.path());
    workspace.set_one_shot();
    let dir = tmp.path().join("project");
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    let first = workspace.counters();
    assert_eq!(first.parses, files.len());

    let edited = extra(3).replace("Hello 3", "Hello there 3");
    assert!(workspace.set_file("extra/e3.camp", edited.clone()));
    files.insert("extra/e3.camp".into(), edited);
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    assert_eq!(
        workspace.counters().parses,
        first.parses + files.len(),
        "no tree was kept: every file is parsed again"
    );
}

/// A one-shot workspace types segments one at a time and keeps only the
/// bodies a plan can carry (`resolve::restore_segment_bodies`): those
/// reached from a campaign through segments and scores, and those a
/// score read by a template uses. Its plans and previews are a cold
/// build's, byte for byte; a segment the walk missed would be lowered
/// as an empty `or`.
#[test]
fn a_one_shot_build_keeps_every_body_its_plans_reach_through_segments_and_scores() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let mut files = starter();
    files.insert(
        "reach.camp".into(),
        r#"
/// Reached only through the rule of a score.
segment deep = plan == pro
/// Reached through that score's other segment.
segment middle = deep or signed_up_at > now - 3d
score warmth {
  +10 if middle
}
/// The audience: uses the score.
segment warm = warmth >= 10 and plan != free
/// Reached only through a score a template reads.
segment templated = plan == trial
score shown {
  +5 if templated
}

message reach_msg: push {
  locale en { title "Hi {{customer.shown}}"  body "Body"  link "acme://new" }
  locale cs { title "Ahoj {{customer.shown}}"  body "Telo"  link "acme://new" }
}

campaign reach {
  stage onboarding
  trigger event signed_up
  audience warm
  locales en, cs

  flow {
    send reach_msg
  }
}
"#
        .into(),
    );
    write_project(&dir, &files);
    let mut workspace = Workspace::new(&dir);
    workspace.set_one_shot();
    workspace.load_dir(&dir).expect("loads");
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    let plan = workspace
        .output_files()
        .iter()
        .find(|(path, _)| path.ends_with("plans/reach.json"))
        .cloned()
        .expect("the plan of reach");
    for name in ["deep", "middle", "warm", "templated"] {
        assert!(
            plan.1.contains(&format!("\"{name}\"")),
            "{name} in the plan"
        );
    }
}

#[test]
fn a_plan_is_lowered_again_when_what_it_reads_changes_and_only_then() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut workspace, mut files) = starter_workspace(tmp.path());
    let dir = tmp.path().join("project");
    workspace.output_files();
    let plan_of_e2 = |outputs: &campaignc::driver::OutputFiles| -> String {
        let (_, text) = outputs
            .iter()
            .find(|(path, _)| path.ends_with("plans/extra_2.json"))
            .expect("the plan of extra_2");
        text.to_string()
    };
    let before = plan_of_e2(&workspace.output_files());
    let lowered = workspace.counters().lowerings;

    // A comment above the campaign: the same text, two lines lower. Its
    // plan says where it is, so it is lowered again; no other is.
    let moved = format!("// A note.\n// Another.\n{}", files["extra/e2.camp"]);
    files.insert("extra/e2.camp".into(), moved.clone());
    assert!(workspace.set_file("extra/e2.camp", moved));
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    assert_eq!(workspace.counters().lowerings, lowered + 1);
    let after = plan_of_e2(&workspace.output_files());
    assert_ne!(after, before, "the source lines moved");

    // A segment the extra campaigns and onboarding use, in another file:
    // each of them is lowered again, with the new condition.
    let lowered = workspace.counters().lowerings;
    let segments = files["segments.camp"].replacen("now - 14d", "now - 21d", 1);
    assert_ne!(segments, files["segments.camp"]);
    files.insert("segments.camp".into(), segments.clone());
    assert!(workspace.set_file("segments.camp", segments));
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    let users = files
        .values()
        .filter(|t| t.contains("audience new_trials"))
        .count();
    assert!(users >= 7, "the six extras and onboarding use it");
    assert!(workspace.counters().lowerings >= lowered + users);
    assert!(plan_of_e2(&workspace.output_files()).contains("21"));

    // A campaign's file renamed: its plan names the file it is in.
    let lowered = workspace.counters().lowerings;
    let text = files.remove("extra/e5.camp").expect("e5");
    files.insert("extra/z5.camp".into(), text.clone());
    assert!(workspace.remove_file("extra/e5.camp"));
    assert!(workspace.set_file("extra/z5.camp", text));
    assert_outputs_as_cold(&mut workspace, &dir, &files);
    assert_eq!(workspace.counters().lowerings, lowered + 1);
}

/// The report of a workspace build that must have built.
fn built(outcome: campaignc::driver::BuildOutcome) -> campaignc::plan::write::WriteReport {
    match outcome.status {
        BuildStatus::Built { written, .. } => written,
        other => panic!("not built: {other:?}"),
    }
}

#[test]
fn a_workspace_that_builds_again_sees_what_others_did_to_its_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut workspace, files) = starter_workspace(tmp.path());
    let out = tmp.path().join("out");
    let first = built(workspace.build(&out, false));
    assert!(first.written.len() > 10);

    // Nothing changed: nothing written.
    let again = built(workspace.build(&out, false));
    assert!(again.written.is_empty(), "{:?}", again.written);

    // An output edited by hand is the build's: written again, and said.
    let plan = out.join("plans").join("extra_1.json");
    std::fs::write(&plan, "{}").expect("edit an output");
    let repaired = built(workspace.build(&out, false));
    assert_eq!(repaired.written, vec![plan.clone()]);
    assert_eq!(repaired.overwritten_edits, vec![plan.clone()]);

    // The manifest deleted by hand: the workspace does not go by the one
    // it remembers, so it removes nothing a deleted campaign left.
    std::fs::remove_file(out.join(".campaignc").join("manifest.json")).expect("rm");
    assert!(workspace.remove_file("extra/e2.camp"));
    let without = built(workspace.build(&out, false));
    assert!(without.removed.is_empty(), "{:?}", without.removed);
    assert!(out.join("plans").join("extra_2.json").exists());

    // Another build into the same directory (the command line) replaced
    // the manifest: the workspace reads that one, which lists e3's plan.
    let dir = tmp.path().join("project");
    write_project(&dir, &files);
    let cli = build(&dir, &[".", "--out", out.to_str().expect("utf-8")]);
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(workspace.remove_file("extra/e3.camp"));
    let after = built(workspace.build(&out, false));
    assert!(
        after
            .removed
            .contains(&out.join("plans").join("extra_3.json")),
        "{:?}",
        after.removed
    );
}

#[test]
fn the_previews_render_the_templates_the_check_parsed_and_old_ones_are_dropped() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (mut workspace, _) = starter_workspace(tmp.path());
    workspace.diagnostics();
    let checked = workspace.counters();
    assert!(
        checked.template_parses > 0,
        "the check parses the templates"
    );
    workspace.output_files();
    assert_eq!(
        workspace.counters().template_parses,
        checked.template_parses,
        "rendering the previews parses no template again"
    );

    // Every edit of a message text parses one new template; the old ones
    // do not pile up.
    let edits = 3 * checked.templates_cached + 100;
    for i in 0..edits {
        let edited = extra(3).replace("Hello 3", &format!("Hello {i} 3"));
        assert!(workspace.set_file("extra/e3.camp", edited));
        workspace.diagnostics();
    }
    let after = workspace.counters();
    assert_eq!(after.template_parses, checked.template_parses + edits);
    assert!(
        after.templates_cached <= 2 * checked.templates_cached + 64,
        "{} templates kept for a project of {}",
        after.templates_cached,
        checked.templates_cached
    );
}

/// Every byte a build writes, by relative path.
/// Every file under `dir` with its bytes, but `.campaignc/stat`: the
/// build's record of its files' inodes and times, which is local to the
/// machine and the moment (docs/cli.md), not an output.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walkable");
        let relative = entry.path().strip_prefix(dir).expect("under dir");
        if entry.file_type().is_file() && relative != Path::new(".campaignc/stat") {
            out.insert(
                relative.to_string_lossy().replace('\\', "/"),
                std::fs::read(entry.path()).expect("read"),
            );
        }
    }
    out
}

#[test]
fn a_build_is_byte_identical_on_one_thread_and_on_two() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let mut files = starter();
    for n in 0..12 {
        files.insert(format!("extra/e{n}.camp"), extra(n));
    }
    write_project(&dir, &files);
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_campaignc"))
            .args(["build", "project", "--out"])
            .arg(&out)
            .current_dir(tmp.path())
            .env("RAYON_NUM_THREADS", threads)
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        outputs.push(tree(&out));
    }
    assert!(outputs[0].len() > 20, "{:?}", outputs[0].keys());
    assert!(outputs[0] == outputs[1], "one thread and two differ");
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).expect("exists").ino()
}

fn build(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_campaignc"))
        .arg("build")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs")
}

/// A build with nothing changed leaves every output as it is (the same
/// files, not rewritten); any change to an input, a flag or an output on
/// disk makes it build again.
#[cfg(unix)]
#[test]
fn a_build_with_nothing_changed_does_nothing_and_never_trusts_a_stale_stamp() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    write_project(&dir, &starter());
    let args = ["project", "--out", "out"];
    let plan = tmp.path().join("out/plans/onboarding.json");
    let page = tmp.path().join("out/previews/onboarding.md");
    assert_eq!(build(tmp.path(), &args).status.code(), Some(0));
    let (plan_inode, page_text) = (inode(&plan), std::fs::read(&page).expect("page"));
    let again = build(tmp.path(), &args);
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("built 1 plan"));
    assert_eq!(inode(&plan), plan_inode, "not rewritten");

    // An output edited by hand is put back.
    std::fs::write(&page, "tampered").expect("tamper");
    assert_eq!(build(tmp.path(), &args).status.code(), Some(0));
    assert_eq!(std::fs::read(&page).expect("page"), page_text);
    // An output removed is put back.
    std::fs::remove_file(&plan).expect("remove");
    assert_eq!(build(tmp.path(), &args).status.code(), Some(0));
    assert!(plan.exists());

    // An input changed is built.
    let file = dir.join("onboarding.camp");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("wait 2d", "wait 3d")).expect("edit");
    assert_eq!(build(tmp.path(), &args).status.code(), Some(0));
    let plan_text = std::fs::read_to_string(&plan).expect("plan");
    assert!(plan_text.contains("3d"), "{plan_text}");

    // Another flag is another build: a warning now fails under --deny.
    let segments = dir.join("segments.camp");
    let mut text = std::fs::read_to_string(&segments).expect("read");
    text.push_str("\nsegment unused_one = plan == trial\n");
    std::fs::write(&segments, text).expect("edit");
    assert_eq!(build(tmp.path(), &args).status.code(), Some(0));
    let denied = build(
        tmp.path(),
        &["project", "--out", "out", "--deny", "warnings"],
    );
    assert_eq!(denied.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&denied.stderr).contains("unused_one"));
}

/// Segments reach the typer a batch at a time (the next batch parsed
/// again while one is typed, in a lean check). Over several batches, the
/// lean check of `campaignc check` finds what a full check finds, in the
/// same order: errors in the first, a middle and the last batch, a
/// reference to a segment of an earlier batch, every unused warning.
#[test]
fn segments_over_many_batches_are_checked_the_same_lean_and_full() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("project");
    let mut files = starter();
    let mut many = String::new();
    for i in 0..1_500 {
        // Errors whose messages name their segment, so that a body typed
        // as another segment's shows; and a cycle across batches.
        let body = match i {
            7 | 800 => "signed_up_at".to_string(),
            1_400 => "nope and plan == pro".to_string(),
            3 => "g1450 and plan == pro".to_string(),
            1_450 => "g3 or g1449".to_string(),
            _ => format!("plan == pro and signed_up_at > now - {}d", i + 1),
        };
        many.push_str(&format!("segment g{i} = {body}\n"));
    }
    files.insert("many.camp".into(), many);
    write_project(&dir, &files);
    let full = campaignc::compile(&dir).expect("loads");
    let diags = full.problems.into_sorted();
    let lean = campaignc::compile_diagnostics(&dir).expect("loads");
    let lean = lean.problems.into_sorted();
    assert!(lean == diags, "the lean check finds other diagnostics");
    let line = |d: &campaignc::diagnostics::Diagnostic| full.sources.line_col(d.span).0;
    let errors: Vec<usize> = diags
        .iter()
        .filter(|d| d.severity == campaignc::diagnostics::Severity::Error)
        .map(line)
        .collect();
    assert_eq!(errors, [8, 801, 1401, 1451], "{diags:#?}");
    for named in ["`g7`", "`g800`", "g1450 -> g3 -> g1450"] {
        assert!(
            diags.iter().any(|d| d.message.contains(named)),
            "no error says {named}: {diags:#?}"
        );
    }
    let unused = diags.iter().filter(|d| d.code == "W0705").count();
    assert!(unused >= 1_490, "{unused} unused warnings");
}
