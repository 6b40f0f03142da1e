//! The server's state and its loop: documents in, answers and diagnostics
//! out.
//!
//! Invariants:
//! - The workspace holds every `.camp` file under the root: open buffers
//!   with their editor text, the others as on disk. Closing a buffer puts
//!   the disk text back.
//! - Every answer is computed from the workspace's current snapshot, so it
//!   sees every change received before the request (requests are handled
//!   in order, on one thread).
//! - Diagnostics are published as soon as no message is waiting after a
//!   change (changes that arrive together are checked once), or at once
//!   when a request needed the check anyway;
//!   a file is sent again only when its diagnostics changed, and a file
//!   whose diagnostics went away is sent an empty list.
//! - A handler that fails answers with an LSP error; the server goes on.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crossbeam_channel::{Receiver, TryRecvError};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification as n, request as r, CodeDescription, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    FileChangeType, InitializeParams, Position, PositionEncodingKind, PublishDiagnosticsParams,
    TextDocumentContentChangeEvent, Url,
};

use super::convert::{self, Encoding};
use super::transport::{self, Incoming};
use super::{capabilities, handlers};
use crate::driver::{Snapshot, Workspace};
use crate::source::{LineIndex, SourceFile};

/// An error answer: the JSON-RPC code and a message for the user.
#[derive(Debug)]
pub struct Failure {
    pub code: ErrorCode,
    pub message: String,
}

impl Failure {
    pub fn invalid_params(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::InvalidParams,
            message: message.into(),
        }
    }

    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: ErrorCode::RequestFailed,
            message: message.into(),
        }
    }
}

/// What a request handler sees: the checked project and the file the
/// request is about, with conversions between offsets and positions.
pub struct Ctx<'a> {
    pub snap: Snapshot<'a>,
    /// The file of the request, as the snapshot has it.
    pub file: &'a SourceFile,
    pub root: &'a Path,
    pub encoding: Encoding,
}

impl<'a> Ctx<'a> {
    /// The byte offset of a position in the request's file.
    pub fn offset(&self, position: Position) -> usize {
        convert::offset(&self.file.text, &self.file.lines, position, self.encoding)
    }

    /// The position of a byte offset in the request's file.
    pub fn position(&self, offset: usize) -> Position {
        convert::position(&self.file.text, &self.file.lines, offset, self.encoding)
    }

    /// The range of a span (of any file of the snapshot).
    pub fn range(&self, span: crate::source::Span) -> lsp_types::Range {
        let file = self.snap.sources.get(span.file);
        convert::range(file, span, self.encoding)
    }

    /// The location of a span, if it points into a file.
    pub fn location(&self, span: crate::source::Span) -> Option<lsp_types::Location> {
        convert::location(self.root, self.snap.sources, span, self.encoding)
    }

    /// The URL of a project-relative path.
    pub fn url(&self, relative: &str) -> Option<Url> {
        convert::url(self.root, relative)
    }
}

/// One open buffer.
struct Open {
    version: i32,
}

pub struct Server {
    out: Box<dyn Write>,
    root: PathBuf,
    workspace: Workspace,
    encoding: Encoding,
    open: HashMap<String, Open>,
    /// Files under the root that could not be read (not UTF-8): published
    /// as one error each.
    unreadable: BTreeMap<String, String>,
    /// What was last published per URL (only non-empty lists are kept).
    published: HashMap<Url, Vec<lsp_types::Diagnostic>>,
    /// Whether a change came since diagnostics were last published.
    due: bool,
    shutdown: bool,
    /// Whether the client takes a registration for file change events.
    can_watch: bool,
    explain_dir: Option<PathBuf>,
}

impl Server {
    fn new(out: Box<dyn Write>, root: PathBuf, encoding: Encoding) -> Server {
        Server {
            out,
            workspace: Workspace::new(&root),
            root,
            encoding,
            open: HashMap::new(),
            unreadable: BTreeMap::new(),
            published: HashMap::new(),
            due: false,
            shutdown: false,
            can_watch: false,
            explain_dir: explain_dir(),
        }
    }

    fn send(&mut self, message: Message) -> io::Result<()> {
        transport::write(&mut self.out, message)
    }

    fn notify<N: lsp_types::notification::Notification>(
        &mut self,
        params: N::Params,
    ) -> io::Result<()> {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )))
    }

    /// Reads every `.camp` file under the root into the workspace (open
    /// buffers keep their text).
    fn load(&mut self) {
        let listing = match crate::project::list_project(&self.root) {
            Ok(listing) => listing,
            Err(error) => {
                self.log(&format!("campaignc: cannot read the project: {error}"));
                return;
            }
        };
        let mut seen = Vec::new();
        for (relative, disk_path) in listing.files {
            seen.push(relative.clone());
            if self.open.contains_key(&relative) {
                continue;
            }
            self.read_from_disk(&relative, &disk_path);
        }
        let gone: Vec<String> = self
            .workspace
            .paths()
            .filter(|p| !seen.iter().any(|s| s == p) && !self.open.contains_key(*p))
            .map(str::to_string)
            .collect();
        for path in gone {
            self.workspace.remove_file(&path);
        }
        self.due = true;
    }

    /// Sets a file's text from disk; a file that cannot be read is left out
    /// of the project and reported on its own.
    fn read_from_disk(&mut self, relative: &str, disk_path: &Path) {
        match crate::project::read_camp(disk_path) {
            Ok(text) => {
                self.unreadable.remove(relative);
                self.workspace.set_file(relative, text);
            }
            Err(error) => {
                self.workspace.remove_file(relative);
                if disk_path.exists() {
                    self.unreadable
                        .insert(relative.to_string(), error.to_string());
                } else {
                    self.unreadable.remove(relative);
                }
            }
        }
    }

    fn log(&mut self, message: &str) {
        let _ = self.notify::<n::LogMessage>(lsp_types::LogMessageParams {
            typ: lsp_types::MessageType::WARNING,
            message: message.to_string(),
        });
    }

    /// Handles one message. `Ok(false)` ends the loop (`exit`).
    fn handle(&mut self, message: Message) -> io::Result<bool> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let method = request.method.clone();
                let answer = catch_unwind(AssertUnwindSafe(|| self.request(request)));
                let response = match answer {
                    Ok(Ok(value)) => Response {
                        id,
                        result: Some(value),
                        error: None,
                    },
                    Ok(Err(failure)) => Response::new_err(id, failure.code as i32, failure.message),
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("campaignc failed on `{method}`; please report this as a bug"),
                    ),
                };
                self.send(Message::Response(response))?;
                // A request that needed the check already did it.
                if self.due && self.workspace.is_checked() {
                    self.publish()?;
                }
                Ok(true)
            }
            Message::Notification(notification) => {
                if notification.method == n::Exit::METHOD {
                    return Ok(false);
                }
                let method = notification.method.clone();
                if catch_unwind(AssertUnwindSafe(|| self.notification(notification))).is_err() {
                    self.log(&format!(
                        "campaignc failed on `{method}`; please report this as a bug"
                    ));
                }
                Ok(true)
            }
            // The server sends no requests that need an answer.
            Message::Response(_) => Ok(true),
        }
    }

    fn request(&mut self, request: Request) -> Result<serde_json::Value, Failure> {
        if self.shutdown {
            return Err(Failure {
                code: ErrorCode::InvalidRequest,
                message: "the server is shutting down".to_string(),
            });
        }
        let method = request.method.as_str();
        macro_rules! on {
            ($($kind:ty => $handler:path),* $(,)?) => {
                match method {
                    $(<$kind>::METHOD => {
                        let params: <$kind as r::Request>::Params = parse(request.params)?;
                        let result: <$kind as r::Request>::Result = $handler(self, params)?;
                        Ok(serde_json::to_value(result).unwrap_or(serde_json::Value::Null))
                    })*
                    _ => Err(Failure {
                        code: ErrorCode::MethodNotFound,
                        message: format!("unknown method `{method}`"),
                    }),
                }
            };
        }
        on! {
            r::Shutdown => Self::on_shutdown,
            r::GotoDefinition => handlers::definition,
            r::References => handlers::references,
            r::DocumentSymbolRequest => handlers::document_symbols,
            r::WorkspaceSymbolRequest => handlers::workspace_symbols,
            r::Formatting => handlers::formatting,
            r::HoverRequest => handlers::hover,
            r::Completion => handlers::completion,
            r::PrepareRenameRequest => handlers::prepare_rename,
            r::Rename => handlers::rename,
            r::CodeActionRequest => handlers::code_actions,
            r::FoldingRangeRequest => handlers::folding_ranges,
            r::SemanticTokensFullRequest => handlers::semantic_tokens,
            r::InlayHintRequest => handlers::inlay_hints,
        }
    }

    fn on_shutdown(&mut self, _: ()) -> Result<(), Failure> {
        self.shutdown = true;
        Ok(())
    }

    fn notification(&mut self, notification: Notification) {
        let method = notification.method.as_str();
        let params = notification.params;
        match method {
            n::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(params) {
                    self.did_open(p);
                }
            }
            n::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(params) {
                    self.did_change(p);
                }
            }
            n::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(params) {
                    self.did_close(p);
                }
            }
            n::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(params) {
                    self.did_change_watched(p);
                }
            }
            n::Initialized::METHOD => self.watch_files(),
            // Saving changes nothing: the buffer's text is already in.
            _ => {}
        }
    }

    /// Asks the client to tell about `.camp` files changed on disk (by
    /// git, a generator, another editor).
    fn watch_files(&mut self) {
        if !self.can_watch {
            return;
        }
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String("**/*.camp".to_string()),
                kind: None,
            }],
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "campaignc-watch".to_string(),
                method: n::DidChangeWatchedFiles::METHOD.to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request = Request::new(
            RequestId::from("campaignc-watch".to_string()),
            r::RegisterCapability::METHOD.to_string(),
            params,
        );
        let _ = self.send(Message::Request(request));
    }

    fn relative(&self, url: &Url) -> Option<String> {
        convert::relative(&self.root, url).filter(|p| p.ends_with(".camp"))
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let Some(path) = self.relative(&p.text_document.uri) else {
            return;
        };
        self.open.insert(
            path.clone(),
            Open {
                version: p.text_document.version,
            },
        );
        self.unreadable.remove(&path);
        if self.workspace.set_file(&path, p.text_document.text) {
            self.changed();
        }
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let Some(path) = self.relative(&p.text_document.uri) else {
            return;
        };
        let mut text = self.workspace.file(&path).unwrap_or_default().to_string();
        for change in p.content_changes {
            apply(&mut text, change, self.encoding);
        }
        if let Some(open) = self.open.get_mut(&path) {
            open.version = p.text_document.version;
        }
        if self.workspace.set_file(&path, text) {
            self.changed();
        }
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let Some(path) = self.relative(&p.text_document.uri) else {
            return;
        };
        self.open.remove(&path);
        // The disk has the file's text now (or the file is gone).
        let disk = self.root.join(&path);
        self.read_from_disk(&path, &disk);
        self.changed();
    }

    fn did_change_watched(&mut self, p: DidChangeWatchedFilesParams) {
        for change in p.changes {
            let Some(path) = self.relative(&change.uri) else {
                continue;
            };
            if self.open.contains_key(&path) {
                continue;
            }
            if change.typ == FileChangeType::DELETED {
                self.workspace.remove_file(&path);
                self.unreadable.remove(&path);
            } else {
                let disk = self.root.join(&path);
                self.read_from_disk(&path, &disk);
            }
        }
        self.changed();
    }

    /// Diagnostics are due once the messages already waiting are handled:
    /// a burst of keystrokes is checked once, and a single edit at once
    /// (no timer: a pause would only add to what the user waits).
    fn changed(&mut self) {
        self.due = true;
    }

    /// The context of a request about `url`.
    pub fn ctx(&mut self, url: &Url) -> Result<Ctx<'_>, Failure> {
        let path = self.relative(url).ok_or_else(|| {
            Failure::invalid_params(format!("`{url}` is not a .camp file of the project"))
        })?;
        let root = self.root.as_path();
        let encoding = self.encoding;
        let snap = self.workspace.snapshot();
        let file = snap
            .sources
            .find(&path)
            .ok_or_else(|| Failure::invalid_params(format!("`{path}` is not open or on disk")))?;
        Ok(Ctx {
            snap,
            file,
            root,
            encoding,
        })
    }

    /// The text of a project file as the workspace has it.
    pub fn text(&self, url: &Url) -> Option<(String, &str)> {
        let path = self.relative(url)?;
        let text = self.workspace.file(&path)?;
        Some((path, text))
    }

    /// The checked project (for requests about no file in particular).
    pub fn workspace_snapshot(&mut self) -> Snapshot<'_> {
        self.workspace.snapshot()
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Publishes the diagnostics of every file whose list changed.
    fn publish(&mut self) -> io::Result<()> {
        self.due = false;
        let root = self.root.clone();
        let encoding = self.encoding;
        let explain_dir = self.explain_dir.clone();
        let snap = self.workspace.snapshot();
        let mut lists: BTreeMap<Url, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for d in snap.diagnostics {
            let Some(converted) = convert::diagnostic(&root, snap.sources, d, encoding, |code| {
                explain_link(explain_dir.as_deref(), code)
            }) else {
                continue;
            };
            let file = snap.sources.get(d.span.file);
            if let Some(url) = convert::url(&root, &file.path) {
                lists.entry(url).or_default().push(converted);
            }
        }
        for (path, why) in &self.unreadable {
            if let Some(url) = convert::url(&root, path) {
                lists.entry(url).or_default().push(lsp_types::Diagnostic {
                    range: lsp_types::Range::default(),
                    severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                    source: Some("campaignc".to_string()),
                    message: why.clone(),
                    ..lsp_types::Diagnostic::default()
                });
            }
        }
        let cleared: Vec<Url> = self
            .published
            .keys()
            .filter(|url| !lists.contains_key(*url))
            .cloned()
            .collect();
        for url in cleared {
            self.published.remove(&url);
            self.send_diagnostics(url, Vec::new())?;
        }
        for (url, list) in lists {
            if self.published.get(&url) == Some(&list) {
                continue;
            }
            self.published.insert(url.clone(), list.clone());
            self.send_diagnostics(url, list)?;
        }
        Ok(())
    }

    fn send_diagnostics(
        &mut self,
        url: Url,
        diagnostics: Vec<lsp_types::Diagnostic>,
    ) -> io::Result<()> {
        let version = self
            .relative(&url)
            .and_then(|p| self.open.get(&p))
            .map(|o| o.version);
        self.notify::<n::PublishDiagnostics>(PublishDiagnosticsParams {
            uri: url,
            diagnostics,
            version,
        })
    }
}

/// Applies one change of `didChange` (a range, or the whole text).
fn apply(text: &mut String, change: TextDocumentContentChangeEvent, encoding: Encoding) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = LineIndex::new(text);
            let start = convert::offset(text, &lines, range.start, encoding);
            let end = convert::offset(text, &lines, range.end, encoding).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

fn parse<P: serde::de::DeserializeOwned>(params: serde_json::Value) -> Result<P, Failure> {
    serde_json::from_value(params)
        .map_err(|e| Failure::invalid_params(format!("bad parameters: {e}")))
}

/// Where the explanations that diagnostic codes link to are written: one
/// Markdown file per code, the text of `campaignc explain CODE`.
fn explain_dir() -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("campaignc-{}-explain", env!("CARGO_PKG_VERSION")));
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}

/// The link of a code: its explanation as a file (written once).
fn explain_link(dir: Option<&Path>, code: &str) -> Option<CodeDescription> {
    let info = crate::diagnostics::codes::lookup(code)?;
    let path = dir?.join(format!("{}.md", info.code));
    if !path.exists() {
        let text = format!(
            "# {}: {}\n\n{}\n",
            info.code,
            info.title,
            info.explanation.trim_end()
        );
        let tmp = path.with_extension(format!("md.{}", std::process::id()));
        std::fs::write(&tmp, text).ok()?;
        std::fs::rename(&tmp, &path).ok()?;
    }
    Some(CodeDescription {
        href: Url::from_file_path(&path).ok()?,
    })
}

/// Runs the server on a reader and a writer until `exit` or the end of
/// the input. Returns whether `shutdown` came first (the exit status the
/// protocol asks for).
pub fn run(input: impl BufRead + Send + 'static, output: impl Write + 'static) -> io::Result<bool> {
    let (tx, rx) = crossbeam_channel::unbounded::<Incoming>();
    std::thread::Builder::new()
        .name("lsp-reader".to_string())
        .spawn(move || {
            let mut input = transport::Reader::new(input);
            while let Ok(Some(incoming)) = input.read() {
                if tx.send(incoming).is_err() {
                    break;
                }
            }
        })?;
    let mut output = output;
    let Some((params, id)) = initialize(&rx, &mut output)? else {
        return Ok(false);
    };
    let encoding = negotiate(&params);
    let root = root_of(&params);
    let result = lsp_types::InitializeResult {
        capabilities: capabilities::server(encoding),
        server_info: Some(lsp_types::ServerInfo {
            name: "campaignc".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    transport::write(&mut output, Message::Response(Response::new_ok(id, result)))?;
    let mut server = Server::new(Box::new(output), root, encoding);
    server.can_watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    server.load();
    loop {
        let next = if server.due {
            match rx.try_recv() {
                Ok(incoming) => Some(incoming),
                // Nothing waiting: publish what the changes made.
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(incoming) => Some(incoming),
                Err(_) => break,
            }
        };
        match next {
            Some(Incoming::Message(message)) => {
                if !server.handle(message)? {
                    break;
                }
            }
            Some(Incoming::Malformed { id, why }) => {
                transport::write_malformed(&mut server.out, id, &why)?;
            }
            None => server.publish()?,
        }
        // Idle: free what the last edit made stale.
        if rx.is_empty() {
            server.workspace.release_stale();
        }
    }
    Ok(server.shutdown)
}

/// Waits for `initialize`, answering anything before it with
/// `ServerNotInitialized`. `None`: the input ended or `exit` came first.
fn initialize(
    rx: &Receiver<Incoming>,
    output: &mut impl Write,
) -> io::Result<Option<(InitializeParams, RequestId)>> {
    while let Ok(incoming) = rx.recv() {
        match incoming {
            Incoming::Message(Message::Request(request))
                if request.method == r::Initialize::METHOD =>
            {
                match serde_json::from_value::<InitializeParams>(request.params) {
                    Ok(params) => return Ok(Some((params, request.id))),
                    Err(e) => transport::write(
                        output,
                        Message::Response(Response::new_err(
                            request.id,
                            ErrorCode::InvalidParams as i32,
                            format!("bad initialize parameters: {e}"),
                        )),
                    )?,
                }
            }
            Incoming::Message(Message::Request(request)) => transport::write(
                output,
                Message::Response(Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized yet".to_string(),
                )),
            )?,
            Incoming::Message(Message::Notification(n)) if n.method == n::Exit::METHOD => {
                return Ok(None)
            }
            Incoming::Message(_) => {}
            Incoming::Malformed { id, why } => transport::write_malformed(output, id, &why)?,
        }
    }
    Ok(None)
}

/// UTF-8 positions when the client offers them, else UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|list| list.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The project directory: the first workspace folder, else the root URI,
/// else the current directory.
#[allow(deprecated)] // root_uri and root_path: older clients send only those
fn root_of(params: &InitializeParams) -> PathBuf {
    let from_url = |url: &Url| url.to_file_path().ok();
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .and_then(|f| from_url(&f.uri))
        .or_else(|| params.root_uri.as_ref().and_then(from_url))
        .or_else(|| params.root_path.as_ref().map(PathBuf::from))
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."))
}
