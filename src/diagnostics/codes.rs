//! The registry of diagnostic codes. Each area of the compiler keeps its
//! codes in its own table (`codes/<area>.rs`) so that stages can grow
//! independently; [`all`] puts them together for `campaignc explain`.

pub mod project;
pub mod flows;
pub mod syntax;

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
    v.extend_from_slice(syntax::CODES);
    v.extend_from_slice(project::CODES);
    v.extend_from_slice(flows::CODES);
    v.sort_by_key(|c| c.code);
    v
}

/// Looks up a code (case-insensitive).
pub fn lookup(code: &str) -> Option<CodeInfo> {
    all()
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
}
