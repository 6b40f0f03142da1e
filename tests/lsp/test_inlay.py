"""Inlay hints: the SMS encoding and segment count after each SMS body,
and the total of the waits along a flow's main path."""

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, open_file, position_of, uri


async def hints(client: LanguageClient, path: str, start: t.Position, end: t.Position):
    return await client.text_document_inlay_hint_async(
        t.InlayHintParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
            range=t.Range(start=start, end=end),
        )
    )


def labelled(found, prefix: str):
    return [h for h in found if isinstance(h.label, str) and h.label.startswith(prefix)]


async def test_sms_bodies_get_encoding_and_segments(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    found = await hints(client, path, t.Position(line=0, character=0), t.Position(line=10_000, character=0))
    sms = [h for h in found if "segment" in h.label]
    assert len(sms) == 4, [h.label for h in found]
    en_body = 'locale en { body "Lumen Coffee: your'
    en_line = position_of(text, en_body).line
    (en,) = [h for h in sms if h.position.line == en_line]
    assert en.label.startswith("GSM-7, 1 segment")
    # Right after the closing quote of the body string.
    assert en.position == position_of(text, 'to opt out"', offset=len('to opt out"'))
    vi_line = position_of(text, "locale vi { body").line
    (vi,) = [h for h in sms if h.position.line == vi_line]
    assert vi.label.startswith("UCS-2, 1 segment")
    # A longer body costs more segments.
    longer = text.replace("Reply STOP to opt out", "Reply STOP to opt out " + "x" * 100, 1)
    change(client, path, 2, longer)
    found = await hints(client, path, t.Position(line=0, character=0), t.Position(line=10_000, character=0))
    (en,) = [h for h in found if h.position.line == en_line]
    assert en.label.startswith("GSM-7, 2 segments")


async def test_flow_gets_its_main_path_duration(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    found = await hints(client, path, t.Position(line=0, character=0), t.Position(line=10_000, character=0))
    (flow,) = labelled(found, "main path")
    # `wait 1h`, then `wait for app_opened up to 1d` times out.
    assert flow.label == "main path: 1d1h"
    assert flow.position == position_of(text, "flow {", offset=len("flow {"))
    # Only what meets the requested range: the flow's line alone.
    line = position_of(text, "flow {").line
    only = await hints(client, path, t.Position(line=line, character=0), t.Position(line=line, character=10))
    assert [h.label for h in only] == ["main path: 1d1h"]
    # A longer wait shows at once.
    change(client, path, 2, text.replace("    wait 1h\n", "    wait 36h\n", 1))
    found = await hints(client, path, t.Position(line=0, character=0), t.Position(line=10_000, character=0))
    assert [h.label for h in labelled(found, "main path")] == ["main path: 1d36h"]


async def test_broken_and_empty_files_give_no_error(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    change(client, path, 2, text.replace("flow {", "flow {{", 1))
    await hints(client, path, t.Position(line=0, character=0), t.Position(line=10_000, character=0))
    change(client, path, 3, "")
    found = await hints(client, path, t.Position(line=0, character=0), t.Position(line=10_000, character=0))
    assert not found
