//! The SARIF renderer: one SARIF 2.1.0 log (the OASIS Static Analysis
//! Results Interchange Format), which GitHub code scanning, Azure DevOps,
//! SonarQube and IDE viewers read.
//!
//! One run, whose tool is `campaignc` with one rule per code that occurs
//! (its title, and `campaignc explain`'s text as the rule's help); one
//! result per diagnostic with the primary span as its location and the
//! labels as related locations; one result per failed test expectation
//! (rule [`TEST_RULE`]) when `campaignc test` reports. Columns count
//! Unicode characters (`columnKind: unicodeCodePoints`), like every other
//! renderer; `endColumn` is exclusive, as SARIF defines it. File paths
//! are URI references: relative paths stay relative (GitHub resolves them
//! against the checkout), absolute ones become `file://` URIs.
//!
//! The document is written through private structs, like the JSON
//! renderer's, so the compiler's own types stay free to change; a test in
//! `tests/sarif.rs` validates it against the vendored SARIF 2.1.0 schema.

use std::collections::BTreeSet;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use super::{clamp, display_path, file_of};
use crate::diagnostics::codes;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceMap, Span};

/// The rule id of a failed test expectation (not a diagnostic code: the
/// campaigns are valid, their behaviour is not what the test expects).
pub const TEST_RULE: &str = "test-failed";

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// A failed expectation of a `test` block, as `campaignc test` reports it.
#[derive(Clone, Debug)]
pub struct FailedTest {
    /// What failed and what happened instead, in one or more sentences.
    pub message: String,
    /// The expectation (or the test block) that failed.
    pub span: Span,
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// All diagnostics (and failed tests) as one pretty-printed SARIF 2.1.0
/// log, ending in a newline.
pub fn sarif(diags: &[Diagnostic], sources: &SourceMap, failed_tests: &[FailedTest]) -> String {
    // One rule per code that occurs, sorted, so the output is the same
    // whatever the order of the diagnostics.
    let mut ids: Vec<&str> = diags
        .iter()
        .map(|d| d.code)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !failed_tests.is_empty() {
        ids.push(TEST_RULE);
    }
    let index_of = |id: &str| ids.iter().position(|r| *r == id).unwrap_or(0);
    let rules = ids.iter().map(|id| rule(id, diags)).collect::<Vec<Rule>>();

    let mut results: Vec<SarifResult> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\n\nhelp: ");
                text.push_str(help);
            }
            SarifResult {
                rule_id: d.code,
                rule_index: index_of(d.code),
                level: d.severity.as_str(),
                message: Text { text },
                locations: location(d.span, sources, None, d.primary_label.as_deref())
                    .into_iter()
                    .collect(),
                related_locations: d
                    .labels
                    .iter()
                    .enumerate()
                    .filter_map(|(i, l)| location(l.span, sources, Some(i), Some(&l.message)))
                    .collect(),
            }
        })
        .collect();
    results.extend(failed_tests.iter().map(|t| SarifResult {
        rule_id: TEST_RULE,
        rule_index: index_of(TEST_RULE),
        level: "error",
        message: Text {
            text: t.message.clone(),
        },
        locations: location(t.span, sources, None, None).into_iter().collect(),
        related_locations: Vec::new(),
    }));

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "campaignc",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    // Serialising strings and numbers cannot fail; an empty but valid log
    // rather than a panic if it ever did.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| {
        "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"campaignc\"}},\"results\":[]}]}".to_string()
    });
    text.push('\n');
    crate::text::escape_json_controls(&text).into_owned()
}

/// The rule of a code: its registered title and explanation, at the
/// severity it is reported with.
fn rule(id: &str, diags: &[Diagnostic]) -> Rule {
    if id == TEST_RULE {
        return Rule {
            id: id.to_string(),
            short_description: Text {
                text: "a test block's expectation failed".to_string(),
            },
            help: None,
            default_configuration: Configuration { level: "error" },
        };
    }
    let level = diags
        .iter()
        .find(|d| d.code == id)
        .map_or("warning", |d| d.severity.as_str());
    match codes::lookup(id) {
        Some(info) => Rule {
            id: id.to_string(),
            short_description: Text {
                text: info.title.to_string(),
            },
            help: Some(Help {
                text: info.explanation.trim().to_string(),
                markdown: info.explanation.trim().to_string(),
            }),
            default_configuration: Configuration { level },
        },
        None => Rule {
            id: id.to_string(),
            short_description: Text {
                text: id.to_string(),
            },
            help: None,
            default_configuration: Configuration { level },
        },
    }
}

/// Where a span is, or nothing when it names no file of the map (a
/// project-level problem: such a result has no location).
fn location(
    span: Span,
    sources: &SourceMap,
    id: Option<usize>,
    message: Option<&str>,
) -> Option<Location> {
    let file = file_of(sources, span)?;
    let (start, end) = clamp(span, &file.text);
    let (start_line, start_column) = file.line_col(start);
    let (end_line, end_column) = file.line_col(end);
    Some(Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_of(&display_path(file)),
            },
            region: Region {
                start_line,
                start_column,
                end_line,
                // An empty span still covers one column: a SARIF region
                // ends after it starts.
                end_column: if end > start {
                    end_column
                } else {
                    start_column + 1
                },
            },
        },
        message: message.map(|m| Text {
            text: m.to_string(),
        }),
    })
}

/// Characters left as they are in a path segment of a URI.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path (with `/` separators) as a URI reference: each segment
/// percent-encoded; an absolute path (`/x`, `C:/x`) as a `file://` URI.
fn uri_of(path: &str) -> String {
    let drive = path.len() >= 2 && path.as_bytes()[1] == b':';
    let encoded = path
        .split('/')
        .enumerate()
        .map(|(i, segment)| {
            if drive && i == 0 {
                segment.to_string()
            } else {
                utf8_percent_encode(segment, SEGMENT).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/");
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else if drive {
        format!("file:///{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::test_support::{diagnostics, sources, span_of};

    fn value(text: &str) -> serde_json::Value {
        serde_json::from_str(text).expect("valid JSON")
    }

    #[test]
    fn one_rule_per_code_and_one_result_per_diagnostic() {
        let map = sources();
        let log = value(&sarif(&diagnostics(&map), &map, &[]));
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "campaignc");
        let rules: Vec<&str> = run["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["E0201", "E0202", "W0901"]);
        let first = &run["results"][0];
        assert_eq!(first["ruleId"], "E0201");
        assert_eq!(first["ruleIndex"], 0);
        assert_eq!(first["level"], "error");
        assert_eq!(
            first["message"]["text"],
            "unknown segment `new_trail`\n\nhelp: did you mean `new_trials`?"
        );
        let place = &first["locations"][0]["physicalLocation"];
        assert_eq!(
            place["artifactLocation"]["uri"],
            "campaigns/onboarding.camp"
        );
        // `new_trail` on line 3, columns 12..21 (the end is exclusive).
        assert_eq!(place["region"]["startLine"], 3);
        assert_eq!(place["region"]["startColumn"], 12);
        assert_eq!(place["region"]["endLine"], 3);
        assert_eq!(place["region"]["endColumn"], 21);
        let related = &first["relatedLocations"][0];
        assert_eq!(related["message"]["text"], "a segment with a similar name");
        assert_eq!(
            related["physicalLocation"]["artifactLocation"]["uri"],
            "campaigns/segments.camp"
        );
        assert_eq!(run["results"][2]["level"], "warning");
        assert_eq!(run["results"][2]["ruleIndex"], 2);
    }

    #[test]
    fn failed_tests_are_results_of_their_own_rule() {
        let map = sources();
        let failed = FailedTest {
            message: "expected `send welcome at 0d`; found: nothing was sent".into(),
            span: span_of(&map, 0, "send welcom"),
        };
        let log = value(&sarif(&[], &map, &[failed]));
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["id"], TEST_RULE);
        assert_eq!(run["results"][0]["ruleId"], TEST_RULE);
        assert_eq!(
            run["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
            5
        );
    }

    #[test]
    fn a_diagnostic_without_a_file_has_no_location() {
        let map = SourceMap::new();
        let d = Diagnostic::warning("W0901", "no .camp files", Span::default());
        let log = value(&sarif(&[d], &map, &[]));
        assert!(log["runs"][0]["results"][0].get("locations").is_none());
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_of("campaigns/a b.camp"), "campaigns/a%20b.camp");
        assert_eq!(uri_of("/tmp/x/čau.camp"), "file:///tmp/x/%C4%8Dau.camp");
        assert_eq!(uri_of("C:/p/a.camp"), "file:///C:/p/a.camp");
        assert_eq!(uri_of("a#b?.camp"), "a%23b%3F.camp");
    }
}
