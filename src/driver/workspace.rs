//! [`Workspace`]: the compiler's state in memory, fed with file texts and
//! asked for diagnostics and outputs. Every derived item is memoised under
//! a key made of stable identities (relative paths, campaign names) and a
//! digest of what the item is made from; asking again after an edit
//! recomputes only the items whose digest changed.
//!
//! | item | keyed by | made from | recomputed when |
//! |---|---|---|---|
//! | syntax tree + parse diagnostics | relative path | the file's text | the text changes (a file added or removed before it in path order renumbers it: its tree and diagnostics are given the new [`FileId`], not parsed again) |
//! | sources, model, diagnostics | the project | every file's text digest | any file's text changes, a file is added or removed |
//! | plan (and its JSON) | campaign name | what lowering reads ([`crate::plan::lower::inputs_digest`]): the campaign's text, file and first line, the texts of the messages it sends and of the segments and scores it uses, the defaults, stages and schema | one of these differs |
//! | the digest of a declaration's text that lowering reads | its file's text digest and its place in it | never while that file text is in the project |
//! | preview files of a campaign, its section of the index page | campaign name | the plan's JSON, the preview context (defaults, stages, schema, personas), the diagnostics that concern the campaign | one of these digests differs |
//! | a campaign's rendered messages (what its page and email files are made from) | campaign name | the preview context and [`crate::preview::messages_key`] (the plan without its audience, and without its segments when no score or `set` step reads them) | one of these digests differs |
//! | index page, coverage, assets, plan schema | the project | every plan's index section, every plan | every build (cheap); a text equal to the last build's keeps its shared `Arc<str>`, whose digest the write memo knows |
//! | the last build's manifest, stat cache and output digests ([`crate::plan::write::WriteMemo`]) | the output directory | what the last build wrote | the manifest or stat file on disk has other metadata (another build, a hand edit), or an output's text changed; a trusting memo (under `watch`) also a reported change under the output directory |
//! | coverage's pressure section: one persona's week in one campaign | persona and campaign name | the campaign's preview key, the persona's inputs (every campaign's trigger) | one of these digests differs |
//!
//! Early cut-off: a campaign whose plan JSON comes out byte-identical after
//! an edit elsewhere keeps its rendered previews, so an edit re-renders
//! only the campaigns it really changed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::digest::{self, Digest, Hasher};
use super::progress::Progress;
use crate::check::model::Model;
use crate::check::MessageMemo;
use crate::diagnostics::{Diagnostic, Problems};
use crate::plan::format::Plan;
use crate::plan::schema::{plan_json_schema, to_json};
use crate::plan::write::{plan_path, schema_path, WriteMemo};
use crate::preview;
use crate::preview::coverage::WeekCache;
use crate::project::{self, LoadError, Loaded};
use crate::source::{FileId, LineIndex, SourceFile, SourceMap};
use crate::syntax::{self, ast::SourceFileAst};
use crate::template::Renderer;

/// One input file.
#[derive(Clone, Debug)]
struct Input {
    /// Shared with the source maps of checks (no copy per check).
    text: Arc<str>,
    digest: Digest,
    /// The text's line index, made once per text, not once per check.
    lines: LineIndex,
}

/// The memoised parse of one file.
struct Parsed {
    /// The text it was parsed from.
    digest: Digest,
    /// The id its spans carry; a renumbered file is parsed again.
    file: FileId,
    /// The tree, with what syntax errors made unreadable left out (see
    /// [`syntax::parse_file_recovering`]); `None` only while the checker
    /// borrows it.
    ast: Option<SourceFileAst>,
    /// The syntax errors.
    errors: Vec<Diagnostic>,
    /// Invisible-character warnings.
    warnings: Vec<Diagnostic>,
}

impl Parsed {
    /// The parse of the same text as file `file`: every span of the tree
    /// and of the diagnostics given the new id.
    fn refile(&mut self, file: FileId) {
        let old = std::mem::replace(&mut self.file, file);
        if let Some(ast) = &mut self.ast {
            ast.refile(file);
        }
        for d in self.errors.iter_mut().chain(&mut self.warnings) {
            d.map_spans(&mut syntax::spans::refiled(old, file));
        }
    }
}

/// The memoised check of the whole project.
struct Checked {
    /// Digest of every (path, text digest) and the loader's warnings.
    key: Digest,
    sources: SourceMap,
    model: Model,
    /// Sorted, as every command prints them.
    diagnostics: Vec<Diagnostic>,
    /// The plans of this model, once lowered (only for a model without
    /// errors).
    plans: Option<Lowered>,
    /// Every output file of this model, once made.
    outputs: Option<OutputFiles>,
}

/// The plans of a model, their JSON texts and the digests of those
/// (`json[i]` is `plans[i]`'s).
struct Lowered {
    plans: Vec<Plan>,
    json: Vec<Arc<str>>,
    digests: Vec<Digest>,
    /// What each plan was lowered from ([`crate::plan::lower::inputs_digest`]).
    inputs: Vec<Digest>,
}

/// The memoised preview files of one campaign.
struct Rendered {
    key: Digest,
    /// The campaign's preview files, shared with every [`OutputFiles`]
    /// that includes them (a build's outputs are not copied).
    files: Vec<(Arc<Path>, Arc<str>)>,
    /// The campaign's section of the index page.
    index_section: String,
    /// Its rendered messages, under the digest of the preview context and
    /// [`preview::messages_key`]: an edit of the campaign's audience
    /// renders its page again, not its messages. A one-shot workspace
    /// (see [`Workspace::set_one_shot`]) keeps none.
    messages: Option<(Digest, Arc<preview::RenderedMessages>)>,
}

/// How many items were computed (not reused) since the workspace was
/// made, for tests and benchmarks to see what an edit cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Files parsed.
    pub parses: usize,
    /// Whole-project checks.
    pub checks: usize,
    /// Messages whose checks ran (the others reused their findings).
    pub message_checks: usize,
    /// Messages resolved from their declarations (the others, declared
    /// where they were in a file of the same text, were taken from the
    /// check before).
    pub message_resolves: usize,
    /// Campaigns resolved from their declarations (the others were taken
    /// from the check before: see `check::resolve::campaigns`).
    pub campaign_resolves: usize,
    /// Campaigns lowered to plans (the others reused the plan lowered
    /// from the same inputs by an earlier check).
    pub lowerings: usize,
    /// Campaign previews rendered.
    pub previews: usize,
    /// Campaign previews whose messages were rendered (the others reused
    /// the messages of an earlier preview: an edit of a campaign's
    /// audience renders its page again, not its messages).
    pub message_renders: usize,
    /// Templates parsed, by the check and by rendering (each is parsed
    /// once: the previews render the templates the check parsed).
    pub template_parses: usize,
    /// Parsed templates kept for the next check and render.
    pub templates_cached: usize,
}

/// The files of one build, relative to the output directory, in the order
/// a cold build produces them: plans, the schema, then the previews.
/// Shared: the workspace keeps the list it hands out, and a copy of
/// 15,000 paths on every call cost milliseconds of each edit.
pub type OutputFiles = Arc<[(Arc<Path>, Arc<str>)]>;

/// One checked state of a [`Workspace`]: see [`Workspace::snapshot`].
#[derive(Clone, Copy, Debug)]
pub struct Snapshot<'a> {
    pub model: &'a Model,
    pub sources: &'a SourceMap,
    pub diagnostics: &'a [Diagnostic],
}

/// The in-memory compiler state an editor, `watch` and `build` sit on.
/// Inputs are file texts under relative paths (with `/` separators);
/// everything else is derived on demand and memoised.
pub struct Workspace {
    /// The project directory as given (cleaned): diagnostics show
    /// `root/relative` as the file's path on disk.
    root: PathBuf,
    inputs: BTreeMap<String, Input>,
    /// The loader's warnings (dangling `.camp` links).
    load_warnings: Vec<Diagnostic>,
    parsed: HashMap<String, Parsed>,
    checked: Option<Checked>,
    /// The check an edit made stale, not yet freed.
    stale: Option<Checked>,
    /// The plans of an earlier check, each reused by the next lowering
    /// when what it is made from has the same digest.
    lowered: Option<Lowered>,
    /// The digests of declaration texts that lowering read, kept while
    /// their file is unchanged.
    texts: TextDigests,
    rendered: HashMap<String, Rendered>,
    /// The coverage page's pressure runs, by persona and campaign.
    pressure: WeekCache,
    /// The project-wide output files of the last build (index, coverage,
    /// assets, plan schema): a text that comes out the same again is
    /// shared, so that the write memo knows its digest.
    project_outputs: HashMap<Arc<Path>, Arc<str>>,
    renderer: Renderer,
    /// The findings of each message's check, reused across checks.
    message_memo: MessageMemo,
    counters: Counters,
    /// Told how parsing, checking and rendering advance, when set.
    progress: Option<Arc<dyn Progress>>,
    /// Whether the syntax trees are kept for the next check (the default);
    /// see [`Workspace::set_one_shot`].
    keep_trees: bool,
    /// What the last build wrote (its manifest, its stat cache, the
    /// digests of its files), for the next build into the same directory.
    pub(super) write_memo: WriteMemo,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("root", &self.root)
            .field("files", &self.inputs.len())
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}

impl Workspace {
    /// An empty workspace for a project in `root` (used for the paths that
    /// diagnostics show; nothing is read).
    pub fn new(root: &Path) -> Workspace {
        Workspace {
            root: project::clean(root),
            inputs: BTreeMap::new(),
            load_warnings: Vec::new(),
            parsed: HashMap::new(),
            checked: None,
            stale: None,
            lowered: None,
            texts: TextDigests::default(),
            rendered: HashMap::new(),
            pressure: WeekCache::default(),
            project_outputs: HashMap::new(),
            renderer: Renderer::new(),
            message_memo: MessageMemo::new(),
            counters: Counters::default(),
            progress: None,
            keep_trees: true,
            write_memo: WriteMemo::default(),
        }
    }

    /// For a workspace that checks its project once (`campaignc build`),
    /// with less memory: the texts of the files move into the check (and
    /// back when it is forgotten), the syntax trees are handed to the
    /// checker and dropped, segments keep only the bodies plans carry, and
    /// [`Workspace::build`] gives the check's diagnostics to its outcome.
    /// Every answer is the same as a workspace that keeps its trees gives.
    pub fn set_one_shot(&mut self) {
        self.keep_trees = false;
    }

    /// Reports the progress of the work this workspace does from now on
    /// to `progress` (`None`: to nobody).
    pub fn set_progress(&mut self, progress: Option<Arc<dyn Progress>>) {
        self.progress = progress;
    }

    fn phase(&self, name: &'static str, total: usize) {
        if let Some(progress) = &self.progress {
            progress.phase(name, total);
        }
    }

    fn step(&self) {
        if let Some(progress) = &self.progress {
            progress.step();
        }
    }

    /// Reads the project in `dir` (through [`project::load_project`]) and
    /// makes the workspace's files exactly those: new and changed texts
    /// are set, files no longer there removed. Unchanged files keep their
    /// memoised results. On an error the workspace is left as it was.
    /// Returns the paths added, changed or removed, sorted.
    pub fn load_dir(&mut self, dir: &Path) -> Result<Vec<String>, LoadError> {
        let loaded = project::load_project(dir)?;
        let root = project::clean(dir);
        if root != self.root {
            // Every shown path changes: nothing memoised is reusable.
            *self = Workspace::new(&root);
        }
        let mut changed = Vec::new();
        let warnings = loaded.warnings();
        if warnings != self.load_warnings {
            self.load_warnings = warnings;
            self.forget_check();
            changed.extend(
                loaded
                    .dangling
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned()),
            );
        }
        let mut seen = Vec::with_capacity(loaded.sources.files().len());
        for file in loaded.sources.files() {
            seen.push(file.path.clone());
        }
        let gone: Vec<String> = self
            .inputs
            .keys()
            .filter(|path| seen.binary_search(path).is_err())
            .cloned()
            .collect();
        for path in gone {
            self.remove_file(&path);
            changed.push(path);
        }
        let Loaded { sources, .. } = loaded;
        for file in sources.into_files() {
            if self.set_file(&file.path, file.text) {
                changed.push(file.path);
            }
        }
        changed.sort();
        changed.dedup();
        Ok(changed)
    }

    /// Sets the text of the file at `path` (relative, `/` separators),
    /// adding it when new. Returns whether anything changed.
    pub fn set_file(&mut self, path: &str, text: impl Into<Arc<str>>) -> bool {
        let text: Arc<str> = text.into();
        let digest = digest::of(text.as_bytes());
        if self.inputs.get(path).is_some_and(|i| i.digest == digest) {
            return false;
        }
        let lines = LineIndex::new(&text);
        self.inputs.insert(
            path.to_string(),
            Input {
                text,
                digest,
                lines,
            },
        );
        self.forget_check();
        true
    }

    /// Removes the file at `path`. Returns whether it was there.
    pub fn remove_file(&mut self, path: &str) -> bool {
        if self.inputs.remove(path).is_none() {
            return false;
        }
        self.parsed.remove(path);
        self.forget_check();
        true
    }

    /// Sets aside the check of the previous inputs. Freeing the model of
    /// a large project takes milliseconds, which an edit should not wait
    /// for: it is kept until [`Workspace::release_stale`] (a front end
    /// calls it when idle) or the next edit.
    fn forget_check(&mut self) {
        if !self.keep_trees {
            // A one-shot check holds the texts (see `give_sources`).
            if let Some(old) = self.checked.take() {
                self.take_back_texts(old.sources.into_files());
            }
        }
        if let Some(mut old) = self.checked.take() {
            if let Some(plans) = old.plans.take() {
                self.lowered = Some(plans);
            }
            self.stale = Some(old);
        }
    }

    /// Frees what the last edit made stale (the previous check), when
    /// nothing is waiting for an answer.
    pub fn release_stale(&mut self) {
        self.stale = None;
    }

    /// The text of the file at `path`, if the workspace has it.
    pub fn file(&self, path: &str) -> Option<&str> {
        let input = self.inputs.get(path)?;
        if input.text.is_empty() {
            // A one-shot check may hold it (see `give_sources`).
            let checked = self.checked.as_ref().or(self.stale.as_ref());
            let held = checked.and_then(|c| c.sources.files().iter().find(|f| f.path == path));
            if let Some(file) = held {
                return Some(file.text.as_ref());
            }
        }
        Some(input.text.as_ref())
    }

    /// The relative paths of every file, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.inputs.keys().map(String::as_str)
    }

    /// The project directory the shown paths start with.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What has been computed so far.
    pub fn counters(&self) -> Counters {
        Counters {
            template_parses: self.renderer.parsed_templates(),
            templates_cached: self.renderer.cached_templates(),
            ..self.counters
        }
    }

    /// Every diagnostic of the project, sorted by file and position.
    pub fn diagnostics(&mut self) -> &[Diagnostic] {
        &self.checked().diagnostics
    }

    /// The project's files as the diagnostics point into them.
    pub fn sources(&mut self) -> &SourceMap {
        &self.checked().sources
    }

    /// The sources and the diagnostics, for the report of a command. A
    /// one-shot workspace (see [`Workspace::set_one_shot`]) gives up its
    /// check for them instead of copying them (the diagnostics of a large
    /// project are as large as its model).
    pub(super) fn report(&mut self) -> (SourceMap, Vec<Diagnostic>) {
        if !self.keep_trees {
            if let Some(mut checked) = self.checked.take() {
                let sources = std::mem::take(&mut checked.sources);
                let diagnostics = std::mem::take(&mut checked.diagnostics);
                // The model, plans and outputs are freed with the
                // workspace, not here (`build_project` drops it on a
                // thread of its own); the inputs get copies of the texts
                // back for a next check.
                self.stale = Some(checked);
                self.take_back_texts(sources.files().iter().cloned());
                return (sources, diagnostics);
            }
        }
        let checked = self.checked();
        (checked.sources.clone(), checked.diagnostics.clone())
    }

    /// The checked model (built even when there are errors).
    pub fn model(&mut self) -> &Model {
        &self.checked().model
    }

    /// Whether the check of the current inputs is done (asking for the
    /// diagnostics or the model costs nothing then).
    pub fn is_checked(&self) -> bool {
        let key = self.input_digest();
        self.checked.as_ref().is_some_and(|c| c.key == key)
    }

    /// The checked project at once: the model, the sources its spans
    /// point into and the sorted diagnostics, for a front end (the
    /// language server) that reads all three for one answer.
    pub fn snapshot(&mut self) -> Snapshot<'_> {
        let checked = self.checked();
        Snapshot {
            model: &checked.model,
            sources: &checked.sources,
            diagnostics: &checked.diagnostics,
        }
    }

    /// The digest of every input: the root, the relative paths, the texts
    /// and the loader's warnings. Equal digests mean equal diagnostics and
    /// outputs.
    pub fn input_digest(&self) -> Digest {
        let mut hasher = Hasher::new();
        hasher
            .text(&self.root.to_string_lossy())
            .part(&self.content_digest());
        hasher.finish()
    }

    /// [`Workspace::input_digest`] without the root. The output files
    /// (plans and previews show paths relative to the root) are the same
    /// for equal content digests; only diagnostics also show the root.
    pub fn content_digest(&self) -> Digest {
        let mut hasher = Hasher::new();
        for (path, input) in &self.inputs {
            hasher.text(path).part(&input.digest);
        }
        for warning in &self.load_warnings {
            hasher.text(&format!("{warning:?}"));
        }
        hasher.finish()
    }

    fn checked(&mut self) -> &Checked {
        let key = self.input_digest();
        if self.checked.as_ref().is_none_or(|c| c.key != key) {
            let checked = self.check(key);
            self.checked = Some(checked);
        }
        match &self.checked {
            Some(checked) => checked,
            None => unreachable!("set just above"),
        }
    }

    /// The source map of the current inputs, without checking them.
    pub fn sources_unchecked(&self) -> SourceMap {
        let mut sources = SourceMap::new();
        for (path, input) in &self.inputs {
            sources.add_indexed(
                path.clone(),
                &self.disk_path(path),
                input.text.clone(),
                input.lines.clone(),
            );
        }
        sources
    }

    /// The source map of the current inputs, made of their texts instead
    /// of copies: a one-shot workspace's check holds the only copy of the
    /// project (its inputs keep their digests) until an edit or a report
    /// gives the texts back.
    fn give_sources(&mut self) -> SourceMap {
        let mut sources = SourceMap::new();
        let paths: Vec<String> = self.inputs.keys().cloned().collect();
        for path in paths {
            let disk_path = self.disk_path(&path);
            let Some(input) = self.inputs.get_mut(&path) else {
                continue;
            };
            let text = std::mem::take(&mut input.text);
            let lines = std::mem::take(&mut input.lines);
            sources.add_indexed(path, &disk_path, text, lines);
        }
        sources
    }

    /// Puts the texts a one-shot check was given ([`Workspace::give_sources`])
    /// back into the inputs that still have their digests.
    fn take_back_texts(&mut self, files: impl IntoIterator<Item = SourceFile>) {
        for file in files {
            if let Some(input) = self.inputs.get_mut(&file.path) {
                if input.text.is_empty() && digest::of(file.text.as_bytes()) == input.digest {
                    input.text = file.text;
                    input.lines = file.lines;
                }
            }
        }
    }

    /// Builds the source map, parses the files whose text or id changed
    /// (in parallel), and checks the project from the memoised trees.
    fn check(&mut self, key: Digest) -> Checked {
        let sources = if self.keep_trees {
            self.sources_unchecked()
        } else {
            self.give_sources()
        };
        // A file renumbered by a file added or removed before it keeps its
        // tree, given the new id; only new and changed texts are parsed.
        let mut stale: Vec<&crate::source::SourceFile> = Vec::new();
        for file in sources.files() {
            let digest = self.inputs[&file.path].digest;
            match self.parsed.get_mut(&file.path) {
                Some(p) if p.digest == digest => {
                    if p.file != file.id {
                        p.refile(file.id);
                    }
                }
                _ => stale.push(file),
            }
        }
        self.phase("parsing", stale.len());
        let fresh: Vec<(String, Parsed)> = stale
            .par_iter()
            .map(|file| {
                // A one-shot check parses the segments' bodies again when
                // it types them (see `check::check_reusing_lean`).
                let (ast, errors) = if self.keep_trees {
                    syntax::parse_file_recovering(file)
                } else {
                    syntax::parse_file_lean(file)
                };
                self.step();
                let parsed = Parsed {
                    digest: self.inputs[&file.path].digest,
                    file: file.id,
                    ast: Some(ast),
                    errors,
                    warnings: syntax::invisible::check(file),
                };
                (file.path.clone(), parsed)
            })
            .collect();
        self.counters.parses += fresh.len();
        self.parsed.extend(fresh);

        // The same order of reports as a cold compile: the loader, then
        // each file in path order, then the checker.
        let mut problems = Problems::new();
        problems.extend(self.load_warnings.iter().cloned());
        let mut trees = Vec::with_capacity(sources.files().len());
        for file in sources.files() {
            let Some(parsed) = self.parsed.get_mut(&file.path) else {
                continue;
            };
            // In the order of `syntax::parse_project`: warnings, then errors.
            problems.extend(parsed.warnings.iter().cloned());
            problems.extend(parsed.errors.iter().cloned());
            // The trees are moved out for the checker and put back after.
            if let Some(tree) = parsed.ast.take() {
                trees.push((file.path.clone(), tree));
            }
        }
        let (paths, mut files): (Vec<String>, Vec<SourceFileAst>) = trees.into_iter().unzip();
        // The sources are the inputs in path order: file ids follow it.
        self.message_memo.set_files(
            self.inputs
                .iter()
                .map(|(p, i)| (p.clone(), i.digest))
                .collect(),
        );
        self.phase("checking", 1);
        let model = if self.keep_trees {
            crate::check::check_reusing(
                &files,
                &mut problems,
                &mut self.message_memo,
                &self.renderer,
            )
        } else {
            // The trees are not kept: the next check parses again.
            for path in &paths {
                self.parsed.remove(path);
            }
            crate::check::check_reusing_lean(
                std::mem::take(&mut files),
                &sources,
                &mut problems,
                &mut self.message_memo,
                &self.renderer,
            )
        };
        // The renderer keeps the templates the check parsed, for the
        // previews; those of earlier versions of the messages are dropped
        // once they are as many as the project's own.
        let fields = || model.messages.iter().flat_map(|m| m.template_fields());
        if self.renderer.cached_templates() > 2 * fields().count() + 64 {
            let live: std::collections::HashSet<&str> =
                fields().map(|(_, f)| f.source.as_str()).collect();
            self.renderer
                .retain_templates(|source| live.contains(source));
        }
        self.step();
        self.counters.message_checks += self.message_memo.last_counts().1;
        if self.keep_trees {
            self.counters.message_resolves += self.message_memo.last_resolutions();
            self.counters.campaign_resolves += self.message_memo.last_campaign_resolutions();
        }
        for (path, tree) in paths.into_iter().zip(files) {
            if let Some(parsed) = self.parsed.get_mut(&path) {
                parsed.ast = Some(tree);
            }
        }
        self.counters.checks += 1;
        Checked {
            key,
            sources,
            model,
            diagnostics: problems.into_sorted(),
            plans: None,
            outputs: None,
        }
    }

    /// The path on disk shown for a relative path, as the loader shows it.
    fn disk_path(&self, relative: &str) -> PathBuf {
        if self.root == Path::new(".") {
            PathBuf::from(relative)
        } else {
            self.root.join(relative)
        }
    }

    /// Every output file of a build: the plans (one per campaign), the
    /// plan schema, the previews, the index and the coverage page, in the
    /// order of a cold build. Only campaigns whose plan, preview context or
    /// diagnostics changed since the last call are rendered again.
    ///
    /// The caller decides whether the diagnostics allow a build: this
    /// lowers whatever the model is, and must only be called for a model
    /// without errors.
    pub fn output_files(&mut self) -> OutputFiles {
        self.checked();
        let Some(checked) = self.checked.as_mut() else {
            return Arc::from([]);
        };
        if let Some(files) = &checked.outputs {
            return files.clone();
        }
        if checked.plans.is_none() {
            if let Some(progress) = &self.progress {
                progress.phase("planning", 1);
            }
            let files: Vec<Option<Digest>> = checked
                .sources
                .files()
                .iter()
                .map(|f| self.inputs.get(&f.path).map(|i| i.digest))
                .collect();
            let (lowered, count) = lower_reusing(
                &checked.model,
                &checked.sources,
                self.lowered.take(),
                &mut self.texts,
                &files,
            );
            checked.plans = Some(lowered);
            if let Some(progress) = &self.progress {
                progress.step();
            }
            self.counters.lowerings += count;
        }
        let Checked {
            sources,
            model,
            diagnostics,
            plans,
            ..
        } = &*checked;
        let Some(Lowered {
            plans,
            json,
            digests: json_digests,
            ..
        }) = plans
        else {
            return Arc::from([]);
        };
        let context = preview_context(model, sources);

        let keys: Vec<Digest> = plans
            .par_iter()
            .zip(json_digests)
            .map(|(plan, json)| preview_key(model, sources, diagnostics, &context, plan, json))
            .collect();
        let renderer = &self.renderer;
        let keep = self.keep_trees;
        // Each stale campaign's place, its previews, and whether its
        // messages were reused.
        let stale: Vec<(usize, Rendered, bool)> = {
            let rendered = &self.rendered;
            let todo: Vec<usize> = (0..plans.len())
                .filter(|&i| {
                    rendered
                        .get(&plans[i].campaign)
                        .is_none_or(|r| r.key != keys[i])
                })
                .collect();
            let progress = self.progress.as_deref();
            if let Some(progress) = progress {
                progress.phase("rendering", todo.len());
            }
            todo.into_par_iter()
                .map(|i| {
                    let plan = &plans[i];
                    let previous = rendered
                        .get(&plan.campaign)
                        .and_then(|r| r.messages.as_ref());
                    // The key is needed to keep the messages or to reuse
                    // kept ones; a one-shot build does neither.
                    let key = (keep || previous.is_some()).then(|| {
                        Hasher::new()
                            .part(&context)
                            .part(&preview::messages_key(plan))
                            .finish()
                    });
                    let kept = previous
                        .filter(|(was, _)| Some(*was) == key)
                        .map(|(_, messages)| Arc::clone(messages));
                    let reused = kept.is_some();
                    let (files, messages) = preview::campaign_files_reusing(
                        model,
                        plan,
                        sources,
                        diagnostics,
                        renderer,
                        kept,
                    );
                    if let Some(progress) = progress {
                        progress.step();
                    }
                    let made = Rendered {
                        key: keys[i],
                        // Shared texts, made here on the worker thread:
                        // each text is copied into its `Arc` (94 MB for a
                        // 1,000-campaign project), which was done one by
                        // one on the calling thread.
                        files: files
                            .files
                            .into_iter()
                            .map(|(path, text)| (Arc::from(path), Arc::from(text)))
                            .collect(),
                        index_section: files.index_section,
                        messages: key.filter(|_| keep).map(|key| (key, messages)),
                    };
                    (i, made, reused)
                })
                .collect()
        };
        self.counters.previews += stale.len();
        self.counters.message_renders += stale.iter().filter(|(_, _, reused)| !reused).count();
        for (i, made, _) in stale {
            self.rendered.insert(plans[i].campaign.clone(), made);
        }
        // Campaigns that are gone are forgotten.
        if self.rendered.len() > plans.len() {
            let names: std::collections::HashSet<&str> =
                plans.iter().map(|p| p.campaign.as_str()).collect();
            self.rendered
                .retain(|name, _| names.contains(name.as_str()));
        }

        let pressure = preview::coverage::pressure_markdown_cached(
            model,
            plans,
            Some(&keys),
            &self.renderer,
            &mut self.pressure,
        );
        let rendered: Vec<&Rendered> = plans
            .iter()
            .filter_map(|plan| self.rendered.get(&plan.campaign))
            .collect();
        let sections: Vec<&str> = rendered.iter().map(|r| r.index_section.as_str()).collect();
        let schema = (schema_path(Path::new("")), plan_json_schema());
        let project = std::iter::once(schema)
            .chain(preview::project_files(model, plans, &sections, pressure))
            .collect();
        let mut project = share_unchanged(&mut self.project_outputs, project).into_iter();

        // In the order of a cold build: the plans, the schema, each
        // campaign's previews, the other project files.
        let mut files: Vec<(Arc<Path>, Arc<str>)> = Vec::with_capacity(
            plans.len() + 1 + rendered.iter().map(|r| r.files.len()).sum::<usize>() + project.len(),
        );
        for (plan, json) in plans.iter().zip(json) {
            files.push((
                Arc::from(plan_path(Path::new(""), &plan.campaign)),
                json.clone(),
            ));
        }
        files.extend(project.next());
        for r in rendered {
            files.extend(r.files.iter().cloned());
        }
        files.extend(project);
        let files: OutputFiles = Arc::from(files);
        if let Some(checked) = self.checked.as_mut() {
            checked.outputs = Some(Arc::clone(&files));
        }
        files
    }

    /// The plans the last [`Workspace::output_files`] lowered (empty
    /// before it ran or when the model changed since).
    pub fn plans(&self) -> &[Plan] {
        self.checked
            .as_ref()
            .and_then(|c| c.plans.as_ref())
            .map_or(&[], |l| l.plans.as_slice())
    }

    /// How many campaigns the last [`Workspace::output_files`] planned.
    pub fn plan_count(&self) -> usize {
        self.checked
            .as_ref()
            .and_then(|c| c.plans.as_ref())
            .map_or(0, |l| l.plans.len())
    }
}

/// `files` as shared texts, each the one in `earlier` under the same path
/// when it has the same text; `earlier` then holds `files`.
fn share_unchanged(
    earlier: &mut HashMap<Arc<Path>, Arc<str>>,
    files: Vec<(PathBuf, String)>,
) -> Vec<(Arc<Path>, Arc<str>)> {
    let shared: Vec<(Arc<Path>, Arc<str>)> = files
        .into_iter()
        .map(|(path, text)| match earlier.get_key_value(path.as_path()) {
            Some((path, was)) if **was == *text => (path.clone(), was.clone()),
            _ => (Arc::from(path), Arc::from(text)),
        })
        .collect();
    *earlier = shared.iter().cloned().collect();
    shared
}

/// An earlier plan: what it was lowered from, the plan, its JSON and the
/// JSON's digest.
type KeptPlan = (Digest, Plan, Arc<str>, Digest);

/// The digests of declaration texts ([`crate::plan::lower::text_digest`])
/// by the digest of their file's text and their place in it: true as long
/// as a file with that text is in the project. Hashed with `foldhash`:
/// planning looks up every declaration every campaign reads on every
/// edit, and the standard hasher was most of it.
#[derive(Default)]
struct TextDigests(HashMap<(Digest, u32, u32), Digest, foldhash::fast::RandomState>);

/// Every campaign of `model` lowered to its plan, with the plan's JSON
/// and digests, reusing the plans of `earlier` whose campaign has the same
/// name and the same inputs digest; and how many campaigns were lowered.
/// `files`: the digest of each file's text, by file id, under which
/// `texts` keeps the digests of the declaration texts read.
fn lower_reusing(
    model: &Model,
    sources: &SourceMap,
    earlier: Option<Lowered>,
    texts: &mut TextDigests,
    files: &[Option<Digest>],
) -> (Lowered, usize) {
    use crate::check::model::CampaignId;
    use crate::plan::lower;
    let project = lower::project_inputs(model, sources);
    let new = std::sync::Mutex::new(Vec::new());
    let known = &texts.0;
    let text = |span: crate::source::Span| -> Digest {
        let Some(Some(file)) = files.get(span.file.0 as usize) else {
            return lower::text_digest(sources, span);
        };
        let key = (*file, span.start, span.end);
        if let Some(digest) = known.get(&key) {
            return *digest;
        }
        let digest = lower::text_digest(sources, span);
        new.lock().expect("text digests").push((key, digest));
        digest
    };
    let inputs: Vec<Digest> = (0..model.campaigns.len())
        .into_par_iter()
        .map(|i| lower::inputs_digest(model, sources, CampaignId(i as u32), &project, &text))
        .collect();
    // Those of files no longer in the project are forgotten.
    let live: std::collections::HashSet<&Digest> = files.iter().flatten().collect();
    texts.0.retain(|(file, _, _), _| live.contains(file));
    texts.0.extend(new.into_inner().expect("text digests"));
    let earlier: Vec<KeptPlan> = match earlier {
        Some(Lowered {
            plans,
            json,
            digests,
            inputs,
        }) => plans
            .into_iter()
            .zip(json)
            .zip(digests)
            .zip(inputs)
            .map(|(((plan, json), digest), input)| (input, plan, json, digest))
            .collect(),
        None => Vec::new(),
    };
    // By place when the campaigns are the same (most edits), else by name.
    let same_campaigns = earlier.len() == model.campaigns.len()
        && earlier
            .iter()
            .zip(&model.campaigns)
            .all(|((_, plan, _, _), def)| plan.campaign == def.name);
    let mut by_name: HashMap<String, KeptPlan> = HashMap::new();
    let mut by_place: Vec<Option<KeptPlan>> = Vec::new();
    if same_campaigns {
        by_place = earlier.into_iter().map(Some).collect();
    } else {
        by_name = earlier
            .into_iter()
            .map(|kept| (kept.1.campaign.clone(), kept))
            .collect();
    }
    let reused: Vec<Option<(Plan, Arc<str>, Digest)>> = model
        .campaigns
        .iter()
        .zip(&inputs)
        .enumerate()
        .map(|(i, (def, input))| {
            let kept = match by_place.get_mut(i) {
                Some(kept) => kept.take(),
                None => by_name.remove(&def.name),
            };
            match kept {
                Some((was, plan, json, digest)) if was == *input => Some((plan, json, digest)),
                _ => None,
            }
        })
        .collect();
    let count = reused.iter().filter(|r| r.is_none()).count();
    let made: Vec<(Plan, Arc<str>, Digest)> = reused
        .into_par_iter()
        .enumerate()
        .map(|(i, reused)| {
            reused.unwrap_or_else(|| {
                let plan = lower::lower(model, sources, CampaignId(i as u32));
                let json: Arc<str> = Arc::from(to_json(&plan));
                let digest = digest::of(json.as_bytes());
                (plan, json, digest)
            })
        })
        .collect();
    let mut lowered = Lowered {
        plans: Vec::with_capacity(made.len()),
        json: Vec::with_capacity(made.len()),
        digests: Vec::with_capacity(made.len()),
        inputs,
    };
    for (plan, json, digest) in made {
        lowered.plans.push(plan);
        lowered.json.push(json);
        lowered.digests.push(digest);
    }
    (lowered, count)
}

/// What every campaign's preview reads besides its plan: what lowering
/// reads of the whole project ([`crate::plan::lower::project_inputs`]: the
/// defaults, the stages, the schema, for persona attributes and event
/// samples) and the personas.
///
/// Spans in them are named by file path, not [`FileId`]: adding a file
/// renumbers the files after it without changing any preview.
fn preview_context(model: &Model, sources: &SourceMap) -> Digest {
    let mut hasher = Hasher::new();
    hasher
        .part(&crate::plan::lower::project_inputs(model, sources))
        .text(&sources.name_files(&format!("{:?}", model.personas)));
    hasher.finish()
}

/// The digest of everything one campaign's preview is made from.
fn preview_key(
    model: &Model,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    context: &Digest,
    plan: &Plan,
    json: &Digest,
) -> Digest {
    let mut hasher = Hasher::new();
    hasher.part(context).part(json);
    if diagnostics.is_empty() {
        return hasher.finish();
    }
    for d in preview::diagnostics_for(model, plan, diagnostics) {
        hasher.text(&format!("{d:?}"));
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            hasher.text(&preview::markdown::location(sources, span));
        }
    }
    hasher.finish()
}
