//! The GitHub renderer: workflow commands that GitHub Actions turns into
//! annotations on the pull-request diff.
//!
//! GitHub shows at most 10 annotations of each severity per step, so the
//! first 10 of each are listed and one `::notice::` counts the rest rather
//! than letting them vanish silently.

use super::{clamp, display_path, file_of};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceMap;
use crate::text::escape_control;

/// How many annotations of one severity GitHub displays per step.
const MAX_PER_SEVERITY: usize = 10;

/// One `::error …::` or `::warning …::` line per diagnostic (the first 10 of
/// each severity), then a `::notice::` for the ones left out.
pub fn github(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    let (mut errors, mut warnings) = (0usize, 0usize);
    for diag in diags {
        let shown = match diag.severity {
            Severity::Error => &mut errors,
            Severity::Warning => &mut warnings,
        };
        *shown += 1;
        if *shown <= MAX_PER_SEVERITY {
            out.push_str(&command(diag, sources));
            out.push('\n');
        }
    }
    let hidden_errors = errors.saturating_sub(MAX_PER_SEVERITY);
    let hidden_warnings = warnings.saturating_sub(MAX_PER_SEVERITY);
    if hidden_errors + hidden_warnings > 0 {
        let mut parts = Vec::new();
        if hidden_errors > 0 {
            parts.push(format!("{hidden_errors} more error(s)"));
        }
        if hidden_warnings > 0 {
            parts.push(format!("{hidden_warnings} more warning(s)"));
        }
        out.push_str(&format!(
            "::notice::{} not shown as annotations; run `campaignc check` to see all\n",
            escape_data(&parts.join(" and "))
        ));
    }
    out
}

fn command(diag: &Diagnostic, sources: &SourceMap) -> String {
    let mut properties = Vec::new();
    if let Some(file) = file_of(sources, diag.span) {
        let (start, end) = clamp(diag.span, &file.text);
        let (line, col) = file.line_col(start);
        // The end is inclusive: the position of the span's last character.
        let last = if end > start {
            file.text[..end]
                .char_indices()
                .next_back()
                .map_or(start, |(i, _)| i)
        } else {
            start
        };
        let (end_line, end_col) = file.line_col(last);
        properties.push(format!("file={}", escape_property(&display_path(file))));
        properties.push(format!("line={line}"));
        properties.push(format!("col={col}"));
        properties.push(format!("endLine={end_line}"));
        properties.push(format!("endColumn={end_col}"));
    }
    properties.push(format!("title={}", escape_property(diag.code)));
    // Control characters from the user's text are escaped: GitHub shows
    // the log, and a raw ESC would drive the terminal of anyone reading it.
    let mut message = escape_control(&diag.message).into_owned();
    if let Some(help) = &diag.help {
        message.push_str("\n\nhelp: ");
        message.push_str(&escape_control(help));
    }
    format!(
        "::{} {}::{}",
        diag.severity.as_str(),
        properties.join(","),
        escape_data(&message)
    )
}

/// Escapes a command's message per GitHub's workflow-command rules.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: as data, plus `:` and `,` which delimit
/// properties.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::test_support::{diagnostics, sources, span_of};

    #[test]
    fn one_line_per_diagnostic_with_location_title_and_escaped_help() {
        let map = sources();
        let out = github(&diagnostics(&map), &map);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(
            lines[0],
            "::error file=campaigns/onboarding.camp,line=3,col=12,endLine=3,endColumn=20,title=E0201::unknown segment `new_trail`%0A%0Ahelp: did you mean `new_trials`?"
        );
        assert_eq!(
            lines[2],
            "::warning file=campaigns/segments.camp,line=1,col=1,endLine=1,endColumn=16,title=W0901::segment `new_trials` has a doc comment, 100%25 useful"
        );
    }

    #[test]
    fn escapes_properties_and_data() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn at_most_ten_per_severity_then_a_notice_counting_the_rest() {
        let map = sources();
        let span = span_of(&map, 0, "welcom");
        let mut diags = Vec::new();
        for i in 0..13 {
            diags.push(Diagnostic::error("E0202", format!("error {i}"), span));
        }
        for i in 0..11 {
            diags.push(Diagnostic::warning("W0901", format!("warning {i}"), span));
        }
        let out = github(&diags, &map);
        assert_eq!(
            out.lines().filter(|l| l.starts_with("::error ")).count(),
            10
        );
        assert_eq!(
            out.lines().filter(|l| l.starts_with("::warning ")).count(),
            10
        );
        assert_eq!(
            out.lines().last(),
            Some("::notice::3 more error(s) and 1 more warning(s) not shown as annotations; run `campaignc check` to see all")
        );
    }

    #[test]
    fn diagnostics_without_a_file_have_no_location_properties() {
        let map = SourceMap::new();
        let d = Diagnostic::warning("W0901", "no .camp files", Default::default());
        assert_eq!(
            github(&[d], &map),
            "::warning title=W0901::no .camp files\n"
        );
    }
}
