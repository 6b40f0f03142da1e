//! LANGUAGE.md's list: flows and tests.

use super::case::At::{Edit, Text};
use super::case::*;

pub fn cases() -> Vec<Case> {
    vec![
        // ---- flows
        case(
            "split percentages not summing to 100",
            REFERRAL,
            "in_app_card 50%",
            "in_app_card 40%",
            "E0701",
            "share_nudge",
            Text(REFERRAL, "split share_nudge"),
        ),
        case(
            "holdout outside 0-100",
            WINBACK,
            "holdout 15%",
            "holdout 150%",
            "E0702",
            "150",
            Edit(""),
        ),
        case(
            "zero wait",
            REFERRAL,
            "    wait 3d\n    split share_nudge",
            "    wait 0d\n    split share_nudge",
            "E0703",
            "0d",
            Edit("wait 0d"),
        ),
        case(
            "negative wait",
            REFERRAL,
            "    wait 3d\n    split share_nudge",
            "    wait -3d\n    split share_nudge",
            "E0703",
            "-3d",
            Edit("wait -3d"),
        ),
        case(
            "a step after `exit`",
            CHURN,
            "      exit      // nobody to call",
            "      exit\n      send renewal_sms      // nobody to call",
            "W0701",
            "exit",
            Edit("send renewal_sms"),
        ),
        case(
            "the same message twice with no wait between",
            ONBOARDING,
            "    send welcome\n    wait for order_placed",
            "    send welcome\n    send welcome\n    wait for order_placed",
            "W0702",
            "welcome",
            Edit("send welcome\n    wait"),
        ),
        case(
            "a send the cap always defers",
            CHURN,
            "cap 2 per 7d",
            "cap 1 per 7d",
            "W0703",
            "renewal_sms",
            Text(CHURN, "      send renewal_sms"),
        ),
        case(
            "a campaign that sends nothing",
            LOYALTY,
            "  flow {\n    send points_push\n  }",
            "  flow {\n    wait 1d\n  }",
            "W0704",
            "points_reminder",
            Text(LOYALTY, "campaign points_reminder"),
        ),
        case(
            "send_window with equal ends",
            ONBOARDING,
            "send_window 08:00-21:00",
            "send_window 08:00-08:00",
            "E0704",
            "08:00",
            Edit(""),
        ),
        // ---- tests
        case(
            "unknown campaign in a test",
            ONBOARDING_TESTS,
            "  campaign onboarding\n  persona emily\n  variant treatment\n  at 0d event signed_up { source \"podcast\" }",
            "  campaign onboardin\n  persona emily\n  variant treatment\n  at 0d event signed_up { source \"podcast\" }",
            "E0209",
            "onboardin",
            Edit("campaign onboardin"),
        )
        .suggesting("onboarding"),
        case(
            "unknown persona in a test",
            ONBOARDING_TESTS,
            "  persona emily\n  variant treatment\n  at 0d event signed_up { source \"podcast\" }",
            "  persona emilly\n  variant treatment\n  at 0d event signed_up { source \"podcast\" }",
            "E0210",
            "emilly",
            Edit("persona emilly"),
        )
        .suggesting("emily"),
        case(
            "unknown message in a test",
            ONBOARDING_TESTS,
            "expect not sent first_order_thanks",
            "expect not sent first_order_thank",
            "E0208",
            "first_order_thank",
            Edit(""),
        )
        .suggesting("first_order_thanks"),
        case(
            "an expectation about a message the campaign never sends",
            ONBOARDING_TESTS,
            "expect not sent first_order_thanks",
            "expect not sent cart_email",
            "E0806",
            "cart_email",
            Edit(""),
        ),
    ]
}
