//! Edits that must stay clean.

use super::case::*;

/// Edits that change the project without making it wrong: written the
/// other ways LANGUAGE.md allows, they must stay clean (no error, no
/// warning), so a rule that fires on them is a false alarm.
pub fn harmless_edits() -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    vec![
        (
            "fields separated by commas",
            CART,
            "title \"Your cart is waiting\"\n    body \"Everything you picked is still there. Check out now and we roast it this week.\"\n    button \"Open my cart\"",
            "title \"Your cart is waiting\", body \"Everything you picked is still there. Check out now and we roast it this week.\", button \"Open my cart\"",
        ),
        (
            "`wait until` without a weekday",
            LOYALTY,
            "wait until 10:00 on saturday",
            "wait until 10:00",
        ),
        (
            "a daily recurring trigger",
            LOYALTY,
            "  trigger every month on 1 at 09:00",
            "  trigger every day at 09:00",
        ),
        (
            "`trigger changed` without `to`",
            LOYALTY,
            "trigger changed loyalty_tier to gold",
            "trigger changed loyalty_tier",
        ),
        (
            "steps after an `if` whose last branch exits",
            CHURN,
            "      exit      // nobody to call and no SMS consent: nothing more to say\n    }\n",
            "      exit      // nobody to call and no SMS consent: nothing more to say\n    }\n    wait 7d\n    send renewal_sms\n",
        ),
        (
            "an optional attribute compared in a segment",
            SEGMENTS,
            "segment points_holders = loyalty_points >= 100",
            "segment points_holders = loyalty_points >= 100 and first_name is set",
        ),
        (
            "`reentry never` written out",
            REFERRAL,
            "reentry after 1d",
            "reentry never",
        ),
        (
            "a translation that orders its variables differently",
            CART,
            "locale vi { body \"Lumen Coffee: giỏ hàng {{money event.total}} vẫn đang chờ: lumen.coffee/cart\" }",
            "locale vi { body \"{{money event.total}}: giỏ hàng Lumen Coffee vẫn đang chờ: lumen.coffee/cart\" }",
        ),
        (
            "a holdout of 0%",
            WINBACK,
            "holdout 15%",
            "holdout 0%",
        ),
        (
            "a three-way split with decimals",
            REFERRAL,
            "      push_card 50% { send share_push }\n      in_app_card 50% { send share_in_app }",
            "      push_card 33.33% { send share_push }\n      in_app_card 33.33% { send share_in_app }\n      control 33.34% { wait 1d }",
        ),
    ]
}
