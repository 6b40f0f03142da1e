"""Code actions: the checker's fixes offered as quick fixes for the
diagnostics in the request's context. Each one, applied to a broken copy
of the example project, makes it check clean again (on disk with
`campaignc check`, and in the server's diagnostics)."""

import pathlib

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, diagnostics_for, open_file, uri
from test_rename import apply_workspace_edit, check


def break_on_disk(client: LanguageClient, path: str, old: str, new: str) -> str:
    """Writes a broken version of a project file and opens it."""
    file = client.project / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return open_file(client, path)


async def quick_fixes(client: LanguageClient, path: str, code: str):
    """The diagnostic `code` of `path` and the code actions for it."""
    file_uri = uri(client, path)
    found = await diagnostics_for(client, file_uri, lambda ds: any(d.code == code for d in ds))
    diagnostic = next(d for d in found if d.code == code)
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=file_uri),
            range=diagnostic.range,
            context=t.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    for action in actions:
        assert action.kind == t.CodeActionKind.QuickFix
        assert list(action.diagnostics) == [diagnostic]
    return diagnostic, list(actions)


async def apply_and_check(client: LanguageClient, action: t.CodeAction, version: int):
    """Applies the action's edit on disk, tells the server, and expects a
    clean project both ways."""
    touched = apply_workspace_edit(client.project, action.edit)
    for path in touched:
        change(client, path, version, (client.project / path).read_text(encoding="utf-8"))
    result = check(client.project)
    assert result.returncode == 0, result.stderr
    return touched


async def test_a_did_you_mean_is_a_quick_fix(client: LanguageClient):
    path = "flows/onboarding.camp"
    break_on_disk(client, path, "audience first_timers", "audience first_timer")
    diagnostic, actions = await quick_fixes(client, path, "E0207")
    assert [a.title for a in actions] == ["Change to `first_timers`"]
    assert actions[0].is_preferred
    touched = await apply_and_check(client, actions[0], 2)
    assert touched == [path]
    await diagnostics_for(client, uri(client, path), lambda ds: len(ds) == 0)


async def test_a_misspelt_template_variable_is_a_quick_fix(client: LanguageClient):
    path = "flows/onboarding.camp"
    break_on_disk(client, path, 'customer.signed_up_at "long"', 'customer.signed_upat "long"')
    _, actions = await quick_fixes(client, path, "E0402")
    assert [a.title for a in actions] == ["Change to `signed_up_at`"]
    await apply_and_check(client, actions[0], 2)
    await diagnostics_for(client, uri(client, path), lambda ds: len(ds) == 0)


async def test_a_missing_locale_block_is_added_from_the_reference_locale(client: LanguageClient):
    path = "flows/onboarding.camp"
    file = client.project / path
    text = file.read_text(encoding="utf-8")
    welcome = text.index("message welcome")
    start = text.index("\n\n  locale cs {", welcome)
    end = text.index("\n  }\n", start + 2) + len("\n  }")
    file.write_text(text[:start] + text[end:], encoding="utf-8")
    open_file(client, path)
    _, actions = await quick_fixes(client, path, "E0501")
    assert [a.title for a in actions] == ["Add a `locale cs` block copied from `en`"]
    await apply_and_check(client, actions[0], 2)
    fixed = file.read_text(encoding="utf-8")
    assert "  // TODO: translate from en\n  locale cs {\n    subject \"Welcome to Lumen Coffee" in fixed
    await diagnostics_for(client, uri(client, path), lambda ds: len(ds) == 0)


async def test_the_consent_attribute_is_added_to_the_schema(client: LanguageClient):
    schema = client.project / "schema.camp"
    text = schema.read_text(encoding="utf-8")
    schema.write_text(
        text.replace("  /// Push notification consent given in the app.\n  attr push_opt_in: bool consent(push)\n", ""),
        encoding="utf-8",
    )
    winback = client.project / "flows/winback.camp"
    winback.write_text(
        winback.read_text(encoding="utf-8").replace(" and push_opt_in == false", ""), encoding="utf-8"
    )
    # The server reads the changed files from disk, as after a `git checkout`.
    client.workspace_did_change_watched_files(
        t.DidChangeWatchedFilesParams(
            changes=[
                t.FileEvent(uri=uri(client, "schema.camp"), type=t.FileChangeType.Changed),
                t.FileEvent(uri=uri(client, "flows/winback.camp"), type=t.FileChangeType.Changed),
            ]
        )
    )
    path = "flows/onboarding.camp"
    open_file(client, path)
    _, actions = await quick_fixes(client, path, "E0605")
    assert [a.title for a in actions] == ["Add `attr push_opt_in: bool consent(push)` to the schema"]
    touched = apply_workspace_edit(client.project, actions[0].edit)
    assert touched == ["schema.camp"]
    result = check(client.project)
    assert result.returncode == 0, result.stderr


async def test_no_fix_for_a_diagnostic_without_one(client: LanguageClient):
    path = "flows/onboarding.camp"
    break_on_disk(client, path, "\n    wait 1d\n", "\n    wait 1 day\n")
    _, actions = await quick_fixes(client, path, "E0101")
    assert list(actions) == []
