//! campaignc: compiles lifecycle marketing campaigns written as code.
//!
//! Stages, each reading only the previous stage's output:
//! `source` (files) → `syntax` (AST) → `check` (resolved model) →
//! `plan` / `render` / `simulate`.

pub mod check;
pub mod diagnostics;
pub mod plan;
pub mod source;
pub mod syntax;
