"""The document life cycle: files outside the project, closing a buffer,
files changed on disk while closed; and errors that leave the server
serving."""

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, diagnostics_for, open_file, position_of, uri


async def settle(client: LanguageClient):
    """Returns once the server has handled everything sent before and
    published what that changed: a request makes it check at once and
    publish right after its answer, and the second answer comes after
    that publication."""
    for _ in range(2):
        await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="settle"))


def watched(client: LanguageClient, relative: str, kind: t.FileChangeType):
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(changes=[t.FileEvent(uri=uri(client, relative), type=kind)])
    )


async def test_the_server_registers_for_camp_file_changes(client: LanguageClient):
    await settle(client)
    registrations = getattr(client, "registrations", [])
    assert [r.method for r in registrations] == ["workspace/didChangeWatchedFiles"]
    watchers = registrations[0].register_options["watchers"]
    assert [w["globPattern"] for w in watchers] == ["**/*.camp"]


async def test_a_file_outside_the_project_does_not_join_it(client: LanguageClient, tmp_path):
    # It declares a segment the project already has: were it part of the
    # project, that would be a duplicate declaration (E0201).
    outside = tmp_path / "elsewhere" / "scratch.camp"
    outside.parent.mkdir()
    text = "segment first_timers = loyalty_points > 1\n"
    outside.write_text(text, encoding="utf-8")
    client.text_document_did_open(
        t.DidOpenTextDocumentParams(
            text_document=t.TextDocumentItem(uri=outside.as_uri(), language_id="camp", version=1, text=text)
        )
    )
    await settle(client)
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="first_timers"))
    assert [s.location.uri for s in found if s.name == "first_timers"] == [uri(client, "segments.camp")]
    assert not client.diagnostics.get(uri(client, "segments.camp"))
    assert outside.as_uri() not in client.diagnostics
    # A request about it is refused with a reason, and the server goes on.
    with pytest.raises(Exception) as failure:
        await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=outside.as_uri()))
        )
    assert "not a .camp file of the project" in str(failure.value)
    text = open_file(client, "segments.camp")
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri(client, "segments.camp")))
    )
    assert "first_timers" in [s.name for s in symbols]


async def test_closing_a_buffer_puts_the_disk_text_back(client: LanguageClient):
    path = "segments.camp"
    text = open_file(client, path)
    user = uri(client, "flows/onboarding.camp")
    change(client, path, 2, text.replace("segment first_timers =", "segment first_timerz =", 1))
    await diagnostics_for(client, user, lambda ds: [d.code for d in ds] == ["E0207"])
    # Closed without saving: the file on disk never had the rename.
    client.text_document_did_close(
        t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri(client, path)))
    )
    await diagnostics_for(client, user, lambda ds: len(ds) == 0)
    assert (client.project / path).read_text(encoding="utf-8") == text


async def test_a_file_changed_on_disk_while_closed_is_read_again(client: LanguageClient):
    path = "segments.camp"
    disk = client.project / path
    text = disk.read_text(encoding="utf-8")
    user = uri(client, "flows/onboarding.camp")
    await settle(client)
    assert not client.diagnostics.get(user)

    # Changed (as `git checkout` would): the campaign's audience is gone.
    disk.write_text(text.replace("segment first_timers =", "segment first_timerz =", 1), encoding="utf-8")
    watched(client, path, t.FileChangeType.Changed)
    found = await diagnostics_for(client, user, lambda ds: len(ds) > 0)
    assert [d.code for d in found] == ["E0207"]

    disk.write_text(text, encoding="utf-8")
    watched(client, path, t.FileChangeType.Changed)
    await diagnostics_for(client, user, lambda ds: len(ds) == 0)


async def test_files_created_and_deleted_on_disk_join_and_leave_the_project(client: LanguageClient):
    extra = "flows/extra.camp"
    disk = client.project / extra
    disk.write_text("/// A second `vip`.\nsegment vip = loyalty_points > 1\n", encoding="utf-8")
    watched(client, extra, t.FileChangeType.Created)
    # The first declaration in path order is in flows/extra.camp; the
    # duplicate is reported on the other one, with the first as related.
    found = await diagnostics_for(
        client, uri(client, "segments.camp"), lambda ds: any(d.code == "E0201" for d in ds)
    )
    duplicate = next(d for d in found if d.code == "E0201")
    assert "vip" in duplicate.message
    assert [r.location.uri for r in duplicate.related_information or []] == [uri(client, extra)], duplicate
    disk.unlink()
    watched(client, extra, t.FileChangeType.Deleted)
    await diagnostics_for(client, uri(client, "segments.camp"), lambda ds: len(ds) == 0)
    await settle(client)
    assert all(not ds for ds in client.diagnostics.values()), client.diagnostics


async def test_an_unknown_method_is_answered_with_an_error(client: LanguageClient):
    with pytest.raises(Exception) as failure:
        await client.protocol.send_request_async("campaignc/noSuchMethod", {})
    assert "unknown method" in str(failure.value)
    # Still serving.
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="onboarding"))
    assert found


async def test_positions_past_the_end_and_inside_non_ascii_text_are_safe(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    doc = t.TextDocumentIdentifier(uri=uri(client, path))
    lines = text.count("\n")
    for position in (
        t.Position(line=lines + 100, character=0),
        t.Position(line=0, character=10_000),
        # Inside and after a Chinese line.
        position_of(text, "歡迎加入", offset=2),
        t.Position(line=position_of(text, "歡迎加入").line, character=500),
    ):
        assert await client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=position)) in (None, [])
        await client.text_document_references_async(
            t.ReferenceParams(text_document=doc, position=position, context=t.ReferenceContext(include_declaration=True))
        )
    # An edit whose range is past the end appends at the end.
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri(client, path), version=2),
            content_changes=[
                t.TextDocumentContentChangePartial(
                    range=t.Range(start=t.Position(line=lines + 5, character=3), end=t.Position(line=lines + 9, character=0)),
                    text="// Chào bạn, 您好\n",
                )
            ],
        )
    )
    await settle(client)
    assert not client.diagnostics.get(uri(client, path))
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc))
    assert symbols
