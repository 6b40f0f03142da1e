//! Codes about personas and tests (`08xx`): sample values against the schema,
//! and what a test names and expects.

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0801",
        title: "persona or test value of the wrong type",
        explanation: r#"A persona attribute, a property of a persona's sample event or of a test
event, an `at … set` value or an `expect customer.…` value does not fit the
type the schema declares: text for a number, an amount in another
currency, a local date-time where an instant (with `Z` or an offset) is
needed.

Wrong:

```camp
// attr loyalty_points: int
persona minh {
  loyalty_points "many"
}
```

Right:

```camp
// attr loyalty_points: int
persona minh {
  loyalty_points 120
}
```
"#,
    },
    CodeInfo {
        code: "E0802",
        title: "persona lacks required attributes",
        explanation: r#"Previews and tests use personas as complete customers, so every
attribute that is not optional (declared without `?`) needs a value. The
message lists the missing ones.

Wrong:

```camp
// attr signed_up_at: time
// attr lifetime_value: money(USD)
persona minh {
  email "minh@example.com"
}
```

Right:

```camp
// attr signed_up_at: time
// attr lifetime_value: money(USD)
persona minh {
  email "minh@example.com"
  signed_up_at 2026-10-01T08:00:00Z
  lifetime_value 120 USD
}
```
"#,
    },
    CodeInfo {
        code: "E0803",
        title: "event payload lacks required properties",
        explanation: r#"A persona's sample event, a test's `at … event`, or a record value inside
one must give every property that is not optional, so templates and
conditions that read them have a value.

Wrong:

```camp
// event order_placed { order_id: string, total: money(USD) }
persona minh {
  event order_placed { order_id "A-1" }
}
```

Right:

```camp
// event order_placed { order_id: string, total: money(USD) }
persona minh {
  event order_placed { order_id "A-1", total 59.90 USD }
}
```
"#,
    },
    CodeInfo {
        code: "E0804",
        title: "invalid locale value",
        explanation: r#"A `locale` attribute value of a persona must be a BCP 47 tag such as
`en`, `vi`, `cs`, `zh-Hant` or `pt-BR`.

Wrong:

```camp
persona minh {
  locale "vi-"
}
```

Right:

```camp
persona minh {
  locale vi
}
```
"#,
    },
    CodeInfo {
        code: "E0805",
        title: "test without campaign or persona",
        explanation: r#"A test runs one campaign for one persona, so it must name both.

Wrong:

```camp
test "welcome is sent" {
  persona linh
  expect sent welcome at 0d
}
```

Right:

```camp
test "welcome is sent" {
  campaign onboarding
  persona linh
  expect sent welcome at 0d
}
```
"#,
    },
    CodeInfo {
        code: "E0806",
        title: "expectation about a message the campaign never sends",
        explanation: r#"`expect sent M` and `expect not sent M` are about a message that the
tested campaign sends somewhere in its flow. A message the campaign never
sends makes `expect sent` impossible and `expect not sent` say nothing —
usually the wrong message or the wrong campaign was named.

Wrong:

```camp
test "tips on day one" {
  campaign onboarding   // sends welcome, never tips
  persona linh
  expect sent tips at 1d
}
```

Right:

```camp
test "welcome on day zero" {
  campaign onboarding
  persona linh
  expect sent welcome at 0d
}
```
"#,
    },
    CodeInfo {
        code: "E0807",
        title: "unknown split or variant",
        explanation: r#"`variant SPLIT.VARIANT` fixes a test to one variant of a `split` in the
tested campaign's flow; both names must exist there. `variant holdout` and
`variant treatment` choose the control group or not.

Wrong:

```camp
test "the fancy variant" {
  campaign onboarding
  persona linh
  variant subject_test.fancyy
}
```

Right:

```camp
test "the fancy variant" {
  campaign onboarding
  persona linh
  variant subject_test.fancy
}
```
"#,
    },
    CodeInfo {
        code: "E0808",
        title: "`start` is not a local date-time",
        explanation: r#"A test's `start` is a date and time on the persona's local clock, with
no offset (`2026-11-02T10:00`); offsets in `at` and `expect` count from it.
The default is `2026-01-05T10:00`.

Wrong:

```camp
test "welcome is sent" {
  campaign onboarding
  persona linh
  start 2026-11-02T10:00:00Z
}
```

Right:

```camp
test "welcome is sent" {
  campaign onboarding
  persona linh
  start 2026-11-02T10:00
}
```
"#,
    },
    CodeInfo {
        code: "E0809",
        title: "a test that runs several campaigns switches plans",
        explanation: r#"`at T switch to "DIR"` replaces the campaign's plan at `T` by the same
campaign's plan in the project `DIR` (a deploy while the customer is in
flight). It replaces one campaign's plan, so a test that runs several
campaigns together (more than one `campaign` line) cannot switch.

Wrong:

```camp
test "a deploy on day one" {
  campaign onboarding
  campaign cart_recovery
  persona linh
  at 1d switch to "../v2"
}
```

Right:

```camp
test "a deploy on day one" {
  campaign onboarding
  persona linh
  at 1d switch to "../v2"
}
```
"#,
    },
    CodeInfo {
        code: "E0810",
        title: "`switch to` without a directory",
        explanation: r#"`at T switch to "DIR"` names the project whose plan replaces the
campaign's at `T`, as a directory relative to the project being tested
(`"../v2"`). An empty name names no project.

Wrong:

```camp
test "a deploy on day one" {
  campaign onboarding
  persona linh
  at 1d switch to ""
}
```

Right:

```camp
test "a deploy on day one" {
  campaign onboarding
  persona linh
  at 1d switch to "../v2"
}
```
"#,
    },
];
