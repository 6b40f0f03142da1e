"""Go to definition, find references, document and workspace symbols on the
example project: names used in flows, templates, tests and personas lead to
their declarations, and back."""

import re

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import open_file, position_of, uri


def read(client: LanguageClient, relative: str) -> str:
    return (client.project / relative).read_text(encoding="utf-8")


def range_of(text: str, needle: str, nth: int = 0) -> t.Range:
    start = position_of(text, needle, nth)
    end = position_of(text, needle, nth, offset=len(needle))
    return t.Range(start=start, end=end)


async def definition(client: LanguageClient, relative: str, text: str, needle: str, nth=0, offset=0):
    answer = await client.text_document_definition_async(
        t.DefinitionParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, relative)),
            position=position_of(text, needle, nth, offset),
        )
    )
    if isinstance(answer, list):
        assert len(answer) == 1, answer
        answer = answer[0]
    return answer


def name_range(client: LanguageClient, relative: str, declaration: str, name: str) -> t.Range:
    """The range of `name` inside the first `declaration` text of a file."""
    text = read(client, relative)
    start = text.index(declaration) + declaration.index(name)
    return t.Range(
        start=position_of(text, name, offset=0, nth=text[:start].count(name)),
        end=position_of(text, name, offset=len(name), nth=text[:start].count(name)),
    )


async def test_definition_of_a_segment_a_message_and_a_template_variable(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)

    # `audience first_timers` -> `segment first_timers` in segments.camp.
    found = await definition(client, path, text, "audience first_timers", offset=len("audience f"))
    assert found.uri == uri(client, "segments.camp")
    assert found.range == name_range(client, "segments.camp", "segment first_timers", "first_timers")

    # `send welcome` -> `message welcome` further down the same file.
    found = await definition(client, path, text, "send welcome", offset=len("send w"))
    assert found.uri == uri(client, path)
    assert found.range == name_range(client, path, "message welcome:", "welcome")

    # Inside a template: `{{customer.first_name}}` -> `attr first_name`.
    found = await definition(client, path, text, "{{customer.first_name}}", offset=len("{{customer.fi"))
    assert found.uri == uri(client, "schema.camp")
    assert found.range == name_range(client, "schema.camp", "attr first_name:", "first_name")

    # The `customer` part of the path names no declaration of its own.
    found = await definition(client, path, text, "{{customer.first_name}}", offset=len("{{cu"))
    assert found is None


async def test_definition_of_an_event_property_in_a_template_and_a_message_in_a_test(
    client: LanguageClient,
):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    assert "event.cart_url" in text
    found = await definition(client, path, text, "event.cart_url", offset=len("event.ca"))
    assert found.uri == uri(client, "schema.camp")
    assert found.range == name_range(client, "schema.camp", "cart_url: url", "cart_url")

    test_path = "tests/onboarding.camp"
    tests = open_file(client, test_path)
    found = await definition(client, test_path, tests, "expect sent welcome", offset=len("expect sent w"))
    assert found.uri == uri(client, "flows/onboarding.camp")
    assert found.range == name_range(client, "flows/onboarding.camp", "message welcome:", "welcome")


async def references(client: LanguageClient, relative: str, position: t.Position, declaration=True):
    return await client.text_document_references_async(
        t.ReferenceParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, relative)),
            position=position,
            context=t.ReferenceContext(include_declaration=declaration),
        )
    )


def occurrences(client: LanguageClient, pattern: str) -> set:
    """(relative path, line) of every match of `pattern` in the project."""
    found = set()
    for file in sorted(client.project.rglob("*.camp")):
        relative = file.relative_to(client.project).as_posix()
        for number, line in enumerate(file.read_text(encoding="utf-8").split("\n")):
            if re.search(pattern, line) and not line.lstrip().startswith("//"):
                found.add((relative, number))
    return found


def lines_of(client: LanguageClient, locations) -> set:
    prefix = client.project.as_uri() + "/"
    return {(l.uri[len(prefix):], l.range.start.line) for l in locations}


async def test_references_of_a_message_include_the_tests_that_expect_it(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    found = await references(client, path, position_of(text, "message welcome", offset=len("message w")))
    # The declaration, the `send`, and every `expect sent` / `expect not sent`.
    expected = occurrences(client, r"^message welcome:|\bsend welcome$|\bsent welcome\b")
    assert any(f.startswith("tests/") for f, _ in expected)
    assert lines_of(client, found) == expected
    assert len(found) == len(expected)
    without = await references(
        client, path, position_of(text, "message welcome", offset=len("message w")), declaration=False
    )
    assert len(without) == len(expected) - 1


async def test_references_of_an_attribute_include_templates_personas_and_tests(client: LanguageClient):
    path = "schema.camp"
    text = open_file(client, path)
    found = await references(client, path, position_of(text, "attr first_name", offset=len("attr f")))
    files = {f for f, _ in lines_of(client, found)}
    assert "flows/onboarding.camp" in files  # {{customer.first_name}} in templates
    assert "personas.camp" in files  # first_name "Emily"
    # Every `customer.first_name` in a template is one reference; plus the
    # declaration and the personas' values.
    in_templates = sum(
        f.read_text(encoding="utf-8").count("customer.first_name") for f in client.project.rglob("*.camp")
    )
    in_personas = len(re.findall(r"^\s*first_name \"", read(client, "personas.camp"), re.M))
    assert in_templates > 10 and in_personas > 0
    assert len(found) == 1 + in_templates + in_personas

    # `plan` is set by a test step (`at 0d set plan = trial`).
    found = await references(client, path, position_of(text, "attr plan", offset=len("attr p")))
    assert ("tests/onboarding.camp", read(client, "tests/onboarding.camp").split("\n").index("  at 0d set plan = trial")) in lines_of(client, found)


def find_symbol(symbols, name):
    for symbol in symbols:
        if symbol.name == name:
            return symbol
    raise AssertionError(f"no symbol {name} in {[s.name for s in symbols]}")


async def test_document_symbols_nest_properties_under_their_event(client: LanguageClient):
    path = "schema.camp"
    text = open_file(client, path)
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri(client, path)))
    )
    assert symbols and isinstance(symbols[0], t.DocumentSymbol)
    names = [s.name for s in symbols]
    # Top level: attributes, record types and events, in file order.
    assert names.index("email") < names.index("cart_item") < names.index("cart_abandoned")
    assert "cart_url" not in names  # a property is not a top-level symbol
    event = find_symbol(symbols, "cart_abandoned")
    assert event.kind == t.SymbolKind.Event
    assert [c.name for c in event.children] == ["cart_url", "total", "items"]
    assert event.children[0].selection_range == range_of(text, "cart_url")
    # The event's range covers its properties.
    for child in event.children:
        assert event.range.start.line <= child.range.start.line <= event.range.end.line
    record = find_symbol(symbols, "cart_item")
    assert [c.name for c in record.children] == ["name", "price", "quantity", "url"]
    assert find_symbol(symbols, "app_opened").children in (None, [])
    assert find_symbol(symbols, "first_name").kind == t.SymbolKind.Property


async def test_document_symbols_of_a_campaign_file(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(text_document=t.TextDocumentIdentifier(uri=uri(client, path)))
    )
    names = [s.name for s in symbols]
    assert names[0] == "onboarding"
    for message in re.findall(r"^message (\w+):", text, re.M):
        assert message in names


async def test_workspace_symbols_find_declarations_in_every_file(client: LanguageClient):
    answer = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="lapsed"))
    by_name = {s.name: s for s in answer}
    assert "lapsed_buyers" in by_name, list(by_name)
    location = by_name["lapsed_buyers"].location
    assert location.uri == uri(client, "segments.camp")
    assert location.range == name_range(client, "segments.camp", "segment lapsed_buyers", "lapsed_buyers")
    # Every name found contains the query's letters.
    for name in by_name:
        assert "lapsed" in name.lower() or all(c in name.lower() for c in "lapsed"), name

    everything = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query=""))
    names = {s.name for s in everything}
    for expected in ("onboarding", "welcome", "first_timers", "emily", "cart_abandoned"):
        assert expected in names, expected
