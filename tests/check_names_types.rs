//! The checker's name and type passes: one fixture project per diagnostic
//! code under `tests/fixtures/check/<code>/`, each asserting the code,
//! severity, file, line and column, with a snapshot of the human rendering.

mod common;

use common::{check_project, summary};

#[test]
fn language_examples_together_have_no_errors() {
    let (diags, sources, model) = check_project("language_examples");
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    assert!(
        errors.is_empty(),
        "unexpected errors:\n{}",
        summary(&errors, &sources)
    );
    assert_eq!(model.campaigns.len(), 1);
    assert_eq!(model.tests.len(), 3);
}
