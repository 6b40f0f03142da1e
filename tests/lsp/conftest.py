"""End-to-end tests of `campaignc lsp`, driven over stdio by pytest-lsp.

Each test gets a fresh server on a private copy of the example project
(`campaigns/`), so nothing a test does can touch the repository. The
binary is `$CAMPAIGNC` or `target/debug/campaignc` (build it first:
`cargo build`). Run with `.ci/lsp-tests` (which makes the venv) or
`pytest tests/lsp` inside a venv that has pytest-lsp.
"""

import asyncio
import os
import pathlib
import shutil
import sys

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("CAMPAIGNC", str(REPO / "target" / "debug" / "campaignc"))
EXAMPLE = REPO / "campaigns"


class Published(dict):
    """pytest-lsp's map from a file to its last published diagnostics,
    also keeping every list published for it, in order."""

    def __init__(self):
        super().__init__()
        self.history = {}

    def __setitem__(self, file_uri, diagnostics):
        super().__setitem__(file_uri, diagnostics)
        self.history.setdefault(file_uri, []).append(diagnostics)


@pytest.fixture
def project(tmp_path_factory) -> pathlib.Path:
    """A private copy of the example project."""
    root = tmp_path_factory.mktemp("project") / "campaigns"
    shutil.copytree(EXAMPLE, root)
    return root


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BINARY, "lsp"]))
async def client(lsp_client: LanguageClient, project: pathlib.Path):
    # VS Code's capabilities allow dynamic registration: the server asks to
    # be told of `.camp` files changed on disk. Accept it, as VS Code does.
    @lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(params: t.RegistrationParams):
        lsp_client.registrations = list(params.registrations)
        return None

    # Every list published, in order, per file: two publications can reach
    # the client in one read, and a test waiting for the first must still
    # see it (`diagnostics_for`).
    lsp_client.diagnostics = Published()
    lsp_client.published = lsp_client.diagnostics.history

    result = await lsp_client.initialize_session(
        t.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=project.as_uri(),
            workspace_folders=[t.WorkspaceFolder(uri=project.as_uri(), name="campaigns")],
        )
    )
    lsp_client.project = project
    lsp_client.server_capabilities = result.capabilities
    yield
    await lsp_client.shutdown_session()


def uri(client: LanguageClient, relative: str) -> str:
    return (client.project / relative).as_uri()


def open_file(client: LanguageClient, relative: str) -> str:
    """Opens a project file as the editor would; returns its text."""
    text = (client.project / relative).read_text(encoding="utf-8")
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(
                uri=uri(client, relative), language_id="camp", version=1, text=text
            )
        )
    )
    return text


def position_of(text: str, needle: str, nth: int = 0, offset: int = 0) -> t.Position:
    """The position of the `nth` occurrence of `needle` (plus `offset`
    characters), in UTF-16 units as the protocol counts by default."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    start += offset
    line = text.count("\n", 0, start)
    column_text = text[text.rfind("\n", 0, start) + 1 : start]
    return t.Position(line=line, character=len(column_text.encode("utf-16-le")) // 2)


def change(client: LanguageClient, relative: str, version: int, text: str) -> None:
    """Replaces the whole buffer (a full-text change)."""
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(
                uri=uri(client, relative), version=version
            ),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def offset_of(text: str, position: t.Position) -> int:
    """The offset of a UTF-16 position, clamped to the text as editors do."""
    lines = text.split("\n")
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) + 1 for line in lines[: position.line])
    line = lines[position.line]
    units = 0
    for index, char in enumerate(line):
        if units >= position.character:
            return start + index
        units += len(char.encode("utf-16-le")) // 2
    return start + len(line)


def apply_edits(text: str, edits) -> str:
    """Applies LSP text edits (non-overlapping, any order)."""
    spans = sorted(
        ((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


async def diagnostics_for(client: LanguageClient, file_uri: str, want, seconds: float = 20):
    """Waits until a list published for `file_uri` satisfies `want` (the
    current one, or one published since the call) and returns it; fails
    after `seconds` rather than hang, showing every list published."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    seen = len(client.published.get(file_uri, []))
    current = client.diagnostics.get(file_uri)
    if current is not None and want(current):
        return current
    while True:
        lists = client.published.get(file_uri, [])
        for found in lists[seen:]:
            if want(found):
                return found
        seen = len(lists)
        left = deadline - loop.time()
        if left <= 0:
            break
        try:
            await asyncio.wait_for(
                client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), left
            )
        except asyncio.TimeoutError:
            break
    history = [[d.code for d in ds] for ds in client.published.get(file_uri, [])]
    raise AssertionError(f"no matching diagnostics for {file_uri}; published, in order: {history}")
