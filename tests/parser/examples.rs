//! The LANGUAGE.md examples and the example project parse.

use super::*;

#[test]
fn every_language_example_parses() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/language_examples"
    );
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "camp"))
        .collect();
    entries.sort();
    assert!(entries.len() >= 9, "expected the LANGUAGE.md examples");
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("read");
        let ast = parse_ok(&text);
        assert!(!ast.items.is_empty(), "{}", path.display());
    }
}

#[test]
fn the_example_project_parses() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let mut paths: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .filter(|p| p.extension().is_some_and(|x| x == "camp"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "campaigns/ has .camp files");
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        let ast = parse_ok(&text);
        assert!(!ast.items.is_empty(), "{}", path.display());
    }
}
