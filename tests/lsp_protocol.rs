//! `campaignc lsp` never crashes and never stops serving on bad input: the
//! real binary driven over pipes with raw frames. After each bad input the
//! server answers the next valid request. Every read has a timeout
//! (`lsp_client::TIMEOUT`), so a server that stops answering fails the test
//! instead of hanging it.

#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::path::{Path, PathBuf};

use lsp_client::{copy_dir, frame, position_of, uri_of, Client};
use serde_json::{json, Value};

const PARSE_ERROR: i64 = -32700;
const INVALID_PARAMS: i64 = -32602;
const METHOD_NOT_FOUND: i64 = -32601;
const SERVER_NOT_INITIALIZED: i64 = -32002;

fn binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_campaignc"))
}

/// A private copy of the example project.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let root = dir.path().join("campaigns");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns"),
        &root,
    );
    (dir, root)
}

/// A server initialized on a copy of the example project.
fn started() -> (tempfile::TempDir, PathBuf, Client) {
    let (dir, root) = project();
    let mut client = Client::spawn(binary(), &root);
    client.initialize(&root);
    (dir, root, client)
}

fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("an error answer expected, got {response}"))
}

/// A valid request that needs the checked project: go to the definition
/// of `first_timers` in `audience first_timers`. Proves the server still
/// serves.
fn still_serving(client: &mut Client, root: &Path) {
    let path = root.join("flows/onboarding.camp");
    let text = std::fs::read_to_string(&path).expect("the example file");
    let answer = client.result(
        "textDocument/definition",
        json!({
            "textDocument": {"uri": uri_of(&path)},
            "position": position_of(&text, "audience first_timers", 0, "audience f".len()),
        }),
    );
    assert_eq!(
        answer["uri"],
        uri_of(&root.join("segments.camp")),
        "{answer}"
    );
}

#[test]
fn a_malformed_json_body_is_answered_with_a_parse_error() {
    let (_dir, root, mut client) = started();
    client.send_raw(&frame(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": "));
    let answer = client.response(&Value::Null).message;
    assert_eq!(error_code(&answer), PARSE_ERROR, "{answer}");
    // JSON, but not a JSON-RPC message: the id is read back.
    client.send_raw(&frame(br#"{"jsonrpc": "2.0", "id": 77, "method": 5}"#));
    let answer = client.response(&json!(77)).message;
    assert_eq!(error_code(&answer), PARSE_ERROR, "{answer}");
    still_serving(&mut client, &root);
}

#[test]
fn a_body_that_is_not_utf8_is_answered_with_a_parse_error() {
    let (_dir, root, mut client) = started();
    let mut body =
        br#"{"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": ""#.to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(b"\"}");
    client.send_raw(&frame(&body));
    let answer = client.response(&Value::Null).message;
    assert_eq!(error_code(&answer), PARSE_ERROR, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("UTF-8"),
        "{answer}"
    );
    still_serving(&mut client, &root);
}

#[test]
fn a_content_length_larger_than_the_body_costs_only_that_message() {
    let (_dir, root, mut client) = started();
    // The header claims 40 bytes more than the body has: the server reads
    // into the next frame. That message is answered with an error naming
    // its id, and the frame it cut into is still read.
    let body = br#"{"jsonrpc":"2.0","id":41,"method":"workspace/symbol","params":{"query":"vip"}}"#;
    let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len() + 40).into_bytes();
    bytes.extend_from_slice(body);
    client.send_raw(&bytes);
    let next =
        br#"{"jsonrpc":"2.0","id":42,"method":"workspace/symbol","params":{"query":"lapsed"}}"#;
    client.send_raw(&frame(next));
    let answer = client.response(&json!(41)).message;
    assert_eq!(error_code(&answer), PARSE_ERROR, "{answer}");
    assert!(
        answer["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("Content-Length"),
        "{answer}"
    );
    let answer = client.response(&json!(42)).message;
    let names: Vec<&str> = answer["result"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of symbols, got {answer}"))
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"lapsed_buyers"), "{answer}");
    still_serving(&mut client, &root);
}

#[test]
fn a_frame_cut_short_by_the_end_of_the_input_ends_the_server_cleanly() {
    let (_dir, _root, mut client) = started();
    client.send_raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\":\"2.0\"");
    // No `shutdown`: the protocol's status for an unexpected end is 1.
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn headers_without_a_length_and_blank_lines_are_survived() {
    let (_dir, root, mut client) = started();
    client.send_raw(b"\r\n\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n");
    let answer = client.response(&Value::Null).message;
    assert_eq!(error_code(&answer), PARSE_ERROR, "{answer}");
    client.send_raw(b"Content-Length: twelve\r\n\r\n");
    let answer = client.response(&Value::Null).message;
    assert_eq!(error_code(&answer), PARSE_ERROR, "{answer}");
    still_serving(&mut client, &root);
}

#[test]
fn missing_and_ill_typed_params_are_invalid_params() {
    let (_dir, root, mut client) = started();
    let uri = uri_of(&root.join("flows/onboarding.camp"));
    let requests = [
        ("textDocument/definition", Value::Null),
        ("textDocument/definition", json!({})),
        ("textDocument/definition", json!({"textDocument": 5})),
        (
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": -1, "character": "x"}}),
        ),
        ("textDocument/references", json!([1, 2, 3])),
        (
            "textDocument/formatting",
            json!({"textDocument": {"uri": "not a uri"}}),
        ),
        ("workspace/symbol", json!({"query": 12})),
    ];
    for (method, params) in requests {
        let answer = client.request(method, params.clone());
        assert_eq!(
            error_code(&answer),
            INVALID_PARAMS,
            "{method} {params}: {answer}"
        );
        still_serving(&mut client, &root);
    }
    // Notifications with bad params get no answer and change nothing.
    client.notify("textDocument/didOpen", json!({"textDocument": 1}));
    client.notify("textDocument/didChange", Value::Null);
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": "all"}));
    still_serving(&mut client, &root);
}

#[test]
fn an_unknown_method_is_method_not_found() {
    let (_dir, root, mut client) = started();
    let answer = client.request("campaignc/noSuchThing", json!({}));
    assert_eq!(error_code(&answer), METHOD_NOT_FOUND, "{answer}");
    // An unknown notification is ignored, as the protocol asks.
    client.notify("campaignc/somethingHappened", json!({"x": 1}));
    client.notify("$/cancelRequest", json!({"id": 12345}));
    still_serving(&mut client, &root);
}

#[test]
fn a_request_before_initialize_is_refused_and_initialize_still_works() {
    let (_dir, root) = project();
    let mut client = Client::spawn(binary(), &root);
    let answer = client.request("textDocument/definition", json!({}));
    assert_eq!(error_code(&answer), SERVER_NOT_INITIALIZED, "{answer}");
    let answer = client.request("initialize", json!({"capabilities": "none"}));
    assert_eq!(error_code(&answer), INVALID_PARAMS, "{answer}");
    let result = client.initialize(&root);
    assert_eq!(result["serverInfo"]["name"], "campaignc", "{result}");
    still_serving(&mut client, &root);
}

#[test]
fn a_camp_file_that_is_not_utf8_is_a_diagnostic_and_the_rest_is_served() {
    let (_dir, root) = project();
    let bad = root.join("flows/latin1.camp");
    // "Café" in Latin-1.
    std::fs::write(&bad, b"// Caf\xe9\nsegment latin = loyalty_points > 5\n").expect("write");
    let mut client = Client::spawn(binary(), &root);
    client.initialize(&root);
    let (_, list) = client.wait_diagnostics(&uri_of(&bad), |ds| !ds.is_empty());
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["severity"], 1, "an error: {list:?}");
    assert!(
        list[0]["message"].as_str().unwrap_or("").contains("UTF-8"),
        "{list:?}"
    );
    still_serving(&mut client, &root);
    // Requests about it are refused with a reason, not a crash.
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri_of(&bad)}}),
    );
    assert!(answer.get("error").is_some(), "{answer}");
    // Opened in the editor (which decoded it somehow), its text is used.
    client.open(
        &uri_of(&bad),
        "// Café\nsegment latin = loyalty_points > 5\n",
    );
    let symbols = client.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri_of(&bad)}}),
    );
    assert_eq!(symbols[0]["name"], "latin", "{symbols}");
    let (_, list) = client.wait_diagnostics(&uri_of(&bad), |ds| {
        ds.iter()
            .all(|d| !d["message"].as_str().unwrap_or("").contains("UTF-8"))
    });
    assert!(
        list.iter().all(|d| d["severity"] != 1),
        "only warnings are left: {list:?}"
    );
}

#[test]
fn positions_past_the_end_of_the_file_answer_nothing_rather_than_fail() {
    let (_dir, root, mut client) = started();
    let path = root.join("flows/onboarding.camp");
    let text = std::fs::read_to_string(&path).expect("the example file");
    let uri = uri_of(&path);
    client.open(&uri, &text);
    let lines = text.lines().count() as u32;
    let chinese = position_of(&text, "歡迎加入", 0, 0);
    let positions = [
        json!({"line": lines + 1000, "character": 0}),
        json!({"line": lines, "character": 99}),
        json!({"line": 0, "character": 100_000}),
        json!({"line": u32::MAX, "character": u32::MAX}),
        // Inside a Chinese line, between UTF-16 units and past its end.
        json!({"line": chinese["line"], "character": chinese["character"].as_u64().unwrap_or(0) + 1}),
        json!({"line": chinese["line"], "character": 1000}),
    ];
    for position in positions {
        let at = json!({"textDocument": {"uri": uri}, "position": position});
        let answer = client.request("textDocument/definition", at.clone());
        assert!(answer.get("error").is_none(), "{position}: {answer}");
        assert_eq!(answer["result"], Value::Null, "{position}: {answer}");
        let mut with_context = at.clone();
        with_context["context"] = json!({"includeDeclaration": true});
        let answer = client.request("textDocument/references", with_context);
        assert!(answer.get("error").is_none(), "{position}: {answer}");
        for method in ["textDocument/hover", "textDocument/completion"] {
            // Whatever they answer (they may be unimplemented), the server
            // must not fail on the position.
            let answer = client.request(method, at.clone());
            assert_ne!(
                error_code_or_zero(&answer),
                -32603,
                "{method} {position}: {answer}"
            );
        }
    }
    // An edit whose range lies past the end is applied at the end.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": lines + 10, "character": 5}, "end": {"line": lines + 20, "character": 0}},
                "text": "// Chào bạn, 您好\n",
            }],
        }),
    );
    let symbols = client.result(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "onboarding", "{symbols}");
    still_serving(&mut client, &root);
}

fn error_code_or_zero(answer: &Value) -> i64 {
    answer["error"]["code"].as_i64().unwrap_or(0)
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let (_dir, _root, mut client) = started();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}

#[test]
fn exit_after_shutdown_is_status_0_and_requests_between_are_refused() {
    let (_dir, _root, mut client) = started();
    let answer = client.request("shutdown", Value::Null);
    assert_eq!(answer["result"], Value::Null, "{answer}");
    assert!(answer.get("error").is_none(), "{answer}");
    let answer = client.request("workspace/symbol", json!({"query": "vip"}));
    assert!(answer.get("error").is_some(), "{answer}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(0));
}

#[test]
fn exit_before_initialize_is_status_1() {
    let (_dir, root) = project();
    let mut client = Client::spawn(binary(), &root);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit().code(), Some(1));
}
