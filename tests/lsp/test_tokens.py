"""Semantic tokens: keywords, names, comments, and templates inside strings
highlighted as code, decoded from the protocol's relative encoding."""

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, open_file, position_of, uri

PATH = "flows/onboarding.camp"


def utf16_slice(line: str, start: int, length: int) -> str:
    units = line.encode("utf-16-le")
    return units[start * 2 : (start + length) * 2].decode("utf-16-le")


async def tokens_of(client: LanguageClient, relative: str, text: str):
    """The file's tokens as {(line, column): (text, type, modifiers)}, in
    the order the server sent them."""
    legend = client.server_capabilities.semantic_tokens_provider.legend
    answer = await client.text_document_semantic_tokens_full_async(
        t.SemanticTokensParams(text_document=t.TextDocumentIdentifier(uri=uri(client, relative)))
    )
    data = answer.data
    assert len(data) % 5 == 0
    lines = text.split("\n")
    out = {}
    line = column = 0
    previous_end = (-1, -1)
    for i in range(0, len(data), 5):
        delta_line, delta_start, length, kind, bits = data[i : i + 5]
        line += delta_line
        column = delta_start if delta_line else column + delta_start
        # Sorted, not overlapping, never past the end of its line.
        assert (line, column) >= previous_end, (line, column, previous_end)
        previous_end = (line, column + length)
        assert length > 0
        assert column + length <= len(lines[line].encode("utf-16-le")) // 2
        modifiers = {m for b, m in enumerate(legend.token_modifiers) if bits >> b & 1}
        out[(line, column)] = (
            utf16_slice(lines[line], column, length),
            legend.token_types[kind],
            modifiers,
        )
    return out


def at(tokens, text: str, needle: str, nth: int = 0, offset: int = 0):
    p = position_of(text, needle, nth, offset)
    return tokens.get((p.line, p.character))


async def test_a_template_in_a_message_body_is_highlighted_as_code(client: LanguageClient):
    text = open_file(client, PATH)
    tokens = await tokens_of(client, PATH, text)
    tag = 'Hi {{default customer.first_name "friend"}},'
    assert at(tokens, text, tag, offset=3) == ("{{", "macro", set())
    assert at(tokens, text, tag, offset=5) == ("default", "function", {"defaultLibrary"})
    assert at(tokens, text, tag, offset=13) == ("customer", "variable", {"defaultLibrary"})
    assert at(tokens, text, tag, offset=22) == ("first_name", "property", set())
    assert at(tokens, text, tag, offset=33) == ('"friend"', "string", set())
    assert at(tokens, text, tag, offset=41) == ("}}", "macro", set())
    # The text around the tag is string; the blank inside it is not.
    line = text.split("\n")[position_of(text, tag).line]
    assert at(tokens, text, "      " + tag) == (line[: line.index("{{")], "string", set())
    assert at(tokens, text, tag, offset=12) is None
    # Blocks: `#if` and `else` are keywords, the closing `{{/` a macro.
    block = "{{#if customer.first_name}}"
    assert at(tokens, text, block) == ("{{#", "macro", set())
    assert at(tokens, text, block, offset=3) == ("if", "keyword", set())
    assert at(tokens, text, "{{else}}", offset=2) == ("else", "keyword", set())


async def test_non_ascii_text_is_counted_in_utf16_units(client: LanguageClient):
    text = open_file(client, PATH)
    tokens = await tokens_of(client, PATH, text)
    tag = '{{default customer.first_name "朋友"}}，您好'
    assert at(tokens, text, tag) == ("{{", "macro", set())
    assert at(tokens, text, tag, offset=30) == ('"朋友"', "string", set())
    assert at(tokens, text, 'subject "Chào mừng {{', offset=19) == ("{{", "macro", set())


async def test_keywords_names_literals_and_comments(client: LanguageClient):
    text = open_file(client, PATH)
    tokens = await tokens_of(client, PATH, text)
    assert at(tokens, text, "campaign onboarding {") == ("campaign", "keyword", set())
    assert at(tokens, text, "campaign onboarding {", offset=9) == (
        "onboarding",
        "namespace",
        {"declaration"},
    )
    # `event` is a keyword in a trigger; the event's name an event.
    assert at(tokens, text, "trigger event signed_up", offset=8) == ("event", "keyword", set())
    assert at(tokens, text, "trigger event signed_up", offset=14) == ("signed_up", "event", set())
    assert at(tokens, text, "audience first_timers", offset=9) == (
        "first_timers",
        "variable",
        set(),
    )
    assert at(tokens, text, "send welcome", offset=5) == ("welcome", "class", set())
    assert at(tokens, text, "message welcome", offset=8) == ("welcome", "class", {"declaration"})
    assert at(tokens, text, "within 14d", offset=7) == ("14d", "number", set())
    assert at(tokens, text, "== false", offset=0) == ("==", "operator", set())
    assert at(tokens, text, "locale vi {", offset=7) == ("vi", "enumMember", set())
    comment = "// they asked us to stop: end the series"
    assert at(tokens, text, comment) == (comment, "comment", set())
    doc = "/// Turns a new account into a first order, then into a Lumen Club"
    assert at(tokens, text, doc) == (doc, "comment", {"documentation"})
    # A block string is cut at its line breaks.
    assert at(tokens, text, 'body """') is not None
    assert at(tokens, text, 'body """', offset=5) == ('"""', "string", set())


async def test_a_file_with_a_syntax_error_still_has_tokens(client: LanguageClient):
    text = open_file(client, PATH)
    broken = text.replace("  reentry never\n", "  reentry never ???\n", 1)
    assert broken != text
    change(client, PATH, 2, broken)
    tokens = await tokens_of(client, PATH, broken)
    assert at(tokens, broken, "campaign onboarding {") == ("campaign", "keyword", set())
    assert at(tokens, broken, "cap 1 per 1d") == ("cap", "keyword", set())
    tag = 'Hi {{default customer.first_name "friend"}},'
    assert at(tokens, broken, tag, offset=5) == ("default", "function", {"defaultLibrary"})
