"""Formatting a whole document with the `fmt` engine."""

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import apply_edits, change, open_file, uri


async def format_request(client: LanguageClient, relative: str):
    return await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, relative)),
            options=t.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )


def mangle(text: str) -> str:
    """The same file, badly indented (outside strings), with trailing blanks."""
    mangled = text.replace("\n  audience first_timers\n", "\n        audience first_timers\n", 1)
    mangled = mangled.replace("\n    send welcome\n", "\nsend welcome\n", 1)
    mangled = mangled.replace("\n    wait 1d\n", "\n\t\twait 1d   \n", 1)
    assert mangled.count("\n") == text.count("\n") and mangled != text
    return mangled


async def test_formatting_a_badly_indented_file_gives_the_canonical_text(client: LanguageClient):
    path = "flows/onboarding.camp"
    canonical = open_file(client, path)  # the example project is formatted
    change(client, path, 2, mangle(canonical))
    edits = await format_request(client, path)
    assert edits, "a badly indented file must get edits"
    assert apply_edits(mangle(canonical), edits) == canonical

    # Formatting the canonical text changes nothing.
    change(client, path, 3, canonical)
    assert not await format_request(client, path)


async def test_formatting_non_ascii_text_keeps_it(client: LanguageClient):
    # Vietnamese, Czech and Chinese templates in one file.
    path = "flows/onboarding.camp"
    canonical = open_file(client, path)
    assert "Chào mừng" in canonical and "您好" in canonical
    mangled = canonical.replace("\n  locale vi {\n", "\n      locale vi {\n", 1)
    assert mangled != canonical
    change(client, path, 2, mangled)
    edits = await format_request(client, path)
    assert apply_edits(mangled, edits) == canonical


async def test_formatting_a_file_with_a_syntax_error_answers_an_error(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    broken = text.replace("\n    wait 1d\n", "\n    wait 1 day\n", 1)
    change(client, path, 2, broken)
    with pytest.raises(Exception) as failure:
        await format_request(client, path)
    assert "syntax error" in str(failure.value), failure.value
    # The buffer is untouched and the server still formats the fixed text.
    change(client, path, 3, text)
    assert not await format_request(client, path)
