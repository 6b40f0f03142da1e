//! LANGUAGE.md's list: types, templates, localization, channels and
//! compliance.

use super::case::At::{Back, Edit, Text};
use super::case::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- types
        case(
            "mismatched operands: int vs string",
            SEGMENTS,
            "loyalty_points >= 100",
            "loyalty_points >= \"100\"",
            "E0302",
            "string",
            Edit(""),
        ),
        case(
            "mismatched operands: money(USD) vs EUR",
            SEGMENTS,
            "lifetime_value >= 300 USD",
            "lifetime_value >= 300 EUR",
            "E0303",
            "EUR",
            Edit(""),
        ),
        case(
            "mismatched operands: time vs duration",
            SEGMENTS,
            "last_order_at < now - 60d",
            "last_order_at < 60d",
            "E0302",
            "duration",
            Edit(""),
        ),
        case(
            "`set` of the wrong type",
            LOYALTY,
            "set loyalty_points = loyalty_points + 250",
            "set loyalty_points = \"250\"",
            "E0306",
            "loyalty_points",
            Edit(""),
        ),
        case(
            "`sum` over a non-numeric property",
            SEGMENTS,
            "count(order_placed) == 0",
            "sum(order_placed.order_id) == 0",
            "E0305",
            "order_id",
            Edit(""),
        ),
        case(
            "persona value of the wrong type",
            PERSONAS,
            "  loyalty_points 0\n",
            "  loyalty_points \"none\"\n",
            "E0801",
            "loyalty_points",
            Edit("loyalty_points"),
        ),
        case(
            "missing required persona attribute",
            PERSONAS,
            "  referral_code \"dave420\"\n",
            "",
            "E0802",
            "referral_code",
            Text(PERSONAS, "persona david {"),
        ),
        // ---- templates
        case(
            "Handlebars syntax error, located inside the string",
            ONBOARDING,
            "We're roasting your {{money event.total}} order now.",
            "We're roasting your {{money event.total} order now.",
            "E0401",
            "",
            Edit("{{money"),
        )
        .spanning("{{money event.total}"),
        case(
            "unknown template variable",
            ONBOARDING,
            "{{#if customer.first_name}}Hi {{customer.first_name}},",
            "{{#if customer.first_name}}Hi {{customer.frist_name}},",
            "E0402",
            "frist_name",
            Edit(""),
        )
        .suggesting("first_name")
        .spanning("frist_name"),
        case(
            "`event.*` with no event in scope",
            WINBACK,
            "(valid for seven days). You also still have",
            "(valid for seven days, {{event.total}}). You also still have",
            "E0404",
            "event.total",
            Edit(""),
        )
        .labelled(WINBACK, "    send we_miss_you")
        .spanning("event.total"),
        case(
            "unknown event property",
            ONBOARDING,
            "We're roasting your {{money event.total}} order now.",
            "We're roasting your {{money event.totl}} order now.",
            "E0403",
            "totl",
            Edit(""),
        )
        .suggesting("total")
        .spanning("totl"),
        case(
            "`#each` over a non-list",
            CART,
            "Still thinking it over? We saved your cart:\n\n      {{#each event.items}}",
            "Still thinking it over? We saved your cart:\n\n      {{#each event.total}}",
            "E0405",
            "event.total",
            Edit("{{#each"),
        )
        .spanning("event.total"),
        case(
            "helper argument of the wrong type",
            CART,
            "body \"Lumen Coffee: your {{money event.total}} cart",
            "body \"Lumen Coffee: your {{money event.cart_url}} cart",
            "E0408",
            "money",
            Edit(""),
        )
        .spanning("event.cart_url"),
        case(
            "optional value used bare",
            ONBOARDING,
            "Hi {{default customer.first_name \"friend\"}},\n\n      thanks for joining",
            "Hi {{customer.first_name}},\n\n      thanks for joining",
            "W0401",
            "first_name",
            Edit(""),
        )
        .spanning("customer.first_name"),
        // ---- localization
        case(
            "a sent message lacks one of the campaign's locales",
            ONBOARDING,
            "\n  locale zh-Hant { body \"Lumen Coffee：首包咖啡仍享免運，立即挑選：lumen.coffee/start\" }",
            "",
            "E0501",
            "zh-Hant",
            Text(ONBOARDING, "message first_bag_nudge"),
        ),
        case(
            "a translation uses different variables",
            CART,
            "giỏ hàng {{money event.total}} vẫn đang chờ",
            "giỏ hàng vẫn đang chờ",
            "W0501",
            "vi",
            Edit(""),
        ),
        case(
            "invalid BCP 47 tag",
            ONBOARDING,
            "  locale cs { body \"Lumen Coffee: první balení",
            "  locale cs_CZ { body \"Lumen Coffee: první balení",
            "E0502",
            "cs_CZ",
            Edit(""),
        )
        .suggesting("cs-CZ"),
        // ---- channels and compliance
        case(
            "marketing email without unsubscribe_url",
            ONBOARDING,
            "[Join Lumen Club](https://shop.lumen-coffee.example/club)\n\n      [Unsubscribe]({{unsubscribe_url}})",
            "[Join Lumen Club](https://shop.lumen-coffee.example/club)",
            "E0604",
            "club_invite",
            // The first line of the body's text, where the link is missing.
            Back("{{#if customer.first_name}}Hi {{customer.first_name}},"),
        ),
        case(
            "marketing on a channel without a consent attribute",
            SCHEMA,
            "attr sms_opt_in: bool consent(sms)",
            "attr sms_opt_in: bool",
            "E0605",
            "sms",
            Text(ONBOARDING, "message first_bag_nudge"),
        ),
        case(
            "a channel whose address attribute the schema lacks",
            SCHEMA,
            "  attr phone: phone?\n",
            "",
            "E0606",
            "phone",
            Text(ONBOARDING, "message first_bag_nudge"),
        ),
        case(
            "SMS over 1 segment",
            ONBOARDING,
            "Lumen Coffee: your first bag still ships free. Pick yours at lumen.coffee/start Reply STOP to opt out",
            gsm_text(200),
            "W0601",
            "first_bag_nudge",
            Edit(""),
        ),
        case(
            "SMS over 10 segments",
            ONBOARDING,
            "Lumen Coffee: your first bag still ships free. Pick yours at lumen.coffee/start Reply STOP to opt out",
            gsm_text(1600),
            "E0607",
            "first_bag_nudge",
            Edit(""),
        ),
        case(
            "push title over its limit",
            ONBOARDING,
            "title \"Your first order is in!\"",
            "title \"Your first order is in, and we are roasting it right now for you!\"",
            "W0602",
            "title",
            Edit(""),
        ),
        case(
            "push body over its limit",
            LOYALTY,
            "body \"That is enough for a free box of drip bags. Redeem it in the app.\"",
            format!("body \"{}\"", gsm_text(200)),
            "W0602",
            "body",
            Edit(""),
        ),
        case(
            "webhook URL not https",
            WINBACK,
            "url \"https://api.postcards.example/v1/mailings\"",
            "url \"http://api.postcards.example/v1/mailings\"",
            "E0608",
            "postcard_mailing",
            Edit(""),
        ),
        case(
            "webhook body not valid JSON once rendered",
            WINBACK,
            "\"offer_code\": \"COMEBACK20\",",
            "\"offer_code\": COMEBACK20,",
            "E0609",
            "postcard_mailing",
            Edit(""),
        ),
    ]
}
