"""Rename: prepareRename names the word under the cursor; rename rewrites
the declaration and every use in every file (templates, tests and personas
included), and the project still checks; a bad new name is refused with
the reason."""

import pathlib
import subprocess

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import BINARY, apply_edits, open_file, position_of, uri


def apply_workspace_edit(project: pathlib.Path, edit: t.WorkspaceEdit) -> list:
    """Writes the edit to the files on disk; returns the relative paths
    touched, sorted."""
    touched = []
    for file_uri, edits in (edit.changes or {}).items():
        path = pathlib.Path(file_uri.removeprefix("file://"))
        text = apply_edits(path.read_text(encoding="utf-8"), edits)
        path.write_text(text, encoding="utf-8")
        touched.append(path.relative_to(project).as_posix())
    return sorted(touched)


def check(project: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BINARY, "check", str(project), "--deny", "warnings"], capture_output=True, text=True
    )


async def rename(client: LanguageClient, path: str, text: str, needle: str, new: str, offset=1, nth=0):
    return await client.text_document_rename_async(
        t.RenameParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
            position=position_of(text, needle, nth=nth, offset=offset),
            new_name=new,
        )
    )


async def test_prepare_rename_names_the_word_under_the_cursor(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    answer = await client.text_document_prepare_rename_async(
        t.PrepareRenameParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
            position=position_of(text, "audience first_timers", offset=len("audience fir")),
        )
    )
    assert answer.placeholder == "first_timers"
    assert answer.range.start == position_of(text, "audience first_timers", offset=len("audience "))
    assert answer.range.end == position_of(text, "audience first_timers", offset=len("audience first_timers"))


async def test_a_segment_is_renamed_in_every_file_that_uses_it(client: LanguageClient):
    path = "flows/winback.camp"
    text = open_file(client, path)
    edit = await rename(client, path, text, "if vip {", "big_spenders", offset=4)
    touched = apply_workspace_edit(client.project, edit)
    assert touched == ["flows/churn_prevention.camp", "flows/winback.camp", "segments.camp"]
    assert "segment big_spenders =" in (client.project / "segments.camp").read_text(encoding="utf-8")
    result = check(client.project)
    assert result.returncode == 0, result.stderr


async def test_a_persona_is_renamed_in_the_tests(client: LanguageClient):
    path = "personas.camp"
    text = open_file(client, path)
    edit = await rename(client, path, text, "persona emily", "emma", offset=len("persona e"))
    touched = apply_workspace_edit(client.project, edit)
    assert "personas.camp" in touched
    assert "tests/onboarding.camp" in touched
    assert "persona emma" in (client.project / "tests/onboarding.camp").read_text(encoding="utf-8")
    result = check(client.project)
    assert result.returncode == 0, result.stderr


async def test_an_attribute_is_renamed_inside_templates(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    # From a use inside `{{ }}`.
    edit = await rename(client, path, text, "customer.first_name", "given_name", offset=len("customer.fi"))
    touched = apply_workspace_edit(client.project, edit)
    for file in ["schema.camp", "personas.camp", "flows/onboarding.camp", "flows/loyalty.camp"]:
        assert file in touched, touched
    onboarding = (client.project / path).read_text(encoding="utf-8")
    assert '{{default customer.given_name "friend"}}' in onboarding
    assert "first_name" not in onboarding
    result = check(client.project)
    assert result.returncode == 0, result.stderr


async def test_a_locale_is_renamed_in_every_block_and_list(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    edit = await rename(client, path, text, "locale vi {", "vi-VN", offset=len("locale v"))
    touched = apply_workspace_edit(client.project, edit)
    assert "personas.camp" in touched and "flows/onboarding.camp" in touched
    onboarding = (client.project / path).read_text(encoding="utf-8")
    assert "locales en, vi-VN, cs, zh-Hant" in onboarding
    assert "locale vi {" not in onboarding
    result = check(client.project)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "new, reason",
    [
        ("Big-Spenders", "is not a valid segment name"),
        ("send", "is a reserved word"),
        ("first_timers", "a segment `first_timers` already exists at segments.camp:7"),
        ("plan", "an attribute `plan` already exists at schema.camp:"),
    ],
)
async def test_a_bad_new_name_is_refused_with_the_reason(client: LanguageClient, new, reason):
    path = "flows/winback.camp"
    text = open_file(client, path)
    with pytest.raises(Exception) as refused:
        await rename(client, path, text, "if vip {", new, offset=4)
    assert reason in str(refused.value)


async def test_a_builtin_cannot_be_renamed(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    with pytest.raises(Exception) as refused:
        await client.text_document_prepare_rename_async(
            t.PrepareRenameParams(
                text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
                position=position_of(text, "{{unsubscribe_url}}", offset=4),
            )
        )
    assert "`unsubscribe_url` is built into every template and cannot be renamed" in str(refused.value)
    # Past the end of the file: nothing to rename, an error, no crash.
    with pytest.raises(Exception) as nothing:
        await client.text_document_prepare_rename_async(
            t.PrepareRenameParams(
                text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
                position=t.Position(line=100000, character=5),
            )
        )
    assert "no name here" in str(nothing.value)
