//! Live reload: every HTML page served gets a script that polls the
//! version endpoint and reloads the page after a successful rebuild.

use super::SCRIPT_PATH;

/// The live-reload script, served at [`SCRIPT_PATH`]: it polls the
/// version endpoint and reloads the page when the version differs from the
/// one the page was served at (its tag's `data-version`). It is a file of
/// its own, not inline, so the Content-Security-Policy can forbid every
/// inline script. (The version endpoint is spelled out because `concat!`
/// takes only literals; a test checks it is [`super::VERSION_PATH`].)
pub const SCRIPT: &str = concat!(
    "/* campaignc watch: live reload */\n",
    "(function () {\n",
    "  var v = document.currentScript.getAttribute(\"data-version\");\n",
    "  function poll() {\n",
    "    fetch(\"/__campaignc/version\", { cache: \"no-store\" })\n",
    "      .then(function (r) { return r.text(); })\n",
    "      .then(function (t) { if (t !== v) { location.reload(); } else { setTimeout(poll, 1000); } })\n",
    "      .catch(function () { setTimeout(poll, 1000); });\n",
    "  }\n",
    "  setTimeout(poll, 1000);\n",
    "})();\n",
);

/// Adds the live-reload script tag (and, for the home page, a `<base>`) to
/// an HTML page. The page remembers the version it was served at, so a
/// rebuild that lands before its first poll still reloads it.
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
    use crate::serve::VERSION_PATH;

    #[test]
    fn the_script_goes_before_the_last_body_end_and_the_base_after_head() {
        let page = inject_live_reload("<html><HEAD></HEAD><body>x</BODY></html>", 7, Some("/p/"));
        let base = page.find("<base href=\"/p/\">").expect("base");
        let script = page.find("<script src=").expect("script");
        assert!(page.find("<HEAD>").expect("head") < base);
        assert!(script < page.find("</BODY>").expect("body end"));
        assert!(page.contains("data-version=\"7\""));
        assert!(page.contains(SCRIPT_PATH));
        assert!(SCRIPT.contains(VERSION_PATH));
        let bare = inject_live_reload("text", 0, None);
        assert!(bare.starts_with("text<script src="));
    }
}
