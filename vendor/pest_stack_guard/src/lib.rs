//! pest's internal stack probe, switched off for campaignc.
//!
//! pest 2.9 asks this crate, on every rule it enters, how much native
//! stack is left (`stacker::remaining_stack`: a call into `psm` for the
//! stack pointer and a thread-local for the limit), and fails the parse
//! with "stack limit reached" below 64 KiB. In `campaignc check` of the
//! 1,000-campaign benchmark that probe was about 9 % of all the samples.
//!
//! campaignc never lets pest near the end of its stack, so the probe never
//! fires there: before pest runs, a scan without recursion bounds every
//! construct either grammar enters recursively, and the parser runs on a
//! stack sized for the depth found.
//!
//! - `.camp` files: `syntax::prescan` refuses nesting deeper than
//!   `MAX_NESTING` (brackets and `where` clauses), and `syntax::parse_from`
//!   runs pest on a stack of 256 KiB plus 64 KiB per level of the file's
//!   deepest nesting (`stacker::maybe_grow`).
//! - Handlebars templates: `template::nesting` refuses `{{#…}}` blocks and
//!   `( … )` subexpressions nested deeper than their limits before the
//!   handlebars crate's parser sees the text, in `Renderer::compile` and
//!   in the checker alike.
//!
//! `tests/deep_nesting.rs` and `tests/text_safety.rs` feed both grammars
//! input at and past those limits, in debug builds (whose frames are the
//! largest), and must end in diagnostics, never a crash.

/// The remaining native stack, as pest asks for it: never known here, so
/// pest does not check (see the crate's documentation for why that is
/// safe in campaignc).
#[inline(always)]
pub fn remaining_stack() -> Option<usize> {
    None
}
