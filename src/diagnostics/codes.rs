//! The registry of diagnostic codes. Each area of the compiler keeps its
//! codes in its own table (`codes/<area>.rs`) so that stages can grow
//! independently; [`all`] puts them together for `campaignc explain`.

pub mod channels;
pub mod flows;
pub mod locales;
pub mod names;
pub mod project;
pub mod syntax;
pub mod templates;
pub mod tests;
pub mod types;
pub mod warehouse;

/// One registered code.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    /// `E0101` (error) or `W0101` (warning).
    pub code: &'static str,
    /// A short title, e.g. "unknown name".
    pub title: &'static str,
    /// The long explanation shown by `campaignc explain`: what it means,
    /// a wrong example and a right one, in Markdown.
    pub explanation: &'static str,
}

/// Every registered code, sorted by code.
pub fn all() -> Vec<CodeInfo> {
    let mut v: Vec<CodeInfo> = Vec::new();
    // Area tables are appended here as they are written.
    v.extend_from_slice(templates::CODES);
    v.extend_from_slice(locales::CODES);
    v.extend_from_slice(channels::CODES);
    v.extend_from_slice(syntax::CODES);
    v.extend_from_slice(project::CODES);
    v.extend_from_slice(names::CODES);
    v.extend_from_slice(types::CODES);
    v.extend_from_slice(tests::CODES);
    v.extend_from_slice(flows::CODES);
    v.extend_from_slice(warehouse::CODES);
    v.sort_by_key(|c| c.code);
    v
}

/// Looks up a code (case-insensitive).
pub fn lookup(code: &str) -> Option<CodeInfo> {
    all()
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
}

/// `docs/diagnostics.md`: every code with its title and long explanation,
/// generated from the registry so the two can never drift apart (a test
/// compares the file with this text).
pub fn markdown_index() -> String {
    let all = all();
    let mut out = String::from(
        "# Diagnostics\n\n\
         Every problem `campaignc` reports has a stable code. `E` codes are errors \
         (they stop `build`), `W` codes are warnings (they fail only under \
         `--deny warnings`). `campaignc explain CODE` prints the same text as below.\n\n\
         This file is generated from the code registry \
         (`src/diagnostics/codes/`); to refresh it run \
         `UPDATE_DOCS=1 cargo test --test codes`.\n\n\
         | code | title |\n|---|---|\n",
    );
    for c in &all {
        out.push_str(&format!(
            "| [{}](#{}) | {} |\n",
            c.code,
            c.code.to_ascii_lowercase(),
            c.title
        ));
    }
    for c in &all {
        out.push_str(&format!(
            "\n## {}\n\n**{}**\n\n{}\n",
            c.code,
            c.title,
            c.explanation.trim()
        ));
    }
    out
}
