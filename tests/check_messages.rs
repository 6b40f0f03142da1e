mod common;
use common::*;
#[test]
fn probe() {
    let (diags, sources, _) = check_project("language_examples");
    eprintln!("{}", render_plain(&diags, &sources));
}
