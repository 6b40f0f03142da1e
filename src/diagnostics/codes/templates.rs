//! Template codes (04xx): Handlebars syntax, variables, helpers.

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0401",
        title: "template syntax error",
        explanation: r##"A message field is a Handlebars template, and this one does not parse:
a `{{` tag is never closed, a block is closed with the wrong name, or a
tag contains something that is not a variable, literal or helper call.
The error points at the exact place inside the string.

Wrong:

```camp
message tips: email {
  subject "Tips{{#if customer.first_name}} for {{customer.first_name}}{{/each}}"
  body "[Unsubscribe]({{unsubscribe_url}})"
}
```

Right:

```camp
message tips: email {
  subject "Tips{{#if customer.first_name}} for {{customer.first_name}}{{/if}}"
  body "[Unsubscribe]({{unsubscribe_url}})"
}
```

To write literal braces, escape them: `\\{{`.
"##,
    },
    CodeInfo {
        code: "E0402",
        title: "unknown template variable",
        explanation: r##"A template reads a variable that does not exist. At the top level a
template sees `customer.*` (schema attributes and scores), `event.*` (the
event in scope), `campaign.name` and `unsubscribe_url`. Customer
attributes are always written with `customer.`; `@index`, `@first` and
`@last` exist only inside `{{#each}}`.

Wrong:

```camp
message hello: push {
  title "Hi {{first_name}}"
  body "Your plan: {{customer.plna}}"
}
```

Right:

```camp
message hello: push {
  title "Hi {{default customer.first_name "there"}}"
  body "Your plan: {{customer.plan}}"
}
```
"##,
    },
    CodeInfo {
        code: "E0403",
        title: "unknown event property or record field",
        explanation: r##"A template reads a property the event in scope does not have, or a
field a record type does not have. Templates are checked at every `send`
of the message, with the event in scope there: the campaign's trigger
event, or the event a `wait for … on event` branch received.

Wrong (`signed_up` has only `source`):

```camp
message thanks: push {
  title "Thanks!"
  body "Your order {{event.order_id}} is on its way."
}
```

Right (sent where `order_placed` is in scope):

```camp
message thanks: push {
  title "Thanks!"
  body "Your order {{event.order_id}} is on its way."
}

campaign after_order {
  stage retention
  trigger event order_placed
  flow { send thanks }
}
```

Inside `{{#each}}` and `{{#with}}`, names refer to the current element:
write `@root.customer.plan` or `../customer.plan` to reach the top level.
"##,
    },
    CodeInfo {
        code: "E0404",
        title: "`event.*` where no event is in scope",
        explanation: r##"A template uses `event.*`, but the message is sent where no event is in
scope: the campaign is triggered by a segment, an attribute change or a
schedule, or the `send` is outside `on event` of a `wait for`. The
diagnostic points at the template and labels each such `send`.

Wrong:

```camp
campaign monthly {
  stage retention
  trigger every month on 1 at 09:00
  flow { send congrats }     // congrats uses {{event.name}}
}
```

Right: send it where the event is in scope.

```camp
campaign first_project {
  stage onboarding
  trigger event signed_up
  flow {
    wait for project_created up to 3d {
      on event { send congrats }
      on timeout { }
    }
  }
}
```
"##,
    },
    CodeInfo {
        code: "E0405",
        title: "`#each` over a value that is not a list",
        explanation: r##"`{{#each X}}` repeats its block for every element of the list `X`. `X`
here is not a list. Use `{{#with X}}` to enter a record, or `{{#if X}}`
to test a value.

Wrong:

```camp
message cart: email {
  subject "Your cart"
  body "{{#each event.total}}{{this}}{{/each}} [Unsubscribe]({{unsubscribe_url}})"
}
```

Right:

```camp
message cart: email {
  subject "Your cart"
  body "{{#each event.items}}- {{name}}: {{money price}} {{/each}}[Unsubscribe]({{unsubscribe_url}})"
}
```
"##,
    },
    CodeInfo {
        code: "E0406",
        title: "unknown helper",
        explanation: r##"A template calls a helper that does not exist. The helpers are
`default`, `money`, `number`, `date`, `plural`, `upper` and `lower`, and
the blocks `#if`, `#unless`, `#each` and `#with`.

Wrong:

```camp
message total: push {
  title "Your total"
  body "{{currency event.total}}"
}
```

Right:

```camp
message total: push {
  title "Your total"
  body "{{money event.total}}"
}
```
"##,
    },
    CodeInfo {
        code: "E0407",
        title: "helper called with the wrong number or shape of arguments",
        explanation: r##"A helper is called with too many or too few arguments, with named
arguments it does not take, or as a block when it is inline (or the
other way round). `default` takes a value and a fallback; `money`,
`number`, `upper` and `lower` one value; `date` a value and an optional
format; `plural` a number and named texts.

Wrong:

```camp
message hi: push {
  title "Hi {{default customer.first_name}}"
  body "{{money event.total "USD"}}"
}
```

Right:

```camp
message hi: push {
  title "Hi {{default customer.first_name "there"}}"
  body "{{money event.total}}"
}
```
"##,
    },
    CodeInfo {
        code: "E0408",
        title: "helper argument of the wrong type",
        explanation: r##"A helper receives a value it cannot format: `money` takes a money
value, `number` and `plural` a number (int, decimal or money), `date` a
time or a date (and optionally one of the formats `short`, `medium`,
`long`, `full`), `upper` and `lower` text.

Wrong:

```camp
message points: push {
  title "Points"
  body "You have {{money customer.loyalty_points}}"
}
```

Right:

```camp
message points: push {
  title "Points"
  body "You have {{number customer.loyalty_points}} points"
}
```
"##,
    },
    CodeInfo {
        code: "E0409",
        title: "`plural` without `other`, or with a key that is not a CLDR category",
        explanation: r##"`plural` chooses a text by the CLDR plural category of a number. Its
named arguments must be categories (`zero`, `one`, `two`, `few`, `many`,
`other`), and `other` is required because every language uses it. `#`
in a text stands for the number.

Wrong:

```camp
message points: push {
  title "Points"
  body "{{plural customer.loyalty_points single="# point" plural="# points"}}"
}
```

Right:

```camp
message points: push {
  title "Points"
  body "{{plural customer.loyalty_points one="# point" other="# points"}}"
}
```
"##,
    },
    CodeInfo {
        code: "E0410",
        title: "partials and decorators are not supported",
        explanation: r##"Messages are self-contained: Handlebars partials (`{{> name}}`) and
decorators (`{{* name}}`) have nothing to refer to. Write the text in
the message.

Wrong:

```camp
message hi: push {
  title "Hi"
  body "{{> footer}}"
}
```

Right:

```camp
message hi: push {
  title "Hi"
  body "See you soon, the Acme team"
}
```
"##,
    },
    CodeInfo {
        code: "E0411",
        title: "template nested too deeply",
        explanation: r##"A template tag nests more than 32 `( … )` subexpressions inside each
other. No real message needs this (two or three levels are plenty); such
text is usually generated by mistake. The limit is checked before the
template is parsed, so that parsing, checking and rendering it can never
run out of stack. (Blocks nested more than 64 deep are reported as
E0401.)

Wrong:

```camp
message hi: sms {
  body "{{upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper (upper customer.first_name)))))))))))))))))))))))))))))))))}}"
}
```

Right:

```camp
message hi: sms {
  body "{{upper customer.first_name}}"
}
```
"##,
    },
    CodeInfo {
        code: "W0401",
        title: "optional value used bare",
        explanation: r##"An optional attribute or property (`string?`) is printed directly. For
customers where it is unset, the text reads "Hi ," — use `default` to
give a fallback, or print it inside `{{#if}}` on the same value.

Wrong:

```camp
message hi: push {
  title "Hi {{customer.first_name}}"
  body "Welcome back"
}
```

Right:

```camp
message hi: push {
  title "Hi {{default customer.first_name "there"}}"
  body "Welcome back{{#if customer.first_name}}, {{customer.first_name}}{{/if}}"
}
```
"##,
    },
];
