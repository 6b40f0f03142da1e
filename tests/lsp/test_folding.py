"""Folding ranges: a campaign, its flow blocks, locale blocks, block
strings and runs of comment lines."""

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import open_file, position_of, uri

PATH = "flows/onboarding.camp"


async def folds(client: LanguageClient, relative: str):
    answer = await client.text_document_folding_range_async(
        t.FoldingRangeParams(text_document=t.TextDocumentIdentifier(uri=uri(client, relative)))
    )
    return {r.start_line: (r.end_line, r.kind) for r in answer}


def line_of(text: str, needle: str, nth: int = 0) -> int:
    return position_of(text, needle, nth).line


def closing_line(text: str, opening: str) -> int:
    """The line of the `}` that closes the block opened on `opening`'s line,
    found by its indentation."""
    start = text.index(opening)
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    return line_of(text[:start] + text[start:].replace("\n" + indent + "}", "\n" + indent + "\0", 1), "\0")


async def test_a_campaign_and_its_flow_fold(client: LanguageClient):
    text = open_file(client, PATH)
    ranges = await folds(client, PATH)
    campaign = line_of(text, "campaign onboarding {")
    # Down to the line before its `}`, which stays visible.
    assert ranges[campaign] == (closing_line(text, "campaign onboarding {") - 1, None)
    flow = line_of(text, "  flow {")
    assert ranges[flow] == (closing_line(text, "flow {") - 1, None)
    wait = line_of(text, "wait for order_placed")
    assert ranges[wait] == (closing_line(text, "wait for order_placed") - 1, None)
    # `on event { send … }` on one line: nothing to fold.
    assert line_of(text, "on event {") not in ranges


async def test_a_locale_block_and_its_body_fold(client: LanguageClient):
    text = open_file(client, PATH)
    ranges = await folds(client, PATH)
    locale = line_of(text, "locale en {")
    assert ranges[locale] == (closing_line(text, "locale en {") - 1, None)
    body = line_of(text, 'body """')
    closing_quotes = line_of(text, '      """')
    assert ranges[body] == (closing_quotes - 1, None)
    message = line_of(text, "message welcome: email {")
    assert ranges[message] == (closing_line(text, "message welcome: email {") - 1, None)


async def test_comment_runs_fold_as_comments(client: LanguageClient):
    text = open_file(client, PATH)
    ranges = await folds(client, PATH)
    assert ranges[0] == (line_of(text, "// four locales with"), t.FoldingRangeKind.Comment)
    doc = line_of(text, "/// Turns a new account")
    assert ranges[doc] == (doc + 1, t.FoldingRangeKind.Comment)
