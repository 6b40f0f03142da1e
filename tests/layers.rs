//! The layer table of `docs/architecture.md` is the law: every path in
//! `src/` that reaches from one top-level module into another (`crate::X`,
//! `super::super::X` climbing to the crate root, a bare `X::` in `lib.rs`,
//! `$crate::X` in a macro) must be an edge the table allows.
//!
//! The table is read from the documentation itself (between the
//! `layers:begin` and `layers:end` markers), so the page and the check
//! cannot drift apart. The sources are parsed with `syn` and the module
//! tree is followed from `src/lib.rs` the way rustc does (`mod x;` ->
//! `x.rs` or `x/mod.rs`, `#[path]`), so inline `mod tests { use super::*; }`
//! blocks and `#[path]` files resolve `super` correctly.
//!
//! A second table of the same page confines the command line's crates
//! (clap, notify, indicatif, miette) to the modules allowed to use them,
//! so the semantic core a language server depends on stays free of them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The name the table uses for the crate root (`src/lib.rs` itself).
const ROOT: &str = "crate";

/// The crate root is the facade of `driver` (it re-exports the entry
/// points): the one pair of the same layer allowed to use each other.
const FACADE: (&str, &str) = (ROOT, "driver");

// ---------------------------------------------------------------------------
// The table

#[derive(Debug)]
struct Row {
    layer: u32,
    may_use: BTreeSet<String>,
}

/// Parses the table between the markers. A row is
/// `` | `name` | layer | `a`, `b`, all lower layers | ``; "all lower layers"
/// stands for every module of a lower layer.
fn parse_table(markdown: &str) -> Result<BTreeMap<String, Row>, String> {
    let begin = markdown
        .find("<!-- layers:begin -->")
        .ok_or("no `<!-- layers:begin -->` marker")?;
    let end = markdown
        .find("<!-- layers:end -->")
        .ok_or("no `<!-- layers:end -->` marker")?;
    let mut rows: Vec<(String, u32, BTreeSet<String>, bool)> = Vec::new();
    for line in markdown[begin..end].lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        if !line.trim_start().starts_with('|') || cells.len() < 3 {
            continue;
        }
        let Some(name) = backticked(cells[0]).into_iter().next() else {
            continue; // the header and the separator
        };
        let layer: u32 = cells[1]
            .trim()
            .parse()
            .map_err(|_| format!("row `{name}`: layer `{}` is not a number", cells[1].trim()))?;
        let lower = cells[2].contains("all lower layers");
        rows.push((
            name,
            layer,
            backticked(cells[2]).into_iter().collect(),
            lower,
        ));
    }
    let layers: BTreeMap<String, u32> = rows.iter().map(|r| (r.0.clone(), r.1)).collect();
    let mut table = BTreeMap::new();
    for (name, layer, mut may_use, lower) in rows {
        if lower {
            may_use.extend(
                layers
                    .iter()
                    .filter(|(_, l)| **l < layer)
                    .map(|(n, _)| n.clone()),
            );
        }
        if table.insert(name.clone(), Row { layer, may_use }).is_some() {
            return Err(format!("`{name}` has two rows"));
        }
    }
    Ok(table)
}

fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

fn table() -> BTreeMap<String, Row> {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md");
    let text = std::fs::read_to_string(&doc).expect("docs/architecture.md is readable");
    parse_table(&text).unwrap_or_else(|e| panic!("docs/architecture.md layer table: {e}"))
}

// ---------------------------------------------------------------------------
// The scanner

/// One path that reaches from module `from` into module `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edge {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
    path: String,
}

struct Scanner {
    /// Top-level modules (declared in `lib.rs`).
    tops: BTreeSet<String>,
    file: PathBuf,
    /// Whether `file` owns its directory (`lib.rs`, `main.rs`, `mod.rs`).
    mod_rs: bool,
    /// The module the visitor is in, from the crate root.
    module: Vec<String>,
    /// How many of `module`'s names are inline `mod x { … }` blocks.
    inline: usize,
    edges: Vec<Edge>,
    /// Paths into other crates; `to` is the crate's name.
    externals: Vec<Edge>,
    /// Out-of-line `mod x;` found: (file, module path).
    children: Vec<(PathBuf, Vec<String>)>,
    errors: Vec<String>,
}

impl Scanner {
    /// Where an out-of-line `mod name;` lives, as rustc finds it.
    fn child_file(&self, item: &syn::ItemMod) -> Option<PathBuf> {
        let dir = self.file.parent()?.to_path_buf();
        let explicit = item.attrs.iter().find_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        if let Some(path) = explicit {
            return Some(dir.join(path));
        }
        let mut base = dir;
        if !self.mod_rs {
            base.push(self.file.file_stem()?);
        }
        let depth = self.module.len();
        for name in &self.module[depth - self.inline..] {
            base.push(name);
        }
        let name = item.ident.to_string();
        let flat = base.join(format!("{name}.rs"));
        if flat.exists() {
            Some(flat)
        } else {
            Some(base.join(name).join("mod.rs"))
        }
    }

    fn top_or_root(&self, name: &str) -> String {
        if self.tops.contains(name) {
            name.to_string()
        } else {
            ROOT.to_string()
        }
    }

    /// The top-level module a path names, or `None` when it stays inside
    /// the current one or leaves the crate.
    fn target(&self, segs: &[String]) -> Option<String> {
        let first = segs.first()?.as_str();
        match first {
            // A lone `crate`, `super` or `self` is a visibility
            // (`pub(crate)`), not a path to anything.
            "crate" | "$crate" => Some(self.top_or_root(segs.get(1)?)),
            "super" | "self" => {
                let ups = segs.iter().take_while(|s| *s == "super").count();
                let skip = if first == "self" { 1 } else { ups };
                let next = segs.get(skip)?;
                let base = self.module.len().checked_sub(ups)?;
                match self.module[..base].first() {
                    Some(top) => Some(self.top_or_root(top)),
                    None => Some(self.top_or_root(next)),
                }
            }
            // In the crate root a relative path may start at a top-level
            // module (`check::model::Model` in lib.rs).
            _ if self.module.is_empty() && segs.len() > 1 && self.tops.contains(first) => {
                Some(first.to_string())
            }
            _ => None,
        }
    }

    /// The top-level module (or the root) the visitor is in.
    fn from(&self) -> String {
        // An inline `mod tests { … }` of lib.rs belongs to the root.
        self.module
            .first()
            .map_or_else(|| ROOT.to_string(), |m| self.top_or_root(m))
    }

    /// A path that starts at another crate (`clap::Parser`): kept so the
    /// crates confined to the top layers can be checked.
    fn external(&mut self, segs: &[String], line: usize) {
        let Some(first) = segs.first() else { return };
        if segs.len() < 2 || matches!(first.as_str(), "crate" | "$crate" | "self" | "super") {
            return;
        }
        if self.module.is_empty() && self.tops.contains(first) {
            return;
        }
        self.externals.push(Edge {
            from: self.from(),
            to: first.clone(),
            file: self.file.clone(),
            line,
            path: segs.join("::"),
        });
    }

    fn record(&mut self, segs: &[String], line: usize) {
        let Some(to) = self.target(segs) else {
            return;
        };
        let from = self.from();
        if from != to {
            self.edges.push(Edge {
                from,
                to,
                file: self.file.clone(),
                line,
                path: segs.join("::"),
            });
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>, leading_colon: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, leading_colon);
                prefix.pop();
            }
            syn::UseTree::Name(n) => self.use_leaf(prefix, &n.ident, leading_colon),
            syn::UseTree::Rename(r) => self.use_leaf(prefix, &r.ident, leading_colon),
            syn::UseTree::Glob(g) => {
                let line = g.star_token.spans[0].start().line;
                self.external(prefix, line);
                if !leading_colon {
                    self.record(prefix, line);
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix, leading_colon);
                }
            }
        }
    }

    fn use_leaf(&mut self, prefix: &[String], ident: &syn::Ident, leading_colon: bool) {
        let mut segs = prefix.to_vec();
        if ident != "self" {
            segs.push(ident.to_string());
        }
        let line = ident.span().start().line;
        self.external(&segs, line);
        if !leading_colon {
            self.record(&segs, line);
        }
    }

    /// Paths inside macro arguments are tokens, not syntax: find
    /// `crate :: x`, `$crate :: x` and `super :: …` sequences.
    fn tokens(&mut self, stream: TokenStream) {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => {
                    self.tokens(g.stream());
                    i += 1;
                }
                TokenTree::Ident(id)
                    if (id == "crate" || id == "super") && !after_colons(&tokens, i) =>
                {
                    let dollar = i > 0
                        && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                    let mut segs = vec![if dollar {
                        "$crate".to_string()
                    } else {
                        id.to_string()
                    }];
                    let line = id.span().start().line;
                    let mut j = i + 1;
                    while is_colons(&tokens, j) {
                        match tokens.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                segs.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if segs.len() > 1 {
                        self.record(&segs, line);
                    }
                    i = j.max(i + 1);
                }
                _ => i += 1,
            }
        }
    }
}

fn is_colons(tokens: &[TokenTree], j: usize) -> bool {
    matches!(
        (tokens.get(j), tokens.get(j + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':'
    )
}

fn after_colons(tokens: &[TokenTree], i: usize) -> bool {
    i >= 2 && is_colons(tokens, i - 2)
}

impl<'ast> Visit<'ast> for Scanner {
    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        let mut module = self.module.clone();
        module.push(item.ident.to_string());
        match &item.content {
            None => match self.child_file(item) {
                Some(file) => self.children.push((file, module)),
                None => self.errors.push(format!(
                    "{}: cannot place `mod {}`",
                    self.file.display(),
                    item.ident
                )),
            },
            Some((_, items)) => {
                self.module = module;
                self.inline += 1;
                for it in items {
                    self.visit_item(it);
                }
                self.inline -= 1;
                self.module.pop();
            }
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        for attr in &item.attrs {
            self.visit_attribute(attr);
        }
        self.use_tree(&item.tree, &mut Vec::new(), item.leading_colon.is_some());
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = path.segments.first() {
            let line = first.ident.span().start().line;
            self.external(&segs, line);
            if path.leading_colon.is_none() {
                self.record(&segs, line);
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.tokens(mac.tokens.clone());
        syn::visit::visit_macro(self, mac);
    }
}

/// Scans one file's text as module `module` of the crate.
fn scan_text(
    text: &str,
    file: &Path,
    module: Vec<String>,
    tops: &BTreeSet<String>,
) -> Result<Scanner, String> {
    let ast = syn::parse_file(text).map_err(|e| format!("{}: {e}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let mut scanner = Scanner {
        tops: tops.clone(),
        file: file.to_path_buf(),
        mod_rs: matches!(name, "lib.rs" | "main.rs" | "mod.rs"),
        module,
        inline: 0,
        edges: Vec::new(),
        externals: Vec::new(),
        children: Vec::new(),
        errors: Vec::new(),
    };
    scanner.visit_file(&ast);
    Ok(scanner)
}

/// The top-level modules: the out-of-line `mod x;` items of `lib.rs`.
fn top_level_modules(lib: &str) -> BTreeSet<String> {
    let ast = syn::parse_file(lib).expect("src/lib.rs parses");
    ast.items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// What [`scan_crate`] found in this crate's `src/`, scanned once for all
/// the tests of this file.
fn scanned() -> &'static Scan {
    static SCAN: OnceLock<Scan> = OnceLock::new();
    SCAN.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        scan_crate(&src)
    })
}

/// What the scan of the library found.
struct Scan {
    /// Paths from one top-level module into another.
    edges: Vec<Edge>,
    /// Paths into other crates.
    externals: Vec<Edge>,
    /// Every file of the module tree.
    seen: BTreeSet<PathBuf>,
}

/// Every cross-module edge of the library, following its module tree from
/// `src/lib.rs`; also every path into another crate and every file visited.
fn scan_crate(src: &Path) -> Scan {
    let lib_path = src.join("lib.rs");
    let lib = std::fs::read_to_string(&lib_path).expect("src/lib.rs is readable");
    let tops = top_level_modules(&lib);
    let mut edges = Vec::new();
    let mut externals = Vec::new();
    let mut seen = BTreeSet::new();
    let mut queue = vec![(lib_path, Vec::new())];
    while let Some((file, module)) = queue.pop() {
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{} (module {}): {e}", file.display(), module.join("::")));
        let scanner = scan_text(&text, &file, module, &tops).unwrap_or_else(|e| panic!("{e}"));
        assert!(scanner.errors.is_empty(), "{:?}", scanner.errors);
        edges.extend(scanner.edges);
        externals.extend(scanner.externals);
        queue.extend(scanner.children);
        seen.insert(file);
    }
    Scan {
        edges,
        externals,
        seen,
    }
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

// ---------------------------------------------------------------------------
// The tests

#[test]
fn every_cross_module_path_is_an_edge_the_layer_table_allows() {
    let table = table();
    let edges = &scanned().edges;
    let mut bad = Vec::new();
    for e in edges {
        let allowed = table
            .get(&e.from)
            .is_some_and(|row| row.may_use.contains(&e.to));
        if !allowed {
            bad.push(format!(
                "{}:{}: `{}` uses `{}` (`{}`), which the layer table does not allow",
                relative(&e.file),
                e.line,
                e.from,
                e.to,
                e.path
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} path(s) cross the layers of docs/architecture.md (## Layers). \
         Move the code to a module that may depend on what it uses, or change \
         the table there if the design really changed:\n{}",
        bad.len(),
        bad.join("\n")
    );
    // The scan must have seen the crate: a broken walker passes vacuously.
    assert!(edges.len() > 100, "only {} edges found", edges.len());
}

#[test]
fn every_top_level_module_has_a_row_in_the_layer_table() {
    let table = table();
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs is readable");
    let missing: Vec<String> = top_level_modules(&lib)
        .into_iter()
        .filter(|m| !table.contains_key(m))
        .collect();
    assert!(
        missing.is_empty(),
        "top-level module(s) without a row in the layer table of docs/architecture.md: {missing:?}"
    );
    assert!(
        table.contains_key(ROOT),
        "the table has no row for `{ROOT}` (lib.rs)"
    );
}

#[test]
fn the_layer_table_only_points_down() {
    let table = table();
    let mut bad = Vec::new();
    for (name, row) in &table {
        for used in &row.may_use {
            let Some(target) = table.get(used) else {
                bad.push(format!("`{name}` may use `{used}`, which has no row"));
                continue;
            };
            let facade = (name.as_str(), used.as_str()) == FACADE
                || (used.as_str(), name.as_str()) == FACADE;
            if target.layer >= row.layer && !facade {
                bad.push(format!(
                    "`{name}` (layer {}) may use `{used}` (layer {}): not a lower layer",
                    row.layer, target.layer
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The rules the language server relies on.
    for (name, row) in &table {
        assert!(!row.may_use.contains("cli"), "`{name}` may use `cli`");
    }
    for low in ["syntax", "check", "plan", "template", "simulate", "preview"] {
        let row = &table[low];
        for high in ["driver", "cli", "serve"] {
            assert!(!row.may_use.contains(high), "`{low}` may use `{high}`");
        }
    }
    assert!(
        table["template"].may_use.iter().all(|m| m == "text"),
        "the template engine is a leaf: it may use only `text`"
    );
}

#[test]
fn the_walker_visits_every_rust_file_under_src() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let seen = &scanned().seen;
    let mut all = Vec::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.expect("src/ is readable");
        if entry.path().extension().is_some_and(|x| x == "rs") {
            all.push(entry.path().to_path_buf());
        }
    }
    let missed: Vec<String> = all
        .iter()
        // The binary's own files (`main.rs` and the allocator it includes),
        // which are not modules of the library.
        .filter(|p| {
            !seen.contains(*p)
                && p.file_name()
                    .is_some_and(|n| n != "main.rs" && n != "allocator.rs")
        })
        .map(|p| relative(p))
        .collect();
    assert!(
        missed.is_empty(),
        "files the layer scan never reached: {missed:?}"
    );
}

/// The scanner finds each form of cross-module path, with its line, and
/// ignores paths that stay inside a module or leave the crate.
#[test]
fn the_scanner_finds_every_form_of_cross_module_path() {
    let tops: BTreeSet<String> = ["check", "plan", "template", "text", "preview"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let text = r#"
use crate::template::Renderer;
use crate::{preview::data, text};
use super::sibling;
use ::check::Thing;
fn f() {
    let _ = crate::check::check(x);
    let _: super::super::super::text::Thing;
    format!("{}", crate::preview::page());
    std::fs::read("x");
}
mod tests {
    use super::*;
    use super::super::super::super::template::Escape;
}
macro_rules! m { () => { $crate::template::Escape::Html } }
"#;
    let s = scan_text(
        text,
        Path::new("src/plan/lower/steps.rs"),
        vec!["plan".into(), "lower".into(), "steps".into()],
        &tops,
    )
    .expect("the snippet parses");
    let found: Vec<(usize, &str)> = s.edges.iter().map(|e| (e.line, e.to.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (2, "template"),
            (3, "preview"),
            (3, "text"),
            (7, "check"),
            (8, "text"),
            (9, "preview"),
            (14, "template"),
            (16, "template"),
        ]
    );
    assert!(s.edges.iter().all(|e| e.from == "plan"));

    // In the crate root, a relative path may start at a top-level module.
    let root = scan_text(
        "fn g() { let _ = check::check(); let _ = helper(); }",
        Path::new("src/lib.rs"),
        Vec::new(),
        &tops,
    )
    .expect("parses");
    assert_eq!(root.edges.len(), 1);
    assert_eq!(
        (root.edges[0].from.as_str(), root.edges[0].to.as_str()),
        ("crate", "check")
    );
}

#[test]
fn the_table_reader_expands_all_lower_layers() {
    let doc = "<!-- layers:begin -->\n\
        | module | layer | may use |\n|---|---|---|\n\
        | `text` | 0 | — |\n| `check` | 1 | `text` |\n\
        | `plan` | 2 | `check` |\n| `cli` | 3 | all lower layers |\n\
        <!-- layers:end -->";
    let t = parse_table(doc).expect("parses");
    assert_eq!(t["plan"].may_use, BTreeSet::from(["check".to_string()]));
    assert_eq!(t["cli"].may_use.len(), 3);
    assert!(t["text"].may_use.is_empty());
}

/// The crates confined to some modules (the second table of the page):
/// crate name (as code spells it, `notify_debouncer_full`) -> modules.
fn confined_crates(markdown: &str) -> Result<BTreeMap<String, BTreeSet<String>>, String> {
    let begin = markdown
        .find("<!-- crates:begin -->")
        .ok_or("no `<!-- crates:begin -->` marker")?;
    let end = markdown
        .find("<!-- crates:end -->")
        .ok_or("no `<!-- crates:end -->` marker")?;
    let mut out = BTreeMap::new();
    for line in markdown[begin..end].lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
        if !line.trim_start().starts_with('|') || cells.len() < 2 {
            continue;
        }
        let modules: BTreeSet<String> = backticked(cells[1]).into_iter().collect();
        for name in backticked(cells[0]) {
            out.insert(name.replace('-', "_"), modules.clone());
        }
    }
    if out.is_empty() {
        return Err("the crates table has no rows".into());
    }
    Ok(out)
}

/// The semantic core stays free of the command line's crates: clap,
/// notify, indicatif and miette are used only where the page allows.
#[test]
fn crates_of_the_command_line_stay_in_the_top_layers() {
    let doc = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md");
    let text = std::fs::read_to_string(&doc).expect("docs/architecture.md is readable");
    let confined =
        confined_crates(&text).unwrap_or_else(|e| panic!("docs/architecture.md crates table: {e}"));
    let table = table();
    for modules in confined.values() {
        for m in modules {
            assert!(
                table.contains_key(m),
                "crates table names `{m}`, which has no layer row"
            );
        }
    }
    let externals = &scanned().externals;
    let mut bad = Vec::new();
    for e in externals {
        if let Some(allowed) = confined.get(&e.to) {
            if !allowed.contains(&e.from) {
                bad.push(format!(
                    "{}:{}: `{}` uses the crate `{}` (`{}`), which only {:?} may use",
                    relative(&e.file),
                    e.line,
                    e.from,
                    e.to,
                    e.path,
                    allowed
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "crates used outside the modules docs/architecture.md allows them:\n{}",
        bad.join("\n")
    );
    // The scan sees these crates where they are used today.
    for name in ["clap", "miette"] {
        assert!(
            externals.iter().any(|e| e.to == name),
            "no use of `{name}` found: the scan is broken"
        );
    }
}
