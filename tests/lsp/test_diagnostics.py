"""Diagnostics as you type: a typo appears under the cursor, in the file
that uses a renamed name too, and goes away when fixed."""

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, open_file, uri


async def diagnostics_for(client: LanguageClient, file_uri: str, want):
    """Waits until the diagnostics published for `file_uri` satisfy `want`."""
    for _ in range(50):
        current = client.diagnostics.get(file_uri)
        if current is not None and want(current):
            return current
        await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    raise AssertionError(f"no matching diagnostics for {file_uri}: {client.diagnostics.get(file_uri)}")


async def test_a_typo_is_reported_and_cleared_when_fixed(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    # The step at the start of a line, not the comment that mentions it.
    broken = text.replace("\n    wait 1d\n", "\n    wait 1 day\n", 1)
    assert broken != text
    change(client, path, 2, broken)
    found = await diagnostics_for(client, uri(client, path), lambda ds: len(ds) > 0)
    assert len(found) == 1, found  # exactly the one error: recovery keeps the rest
    assert found[0].code == "E0101"
    assert found[0].severity == t.DiagnosticSeverity.Error
    assert found[0].code_description is not None
    line = broken[: broken.index("    wait 1 day")].count("\n")
    assert found[0].range.start.line == line
    change(client, path, 3, text)
    await diagnostics_for(client, uri(client, path), lambda ds: len(ds) == 0)
