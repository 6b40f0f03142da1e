"""Hover: a name's declaration, type and doc comment; a segment or score
in the previews' words; a message's channel and preview; a duration or a
send window in words; a diagnostic code's explanation; inside `{{ }}` the
type of a path and a helper's signature."""

from lsprotocol import types as t
from pytest_lsp import LanguageClient

from conftest import change, open_file, position_of, uri


async def hover(client: LanguageClient, path: str, text: str, needle: str, offset: int = 0, nth: int = 0):
    return await client.text_document_hover_async(
        t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri(client, path)),
            position=position_of(text, needle, nth=nth, offset=offset),
        )
    )


def markdown(h) -> str:
    assert h is not None
    assert isinstance(h.contents, t.MarkupContent)
    assert h.contents.kind == t.MarkupKind.Markdown
    return h.contents.value


async def test_attribute_shows_its_type_and_doc_comment(client: LanguageClient):
    path = "schema.camp"
    text = open_file(client, path)
    h = await hover(client, path, text, "attr first_name", offset=len("attr f"))
    value = markdown(h)
    assert "attr first_name: string?" in value
    assert 'many customers check out as "guest"' in value
    # The range is the hovered word.
    assert h.range.start == position_of(text, "first_name")
    assert h.range.end == position_of(text, "first_name", offset=len("first_name"))
    consent = markdown(await hover(client, path, text, "sms_opt_in", offset=2))
    assert "attr sms_opt_in: bool consent(sms)" in consent
    assert "Gates every marketing send on the `sms` channel" in consent


async def test_event_property_shows_its_type_and_its_event(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    value = markdown(await hover(client, path, text, "where total >= 15", offset=len("where to")))
    assert "event cart_abandoned { total: money(USD) }" in value
    assert "A cart was left without checking out" in value


async def test_segment_and_score_read_as_the_previews_say_them(client: LanguageClient):
    path = "segments.camp"
    text = open_file(client, path)
    value = markdown(await hover(client, path, text, "segment vip", offset=len("segment v")))
    assert "Our most valuable customers" in value
    assert (
        "Customers in segment `vip`: those whose lifetime value is at least 300 USD "
        "or whose engagement score is at least 70." in value
    )
    # A use of the segment in another file answers the same.
    flow = "flows/churn_prevention.camp"
    flow_text = open_file(client, flow)
    used = markdown(await hover(client, flow, flow_text, "if vip", offset=len("if v")))
    assert "Customers in segment `vip`" in used
    score = markdown(await hover(client, path, text, "score engagement", offset=len("score e")))
    assert "+5 points for each `app_opened` in the last 30 days, at most +40 points" in score
    assert "-20 points if they have not performed `app_opened` in the last 21 days" in score


async def test_message_shows_its_channel_and_a_preview(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    value = markdown(await hover(client, path, text, "send cart_sms", offset=len("send ca")))
    assert "message cart_sms: sms" in value
    assert "A marketing SMS message." in value
    # Rendered for the preview persona of the campaign's first locale,
    # with the sample cart total filled in.
    assert "**Preview** in `en` for persona" in value
    assert "> Lumen Coffee: your $" in value
    assert "{{" not in value.split("**Preview**")[1]
    assert "GSM-7, 1 segment" in value


async def test_durations_and_send_windows_in_words(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    hour = markdown(await hover(client, path, text, "wait 1h", offset=len("wait 1")))
    assert "**Duration** `1h`: 1 hour of elapsed time" in hour
    days = markdown(await hover(client, path, text, "reentry after 3d", offset=len("reentry after 3")))
    assert "3 calendar days in the customer's time zone" in days
    window = markdown(await hover(client, path, text, "send_window", offset=3))
    assert "Sends only between 09:00 and 21:00 in the customer's local time" in window
    # A duration in a comment or a string is not a duration.
    edited = text.replace("// Cart recovery:", "// wait 36h Cart recovery:", 1)
    change(client, path, 2, edited)
    assert await hover(client, path, edited, "wait 36h", offset=len("wait 3")) is None


async def test_template_path_has_its_type_at_the_send_site(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    value = markdown(await hover(client, path, text, "{{money event.total}}", offset=len("{{money event.to")))
    assert "`event.total`: `money(USD)` (event `cart_abandoned`)" in value
    field = markdown(await hover(client, path, text, "{{money price}}", offset=len("{{money pr")))
    assert "`price`: `money(USD)` (field of `cart_item`)" in field


async def test_helper_shows_its_signature(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    value = markdown(await hover(client, path, text, "{{money event.total}}", offset=len("{{mo")))
    assert "{{money money}}" in value
    assert "Helper `money`" in value
    each = markdown(await hover(client, path, text, "{{#each", offset=len("{{#ea")))
    assert "{{#each list}}" in each


async def test_code_word_and_diagnostic_explain_their_code(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    edited = text.replace("// Cart recovery:", "// See W0601. Cart recovery:", 1)
    change(client, path, 2, edited)
    value = markdown(await hover(client, path, edited, "W0601", offset=2))
    assert value.startswith("**W0601**")
    # On a diagnostic's range: its code's explanation.
    broken = edited.replace("send cart_sms", "send cart_smss", 1)
    change(client, path, 3, broken)
    under = markdown(await hover(client, path, broken, "cart_smss", offset=3))
    assert "**E0208**: " in under


async def test_never_fails_on_odd_positions(client: LanguageClient):
    path = "flows/cart_recovery.camp"
    text = open_file(client, path)
    for position in [
        position_of(text, "Bạn còn quên", offset=2),
        position_of(text, "您的購物車", offset=1),
        t.Position(line=10_000, character=0),
        t.Position(line=0, character=10_000),
    ]:
        await client.text_document_hover_async(
            t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri(client, path)), position=position)
        )
    change(client, path, 2, "")
    assert await client.text_document_hover_async(
        t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri(client, path)), position=t.Position(line=0, character=0))
    ) is None
