"""Completion in context: template paths limited to what is in scope at the
message's send site, keywords from the grammar, names where they are
expected, enum variants after `==`."""

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, open_file, position_of, uri


async def complete(client: LanguageClient, path: str, position: t.Position):
    result = await client.text_document_completion_async(
        t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
            position=position,
        )
    )
    items = result.items if isinstance(result, t.CompletionList) else result
    return {item.label: item for item in items or []}


async def test_a_template_after_wait_for_offers_the_received_events_properties(
    client: LanguageClient,
):
    # onboarding: `wait for order_placed up to 2d { on event { send
    # first_order_thanks } }`, and the campaign is triggered by `signed_up`.
    # In first_order_thanks, `event.` is the order that was received.
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    needle = "{{money event.total}} order now"
    items = await complete(client, path, position_of(text, needle, offset=len("{{money event.")))
    assert set(items) == {"total"}, items  # `money` takes money values only
    assert items["total"].detail == "money(USD)"
    # Without a helper: every property of order_placed, with its type, and
    # nothing of the trigger event signed_up (`source`).
    edited = text.replace(needle, "{{event.}} order now", 1)
    change(client, path, 2, edited)
    items = await complete(
        client, path, position_of(edited, "{{event.}} order now", offset=len("{{event."))
    )
    assert set(items) == {"order_id", "total", "item_count"}, items
    assert items["order_id"].detail == "string"
    assert items["item_count"].detail == "int"
    assert "source" not in items


async def test_a_template_at_the_trigger_offers_the_trigger_events_properties(
    client: LanguageClient,
):
    # welcome is sent first in onboarding, where `event` is signed_up.
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    needle = '{{default customer.first_name "friend"}}!'
    edited = text.replace(needle, "{{event.}}!", 1)
    change(client, path, 2, edited)
    items = await complete(client, path, position_of(edited, "{{event.}}!", offset=len("{{event.")))
    assert set(items) == {"source"}, items


async def test_customer_paths_helpers_and_their_arguments(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    needle = '{{default customer.first_name "friend"}}!'
    at = position_of(text, needle, offset=len("{{default customer."))
    items = await complete(client, path, at)
    assert items["first_name"].detail == "string?"
    assert "Optional" in items["first_name"].documentation.value  # the doc comment
    assert items["engagement"].detail == "int"  # a score reads as customer.engagement
    assert items["plan"].detail == "enum(guest, trial, monthly, annual)"
    # At the start of a tag: the helpers with their call, and the top-level names.
    items = await complete(client, path, position_of(text, needle, offset=len("{{")))
    assert {"default", "money", "date", "plural", "customer", "event"} <= set(items)
    assert items["money"].kind == t.CompletionItemKind.Function
    assert items["money"].detail == "money event.total"
    # `date`'s second argument is a style.
    edited = text.replace('{{date customer.signed_up_at "long"}}', '{{date customer.signed_up_at "}}', 1)
    change(client, path, 2, edited)
    items = await complete(
        client, path, position_of(edited, '{{date customer.signed_up_at "', offset=len('{{date customer.signed_up_at "'))
    )
    assert {"short", "medium", "long", "full"} == set(items)


async def test_keywords_of_a_flow_block_while_the_line_is_broken(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    edited = text.replace("    wait 1d\n", "    wait 1d\n    s\n", 1)
    change(client, path, 2, edited)
    items = await complete(client, path, position_of(edited, "    s\n", offset=5))
    for keyword in ["send", "wait", "if", "split", "set", "exit"]:
        assert items[keyword].kind == t.CompletionItemKind.Keyword
    assert "audience" not in items  # a setting, not a step
    assert "welcome" not in items
    # At the top level: the declaration keywords.
    items = await complete(client, path, t.Position(line=0, character=0))
    assert {"campaign", "message", "segment", "schema", "test"} <= set(items)


async def test_message_names_after_send(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    edited = text.replace("    send club_invite\n", "    send \n", 1)
    change(client, path, 2, edited)
    items = await complete(client, path, position_of(edited, "    send \n", offset=len("    send ")))
    assert {"welcome", "club_invite", "cart_email", "first_bag_nudge"} <= set(items)
    assert items["first_bag_nudge"].detail == "message: sms"
    assert "send" not in items  # no keywords where a name goes
    # Events after `wait for`.
    edited = text.replace("    wait for order_placed", "    wait for ord", 1)
    change(client, path, 3, edited)
    items = await complete(client, path, position_of(edited, "wait for ord", offset=len("wait for ")))
    assert {"order_placed", "signed_up", "app_opened"} <= set(items)


async def test_enum_variants_after_a_comparison(client: LanguageClient):
    path = "segments.camp"
    text = open_file(client, path)
    edited = text.replace("plan in [monthly, annual]", "plan == ", 1)
    change(client, path, 2, edited)
    items = await complete(client, path, position_of(edited, "plan == ", offset=len("plan == ")))
    assert set(items) == {"guest", "trial", "monthly", "annual"}
    assert items["trial"].kind == t.CompletionItemKind.EnumMember
    # Inside `in [ … ]` too.
    items = await complete(client, path, position_of(text, "plan in [guest, ", offset=len("plan in [guest, ")))
    assert set(items) == {"guest", "trial", "monthly", "annual"}


async def test_names_and_locales_in_settings_and_tests(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    items = await complete(client, path, position_of(text, "audience first_timers", offset=len("audience ")))
    assert items["first_timers"].detail == "segment"
    assert items["lifetime_value"].detail == "money(USD)"
    assert items["engagement"].detail == "score: int"
    items = await complete(client, path, position_of(text, "locales en, vi", offset=len("locales en, ")))
    assert {"en", "vi", "cs", "zh-Hant"} <= set(items)
    # In a trigger's `where`, the event's properties are bare names.
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    items = await complete(client, path, position_of(text, "where total >= 15", offset=len("where ")))
    assert items["total"].detail == "money(USD)"
    assert items["items"].detail == "list<cart_item>"


async def test_never_fails_on_odd_places(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    lines = text.count("\n")
    for position in [
        t.Position(line=lines + 10, character=0),
        t.Position(line=0, character=500),
        position_of(text, "Đã nhận", offset=2),
        position_of(text, "已收到", offset=1),
    ]:
        await complete(client, path, position)
    change(client, path, 2, "")
    assert isinstance(await complete(client, path, t.Position(line=0, character=0)), dict)


async def test_the_fields_of_the_messages_channel(client: LanguageClient):
    path = "flows/onboarding.camp"
    text = open_file(client, path)
    edited = text.replace('    preheader "Your first bag ships free this week"\n', '    pre\n', 1)
    change(client, path, 2, edited)
    items = await complete(client, path, position_of(edited, "    pre\n", offset=len("    pre")))
    assert {"subject", "preheader", "body"} <= set(items)
    assert items["preheader"].detail == "email field"
    assert "title" not in items  # a push field
