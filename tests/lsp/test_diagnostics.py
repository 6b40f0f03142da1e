"""Diagnostics as you type: a typo appears under the cursor, in the file
that uses a renamed name too, and goes away when fixed."""

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, diagnostics_for, open_file, uri


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


def codes(diagnostics) -> list:
    return sorted(str(d.code) for d in diagnostics)


async def test_renaming_a_segment_breaks_the_campaign_in_another_file_until_undone(
    client: LanguageClient,
):
    # segments.camp declares `first_timers`; flows/onboarding.camp, which is
    # not even open, uses it as its audience.
    path = "segments.camp"
    text = open_file(client, path)
    user = uri(client, "flows/onboarding.camp")
    declaration = "segment first_timers ="
    assert text.count(declaration) == 1
    change(client, path, 2, text.replace(declaration, "segment first_timerz ="))
    found = await diagnostics_for(client, user, lambda ds: len(ds) > 0)
    assert codes(found) == ["E0207"], found  # unknown name
    flows = (client.project / "flows/onboarding.camp").read_text(encoding="utf-8")
    assert found[0].range.start.line == flows[: flows.index("audience first_timers")].count("\n")
    assert "first_timers" in found[0].message
    # The did-you-mean names the renamed declaration.
    assert "did you mean `first_timerz`?" in found[0].message, found[0]
    # The error is reported where the name is used, not in the declaring file.
    assert all(d.code != "E0207" for d in client.diagnostics.get(uri(client, path), []))
    # Undo: the campaign's file is cleared.
    change(client, path, 3, text)
    await diagnostics_for(client, user, lambda ds: len(ds) == 0)
