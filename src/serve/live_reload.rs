//! Live reload: every HTML page served gets a script that listens to the
//! event stream, reloads the page after a successful rebuild (keeping the
//! scroll position), shows the build status on the index page and lays
//! the diagnostics of a failed build over the page.

use super::SCRIPT_PATH;

/// The live-reload script, served at [`SCRIPT_PATH`]: it opens an
/// `EventSource` on [`super::EVENTS_PATH`] and reloads the page when a
/// successful build's version differs from the one the page was served at
/// (its tag's `data-version`). A failed build's diagnostics are drawn as
/// an overlay with `textContent` only (nothing from a diagnostic becomes
/// markup). It is a file of its own, not inline, so the
/// Content-Security-Policy can forbid every inline script.
pub const SCRIPT: &str = include_str!("live-reload.js");

/// Adds the live-reload script tag (and, for the home page, a `<base>`) to
/// an HTML page. The page remembers the version it was served at, so a
/// rebuild that lands before the stream opens still reloads it.
pub fn inject_live_reload(page: &str, version: u64, base: Option<&str>) -> String {
    let script = format!("<script src=\"{SCRIPT_PATH}\" data-version=\"{version}\"></script>\n");
    let mut page = page.to_string();
    if let Some(base) = base {
        let tag = format!("<base href=\"{base}\">");
        match find_ascii_case_insensitive(&page, "<head>") {
            Some(at) => page.insert_str(at + "<head>".len(), &format!("\n{tag}")),
            None => page.insert_str(0, &format!("{tag}\n")),
        }
    }
    match rfind_ascii_case_insensitive(&page, "</body>") {
        Some(at) => page.insert_str(at, &script),
        None => page.push_str(&script),
    }
    page
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().find(needle)
}

fn rfind_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_ascii_lowercase().rfind(needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::EVENTS_PATH;

    #[test]
    fn the_script_goes_before_the_last_body_end_and_the_base_after_head() {
        let page = inject_live_reload("<html><HEAD></HEAD><body>x</BODY></html>", 7, Some("/p/"));
        let base = page.find("<base href=\"/p/\">").expect("base");
        let script = page.find("<script src=").expect("script");
        assert!(page.find("<HEAD>").expect("head") < base);
        assert!(script < page.find("</BODY>").expect("body end"));
        assert!(page.contains("data-version=\"7\""));
        assert!(page.contains(SCRIPT_PATH));
        assert!(SCRIPT.contains(EVENTS_PATH));
        assert!(
            !SCRIPT.contains("innerHTML"),
            "diagnostics are text, never markup"
        );
        let bare = inject_live_reload("text", 0, None);
        assert!(bare.starts_with("text<script src="));
    }
}
