//! LANGUAGE.md's list, syntax and names.

use super::case::At::{Edit, Text};
use super::case::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- syntax
        case(
            "syntax: a misspelt keyword, reported where it is",
            ONBOARDING,
            "trigger event signed_up\n  audience first_timers",
            "triger event signed_up\n  audience first_timers",
            "E0101",
            "triger",
            Edit("triger"),
        ),
        case(
            "syntax: an unknown flow step",
            REFERRAL,
            "    wait 3d\n    split share_nudge",
            "    pause 3d\n    split share_nudge",
            "E0101",
            "pause",
            Edit("pause"),
        ),
        // ---- names: unknown
        case(
            "unknown attribute (bare name in an expression)",
            SEGMENTS,
            "auto_renew == false",
            "auto_renw == false",
            "E0207",
            "auto_renw",
            Edit(""),
        )
        .suggesting("auto_renew")
        .spanning("auto_renw"),
        case(
            "unknown attribute (`customer.NAME` in an expression)",
            SEGMENTS,
            "auto_renew == false",
            "customer.auto_renw == false",
            "E0203",
            "auto_renw",
            Edit(""),
        )
        .suggesting("auto_renew"),
        case(
            "unknown attribute (`trigger changed`)",
            LOYALTY,
            "trigger changed loyalty_tier to gold",
            "trigger changed loyalty_teir to gold",
            "E0203",
            "loyalty_teir",
            Edit(""),
        )
        .suggesting("loyalty_tier"),
        case(
            "unknown attribute (`set`)",
            REFERRAL,
            "set loyalty_points = loyalty_points + 200",
            "set loyalty_pts = loyalty_points + 200",
            "E0203",
            "loyalty_pts",
            Edit(""),
        )
        .suggesting("loyalty_points"),
        case(
            "unknown attribute (persona value)",
            PERSONAS,
            "  referral_code \"dave420\"\n",
            "  referal_code \"dave420\"\n",
            "E0203",
            "referal_code",
            Edit(""),
        )
        .suggesting("referral_code"),
        case(
            "unknown event",
            SEGMENTS,
            "count(order_placed) == 0",
            "count(order_place) == 0",
            "E0204",
            "order_place",
            Edit(""),
        )
        .suggesting("order_placed")
        .spanning("order_place"),
        case(
            "unknown property (in a trigger's `where`)",
            CART,
            "where total >= 15 USD",
            "where totl >= 15 USD",
            "E0205",
            "totl",
            Edit(""),
        )
        .suggesting("total"),
        case(
            "unknown property (in `sum`)",
            SEGMENTS,
            "count(order_placed) == 0",
            "sum(order_placed.totl) == 0 USD",
            "E0205",
            "totl",
            Edit(""),
        )
        .suggesting("total"),
        case(
            "unknown segment (`audience`, an expression)",
            ONBOARDING,
            "audience first_timers",
            "audience first_timer",
            "E0207",
            "first_timer",
            Edit(""),
        )
        .suggesting("first_timers"),
        case(
            "unknown segment (`trigger enters`)",
            CHURN,
            "trigger enters renewal_at_risk",
            "trigger enters renewal_at_rsk",
            "E0206",
            "renewal_at_rsk",
            Edit(""),
        )
        .suggesting("renewal_at_risk"),
        case(
            "unknown score (or other name) in an expression",
            SEGMENTS,
            "engagement >= 70",
            "engagment >= 70",
            "E0207",
            "engagment",
            Edit(""),
        )
        .suggesting("engagement"),
        case(
            "unknown message in a send",
            ONBOARDING,
            "    wait 1d\n    send club_invite",
            "    wait 1d\n    send club_invit",
            "E0208",
            "club_invit",
            Edit("club_invit"),
        )
        .suggesting("club_invite")
        .spanning("club_invit"),
        case(
            "unknown enum variant (segment)",
            SEGMENTS,
            "plan in [guest, trial]",
            "plan in [guest, trail]",
            "E0211",
            "trail",
            Edit(""),
        )
        .suggesting("trial")
        .spanning("trail"),
        case(
            "unknown enum variant (persona value)",
            PERSONAS,
            "  locale cs\n  timezone \"Europe/Prague\"\n  plan trial",
            "  locale cs\n  timezone \"Europe/Prague\"\n  plan trail",
            "E0211",
            "trail",
            Edit("plan trail"),
        )
        .suggesting("trial"),
        case(
            "unknown helper",
            ONBOARDING,
            "thanks for joining Lumen Coffee on {{date customer.signed_up_at",
            "thanks for joining Lumen Coffee on {{dat customer.signed_up_at",
            "E0406",
            "dat",
            Edit(""),
        )
        .suggesting("date")
        .spanning("dat"),
        case(
            "unknown locale (a well-formed tag that names no language)",
            LOYALTY,
            "locales en, vi, cs, zh-Hant\n\n  flow {\n    send points_push",
            "locales en, vi, cs, english\n\n  flow {\n    send points_push",
            "E0502",
            "english",
            Edit(""),
        ),
        // ---- names: duplicates (the later declaration is reported)
        case(
            "duplicate attribute (schema split across files)",
            SEGMENTS,
            "/// New accounts that have not bought",
            "schema { attr auto_renew: bool }\n\n/// New accounts that have not bought",
            "E0201",
            "auto_renew",
            Edit(""),
        )
        .labelled(SCHEMA, "attr auto_renew: bool"),
        case(
            "duplicate event",
            SEGMENTS,
            "/// New accounts that have not bought",
            "schema { event app_opened {} }\n\n/// New accounts that have not bought",
            "E0201",
            "app_opened",
            Edit(""),
        )
        .labelled(SCHEMA, "event app_opened {}"),
        case(
            "duplicate property",
            SCHEMA,
            "event signed_up { source: string }",
            "event signed_up { source: string, source: string }",
            "E0201",
            "source",
            Edit(""),
        ),
        case(
            "duplicate segment",
            SEGMENTS,
            "segment points_holders = loyalty_points >= 100",
            "segment points_holders = loyalty_points >= 100\nsegment vip = loyalty_points >= 1000",
            "E0201",
            "vip",
            Edit("segment vip"),
        )
        .labelled(SEGMENTS, "segment vip = lifetime_value"),
        case(
            "duplicate score",
            SEGMENTS,
            "segment points_holders = loyalty_points >= 100",
            "segment points_holders = loyalty_points >= 100\nscore engagement { +1 per app_opened within 7d max 7 }",
            "E0201",
            "engagement",
            Edit("score engagement"),
        )
        .labelled(SEGMENTS, "score engagement {\n  +5"),
        case(
            "duplicate message",
            ONBOARDING,
            "message first_bag_nudge: sms {",
            "message welcome: sms {",
            "E0201",
            "welcome",
            Edit(""),
        )
        .labelled(ONBOARDING, "message welcome: email"),
        case(
            "duplicate campaign",
            LOYALTY,
            "campaign points_reminder {",
            "campaign gold_tier {",
            "E0201",
            "gold_tier",
            Edit(""),
        )
        .labelled(LOYALTY, "campaign gold_tier {\n  stage loyalty"),
        case(
            "duplicate persona",
            PERSONAS,
            "persona david {",
            "persona emily {",
            "E0201",
            "emily",
            Edit(""),
        )
        .labelled(PERSONAS, "persona emily {\n  email \"emily"),
        case(
            "duplicate locale block in a message",
            ONBOARDING,
            "  locale cs { body \"Lumen Coffee: první balení",
            "  locale vi { body \"Lumen Coffee: první balení",
            "E0216",
            "vi",
            Edit(""),
        ),
        case(
            "duplicate enum variant",
            SCHEMA,
            "attr plan: enum(guest, trial, monthly, annual)",
            "attr plan: enum(guest, trial, monthly, annual, trial)",
            "E0201",
            "trial",
            Edit(""),
        ),
        // ---- names: clashes and cycles
        case(
            "name clash: a segment named like an attribute",
            SEGMENTS,
            "segment points_holders = loyalty_points >= 100",
            "segment points_holders = loyalty_points >= 100\nsegment auto_renew = loyalty_points >= 1000",
            "E0202",
            "auto_renew",
            Edit("segment auto_renew"),
        )
        .labelled(SCHEMA, "attr auto_renew: bool"),
        case(
            "name clash: a segment named like a score",
            SEGMENTS,
            "segment points_holders = loyalty_points >= 100",
            "segment points_holders = loyalty_points >= 100\nsegment engagement = loyalty_points >= 1000",
            "E0202",
            "engagement",
            Edit("segment engagement"),
        )
        .labelled(SEGMENTS, "score engagement {"),
        case(
            "segment cycle",
            SEGMENTS,
            "segment vip = lifetime_value >= 300 USD or engagement >= 70",
            "segment vip = lifetime_value >= 300 USD or engagement >= 70 or vip",
            "E0214",
            "vip",
            Text(SEGMENTS, "segment vip"),
        ),
    ]
}
