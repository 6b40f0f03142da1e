//! Codes about names (`02xx`): unknown and duplicate declarations, clashes,
//! cycles, and the settings a declaration must or may only once have.

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0201",
        title: "duplicate declaration",
        explanation: r#"Two declarations give the same name to one kind of thing: two segments
`vip`, two attributes `email`, two properties of one event, two variants of
one enum, two lifecycle stages, two tests with one name. All `.camp` files
of a project share one namespace, so the two may be in different files;
the diagnostic points at the second and labels the first. `defaults` and
`lifecycle` may also appear only once in a project.

Wrong:

```camp
// segments.camp
segment vip = lifetime_value >= 500 USD
// loyalty.camp
segment vip = loyalty_points >= 1000
```

Right:

```camp
segment vip = lifetime_value >= 500 USD
segment loyal = loyalty_points >= 1000
```
"#,
    },
    CodeInfo {
        code: "E0202",
        title: "name used by an attribute, a segment or a score",
        explanation: r#"Attributes, segments and scores are all written as bare names in
expressions (`plan == trial`, `vip`, `engagement >= 60`), so one name can
only be one of them. A segment or score with the name of an attribute (or
of each other) would make every use of the name ambiguous.

Wrong:

```camp
schema {
  attr plan: enum(free, trial, pro)
}
segment plan = loyalty_points > 10
```

Right:

```camp
schema {
  attr plan: enum(free, trial, pro)
}
segment engaged = loyalty_points > 10
```
"#,
    },
    CodeInfo {
        code: "E0203",
        title: "unknown attribute",
        explanation: r#"A name used as a customer attribute (`customer.NAME`, a persona field, the
target of `set`, `trigger changed NAME`, `at … set NAME`, `expect
customer.NAME`) is not declared with `attr` in any `schema` block.

Wrong:

```camp
segment trials = customer.plna == trial
```

Right:

```camp
segment trials = customer.plan == trial
```
"#,
    },
    CodeInfo {
        code: "E0204",
        title: "unknown event",
        explanation: r#"An event query (`performed`, `count`, `sum`, `last`), a trigger, a `wait
for`, a persona sample or a test names an event that no `schema` declares
with `event NAME { … }`.

Wrong:

```camp
segment joined = performed signed_upp within 7d
```

Right:

```camp
segment joined = performed signed_up within 7d
```
"#,
    },
    CodeInfo {
        code: "E0205",
        title: "unknown property",
        explanation: r#"An event has no property of that name (or a record type no field of that
name). Inside `where`, bare names are properties of the event being
filtered; `event.NAME` is a property of the event in scope; persona samples
and test events list properties of their event. Customer attributes inside
`where` are written `customer.NAME`.

Wrong:

```camp
segment big = performed order_placed where totl > 100 USD
```

Right:

```camp
segment big = performed order_placed where total > 100 USD
```
"#,
    },
    CodeInfo {
        code: "E0206",
        title: "unknown segment",
        explanation: r#"`trigger enters SEGMENT` names a segment that is not declared.

Wrong:

```camp
campaign onboarding {
  stage onboarding
  trigger enters new_trail
  flow { send welcome }
}
```

Right:

```camp
segment new_trials = plan == trial

campaign onboarding {
  stage onboarding
  trigger enters new_trials
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0207",
        title: "unknown name in an expression",
        explanation: r#"A bare name in an expression must be an attribute, a segment or a score
(or, next to an enum value, one of the enum's variants). This one is none
of them. To ask whether an event happened, write `performed EVENT`.

Wrong:

```camp
segment trials = plann == trial
```

Right:

```camp
segment trials = plan == trial
```
"#,
    },
    CodeInfo {
        code: "E0208",
        title: "unknown message",
        explanation: r#"A `send` step, or a test expectation, names a message that is not
declared with `message NAME: CHANNEL { … }`.

Wrong:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  flow { send welcom }
}
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0209",
        title: "unknown campaign",
        explanation: r#"A test's `campaign` names a campaign that is not declared.

Wrong:

```camp
test "welcome is sent" {
  campaign onboardng
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
        code: "E0210",
        title: "unknown persona",
        explanation: r#"A test's `persona` names a persona that is not declared.

Wrong:

```camp
test "welcome is sent" {
  campaign onboarding
  persona lihn
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
        code: "E0211",
        title: "unknown enum variant",
        explanation: r#"A bare word compared with an enum value (`plan == trial`, `plan in [pro,
enterprise]`, `set loyalty_tier = gold`, a persona's `plan trial`) must be
one of the variants the enum declares.

Wrong:

```camp
// attr plan: enum(free, trial, pro, enterprise)
segment trials = plan == trail
```

Right:

```camp
// attr plan: enum(free, trial, pro, enterprise)
segment trials = plan == trial
```
"#,
    },
    CodeInfo {
        code: "E0212",
        title: "unknown lifecycle stage",
        explanation: r#"A campaign's `stage` must be one of the project's lifecycle stages: the
ones declared in `lifecycle { stages … }`, or by default discovery,
engagement, onboarding, conversion, retention, loyalty, advocacy,
churn_risk and winback.

Wrong:

```camp
campaign onboarding {
  stage onbording
  trigger event signed_up
  flow { send welcome }
}
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0213",
        title: "unknown type",
        explanation: r#"A type in the schema is neither a built-in type (bool, int, decimal,
money(CUR), string, email, phone, url, locale, timezone, time, date,
duration, enum(…), list<T>) nor a record type declared with `type`.

Wrong:

```camp
schema {
  attr nickname: strng?
}
```

Right:

```camp
schema {
  attr nickname: string?
}
```
"#,
    },
    CodeInfo {
        code: "E0214",
        title: "segments depend on each other in a cycle",
        explanation: r#"Segments (and scores) may use each other, but not in a circle: a
segment that needs itself, directly or through others, has no value. The
message prints the cycle, and each segment of it is labelled.

Wrong:

```camp
segment new_trials = plan == trial and not vip
segment vip = lifetime_value >= 500 USD or new_trials
```

Right:

```camp
segment new_trials = plan == trial and not vip
segment vip = lifetime_value >= 500 USD
```
"#,
    },
    CodeInfo {
        code: "E0215",
        title: "unknown channel",
        explanation: r#"A message's channel (`message NAME: CHANNEL`) or a `consent(CHANNEL)` in
the schema is not one of email, sms, push, in_app or webhook.

Wrong:

```camp
message tips: emial {
  subject "Tips"
  body "Start from a template. [Unsubscribe]({{unsubscribe_url}})"
}
```

Right:

```camp
message tips: email {
  subject "Tips"
  body "Start from a template. [Unsubscribe]({{unsubscribe_url}})"
}
```
"#,
    },
    CodeInfo {
        code: "E0216",
        title: "given twice",
        explanation: r#"A setting that a block takes once is written twice: a campaign setting
(`stage`, `trigger`, `goal`, …), a `defaults` entry, a persona attribute, a
property of an event payload, a locale block of a message, a test's
`campaign`, `persona` or `start`, a test's `variant` for the holdout group
(`holdout`/`treatment`) or for the same split, or `consent(CHANNEL)` on a
second attribute for the same channel. The first one counts; remove the
other.

Wrong:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  stage conversion
  flow { send welcome }
}
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0217",
        title: "campaign without stage or trigger",
        explanation: r#"Every campaign needs exactly one `stage` (its place in the lifecycle, for
the coverage report) and exactly one `trigger` (when customers enter).

Wrong:

```camp
campaign onboarding {
  stage onboarding
  flow { send welcome }
}
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0218",
        title: "unknown setting in defaults",
        explanation: r#"`defaults` takes `locale`, `timezone` and `email_from`, nothing else.

Wrong:

```camp
defaults {
  email_fro "Acme <hello@acme.example>"
}
```

Right:

```camp
defaults {
  email_from "Acme <hello@acme.example>"
}
```
"#,
    },
    CodeInfo {
        code: "E0219",
        title: "`event.*` with no event in scope",
        explanation: r#"`event.NAME` refers to the event that started the journey (`trigger
event …`) or, inside `wait for … { on event { … } }`, to the event received.
A campaign triggered otherwise (`enters`, `changed`, `every`) has no event
at the top of its flow, and `on timeout` branches keep the outer scope.

Wrong:

```camp
campaign digest {
  stage engagement
  trigger every day at 09:00
  flow {
    if event.total > 100 USD { send welcome }
  }
}
```

Right:

```camp
campaign big_order {
  stage loyalty
  trigger event order_placed
  flow {
    if event.total > 100 USD { send welcome }
  }
}
```
"#,
    },
    CodeInfo {
        code: "E0220",
        title: "`since entry` outside a campaign",
        explanation: r#"`since entry` counts from the moment a customer entered a campaign, so it
only means something inside a campaign (audience, goal, `exit when`, flow
conditions). Segments and scores are evaluated outside any journey: use
`within DURATION` there.

Wrong:

```camp
segment buyers = performed order_placed since entry
```

Right:

```camp
segment buyers = performed order_placed within 30d
```
"#,
    },
];
