//! Codes about types (`03xx`): conditions, comparisons, arithmetic, money
//! currencies, `set`, and values of settings.

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0301",
        title: "not a condition",
        explanation: r#"A place that needs a yes/no value — a segment, an audience, a goal,
`exit when`, `if`, `where`, each side of `and`/`or`, the operand of `not` —
was given something else, such as a number.

Wrong:

```camp
segment loyal = loyalty_points and plan == pro
```

Right:

```camp
segment loyal = loyalty_points >= 100 and plan == pro
```
"#,
    },
    CodeInfo {
        code: "E0302",
        title: "values that cannot be compared",
        explanation: r#"The two sides of a comparison have types that do not go together: text
with a number, a time with a duration, money with a plain number. Ordering
(`<`, `>=`, …) also needs values that have an order, so it is not allowed
on booleans, enums, lists or records.

Wrong:

```camp
segment named = first_name == 42
segment recent = signed_up_at > 14d
```

Right:

```camp
segment named = first_name == "Linh"
segment recent = signed_up_at > now - 14d
```
"#,
    },
    CodeInfo {
        code: "E0303",
        title: "different currencies",
        explanation: r#"Amounts of money are typed with their currency: `money(USD)` and
`money(EUR)` cannot be compared, added or subtracted, because no exchange
rate is implied.

Wrong:

```camp
// attr lifetime_value: money(USD)
segment vip = lifetime_value >= 500 EUR
```

Right:

```camp
// attr lifetime_value: money(USD)
segment vip = lifetime_value >= 500 USD
```
"#,
    },
    CodeInfo {
        code: "E0304",
        title: "`+` or `-` on values that do not add up",
        explanation: r#"`+` and `-` work on numbers, on money of one currency, on a time and a
duration (`now - 14d` is a time), on two durations, and `time - time`
gives a duration. Anything else — a time plus a plain number, text plus a
number — has no meaning.

Wrong:

```camp
segment recent = signed_up_at + 14 > now
```

Right:

```camp
segment recent = signed_up_at + 14d > now
```
"#,
    },
    CodeInfo {
        code: "E0305",
        title: "`sum` over a non-numeric property",
        explanation: r#"`sum(EVENT.PROP …)` adds up a property, so the property must be an
`int`, a `decimal` or `money`. To count events, use `count(EVENT …)`.

Wrong:

```camp
segment big = sum(order_placed.order_id within 30d) > 3
```

Right:

```camp
segment big = sum(order_placed.total within 30d) > 300 USD
segment frequent = count(order_placed within 30d) > 3
```
"#,
    },
    CodeInfo {
        code: "E0306",
        title: "`set` to a value of the wrong type",
        explanation: r#"`set ATTR = EXPR` stores the value in the attribute, so its type must be
the attribute's type. A value that may be unset (`last(…)`, arithmetic on
an optional attribute) cannot be stored in a required attribute.

Wrong:

```camp
// attr loyalty_points: int
campaign bonus {
  stage loyalty
  trigger event order_placed
  flow { set loyalty_points = "many" }
}
```

Right:

```camp
// attr loyalty_points: int
campaign bonus {
  stage loyalty
  trigger event order_placed
  flow { set loyalty_points = loyalty_points + 100 }
}
```
"#,
    },
    CodeInfo {
        code: "E0307",
        title: "text operator on something that is not text",
        explanation: r#"`starts_with` and `ends_with` test text; `contains` tests text, or
whether a list holds an item (the item must be of the list's item
type).

Wrong:

```camp
segment sevens = loyalty_points ends_with "7"
```

Right:

```camp
segment staff = email ends_with "@acme.example"
```
"#,
    },
    CodeInfo {
        code: "E0308",
        title: "list item of the wrong type",
        explanation: r#"In `x in [a, b]`, every item of the list must be of the type of `x`; for
an enum, the items are its variants.

Wrong:

```camp
segment paying = plan in [pro, 3]
```

Right:

```camp
segment paying = plan in [pro, enterprise]
```
"#,
    },
    CodeInfo {
        code: "E0309",
        title: "value not usable here",
        explanation: r#"Some values have no meaning in a condition: clock times (`09:00`, used by
`send_window` and `wait until`), local date-times without an offset,
percentages, records, and lists anywhere except after `in`. Fields of a
record-typed attribute cannot be reached in a condition either.

Wrong:

```camp
segment morning = signed_up_at > 09:00
```

Right:

```camp
segment recent = signed_up_at > 2026-11-01T00:00:00Z
```
"#,
    },
    CodeInfo {
        code: "E0310",
        title: "wrong kind of value for a setting",
        explanation: r#"A setting was given a value of another kind than it takes: `holdout` and
split variants take a percentage (`10%`), message fields take text in
quotes, `trigger changed ATTR to VALUE` takes a constant of the
attribute's type, a `consent(…)` attribute must be a `bool`, and `defaults`
entries take text.

Wrong:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  holdout 10
  flow { send welcome }
}
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  holdout 10%
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0311",
        title: "number out of range",
        explanation: r#"`cap N per D` needs at least one message (N ≥ 1), and `every month on D`
needs a day from 1 to 31 (in months shorter than D days, the run happens
on the month's last day).

Wrong:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  cap 0 per 1d
  flow { send welcome }
}
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  cap 1 per 1d
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "E0312",
        title: "unknown time zone",
        explanation: r#"Time zones are IANA names (`UTC`, `Europe/Prague`, `Asia/Ho_Chi_Minh`),
as in `defaults { timezone … }` and in `timezone` attributes of personas.
The name is looked up in the time zone database bundled with campaignc.

Wrong:

```camp
defaults {
  timezone "Europe/Prag"
}
```

Right:

```camp
defaults {
  timezone "Europe/Prague"
}
```
"#,
    },
    CodeInfo {
        code: "E0313",
        title: "integer arithmetic that overflows",
        explanation: r#"An `int` holds whole numbers from -9223372036854775808 to
9223372036854775807 (64 bits). When both sides of `+` or `-` are numbers
written in the source, the checker works the result out and reports a sum
that falls outside that range. campaignc never wraps around or clamps a
number: at run time, an overflow the checker cannot see (an attribute near
the limit plus a constant) stops the step with an error in the simulator's
timeline, and the test fails.

Wrong:

```camp
campaign loyalty {
  stage retention
  trigger event order_placed
  flow {
    set loyalty_points = 9223372036854775807 + 1
  }
}
```

Right:

```camp
campaign loyalty {
  stage retention
  trigger event order_placed
  flow {
    set loyalty_points = loyalty_points + 100
  }
}
```
"#,
    },
];
