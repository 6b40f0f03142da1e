//! campaignc: compiles lifecycle marketing campaigns written as code.
//!
//! Stages, each reading only the previous stage's output:
//! `source` (files) → `syntax` (AST) → `check` (resolved model) →
//! `plan` / `render` / `simulate`.

pub mod diagnostics;
pub mod render;
pub mod source;
pub mod syntax;
