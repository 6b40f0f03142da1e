//! Codes of the flow rules (`src/check/flows.rs`) and unused declarations
//! (`src/check/unused.rs`).

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0701",
        title: "split percentages do not add up to 100%",
        explanation: r#"Every customer who reaches a `split` lands in exactly one variant, chosen
by a stable hash of the customer, the campaign and the split name. The
variants' percentages are the share of customers each one gets, so they must
be positive and sum to exactly 100%.

Wrong:

```camp
split subject_test {
  short 50% { send welcome_short }
  long 40% { send welcome_long }
}
```

Right:

```camp
split subject_test {
  short 50% { send welcome_short }
  long 50% { send welcome_long }
}
```
"#,
    },
    CodeInfo {
        code: "E0702",
        title: "holdout outside 0%–100%",
        explanation: r#"`holdout P%` keeps P percent of entering customers as a control group: they
enter the campaign and are measured, but receive nothing. P must lie between
0% and 100% and have at most two decimals.

Wrong:

```camp
holdout 150%
```

Right:

```camp
holdout 10%
```
"#,
    },
    CodeInfo {
        code: "E0703",
        title: "a duration that covers no time",
        explanation: r#"`wait D` and `wait for EVENT up to D` need a positive duration. A zero or
negative wait is almost always a typo; to go on at once, leave the step out.
The same holds for `within D` in conditions and scores (`within 0d` matches
nothing) and for `reentry after D`.

Wrong:

```camp
flow {
  send welcome
  wait 0d
  send tips
}
```

Right:

```camp
flow {
  send welcome
  wait 1d
  send tips
}
```
"#,
    },
    CodeInfo {
        code: "E0704",
        title: "send window with equal ends",
        explanation: r#"`send_window START-END` allows sends between two local times; a send due
outside waits for the next opening. When both ends are equal the window is
empty (or all day — nobody can tell which), so it is rejected.

Wrong:

```camp
send_window 09:00-09:00
```

Right:

```camp
send_window 09:00-20:00   // or remove send_window to send at any time
```
"#,
    },
    CodeInfo {
        code: "E0706",
        title: "a cap over no time",
        explanation: r#"`cap N per D` allows at most N messages from the campaign in any period D.
The period must be positive: over no time at all, the cap means nothing.
(A count below 1 is reported as E0311.)

Wrong:

```camp
cap 2 per 0m
```

Right:

```camp
cap 2 per 1d
```
"#,
    },
    CodeInfo {
        code: "E0707",
        title: "a step label used twice in one campaign",
        explanation: r#"A label (`LABEL: step`) names one step of a campaign for good: the step's
id in the plan is `@LABEL` wherever it is in the flow, so customers waiting
in it stay there when the flow is restructured. Two steps cannot share one
identity, so a label may appear only once in a campaign (the same label in
two campaigns is fine).

Wrong:

```camp
flow {
  cool_off: wait 1d
  send welcome
  cool_off: wait 2d
}
```

Right:

```camp
flow {
  cool_off: wait 1d
  send welcome
  second_cool_off: wait 2d
}
```
"#,
    },
    CodeInfo {
        code: "W0701",
        title: "steps after `exit`",
        explanation: r#"`exit` ends the customer's journey at once, so steps written after it in the
same block never run.

Wrong:

```camp
if plan == enterprise {
  exit
  send sales_intro
}
```

Right:

```camp
if plan == enterprise {
  send sales_intro
  exit
}
```
"#,
    },
    CodeInfo {
        code: "W0702",
        title: "the same message twice with no wait",
        explanation: r#"Two `send` steps of the same message with nothing that lets time pass
between them deliver the same message twice at once.

Wrong:

```camp
send welcome
send welcome
```

Right:

```camp
send welcome
wait 3d
send welcome_reminder
```
"#,
    },
    CodeInfo {
        code: "W0703",
        title: "a send the cap always defers",
        explanation: r#"With `cap N per D`, a send that comes after N other sends of the same path
within less than D — even along the slowest path — is always deferred until
the cap allows it. That is rarely intended: the customer gets the message
later than the flow says.

Wrong:

```camp
cap 1 per 1d
flow {
  send welcome
  wait 2h
  send tips      // always deferred by ~22h
}
```

Right:

```camp
cap 1 per 1d
flow {
  send welcome
  wait 1d
  send tips
}
```
"#,
    },
    CodeInfo {
        code: "W0704",
        title: "a campaign that sends nothing",
        explanation: r#"A campaign whose flow has no `send` on any path reaches nobody. It may still
make sense for a flow that only sets attributes, but usually a step is
missing.

Wrong:

```camp
campaign tag_vips {
  stage loyalty
  trigger enters vip
  flow { wait 1d }
}
```

Right:

```camp
campaign tag_vips {
  stage loyalty
  trigger enters vip
  flow { send vip_welcome }
}
```
"#,
    },
    CodeInfo {
        code: "W0705",
        title: "unused segment",
        explanation: r#"A segment that no campaign, score or other segment uses has no effect.
Usually it is a leftover or a typo in the place that should use it.

Wrong:

```camp
segment new_trials = plan == trial
campaign onboarding { stage onboarding trigger event signed_up flow { send welcome } }
```

Right:

```camp
segment new_trials = plan == trial
campaign onboarding {
  stage onboarding
  trigger event signed_up
  audience new_trials
  flow { send welcome }
}
```
"#,
    },
    CodeInfo {
        code: "W0706",
        title: "message never sent",
        explanation: r#"A message that no campaign sends is never delivered. Send it from a flow
with `send NAME`, or remove it.

Wrong:

```camp
message tips: email { subject "Tips" body "…" }
campaign onboarding { stage onboarding trigger event signed_up flow { send welcome } }
```

Right:

```camp
campaign onboarding {
  stage onboarding
  trigger event signed_up
  flow { send welcome  wait 1d  send tips }
}
```
"#,
    },
    CodeInfo {
        code: "W0707",
        title: "persona used by no test and no preview",
        explanation: r#"Personas are sample customers for tests and previews. A preview of locale
L uses the first persona whose `locale` is L (else the first persona, with its
locale set to L). A persona that no test names and that no preview picks is
never used.

Wrong:

```camp
persona linh { locale vi … }
persona linh2 { locale vi … }   // never picked: linh comes first
```

Right:

```camp
persona linh { locale vi … }
test "…" { campaign onboarding  persona linh2 … }
```
"#,
    },
    CodeInfo {
        code: "E0708",
        title: "a pressure limit that allows nothing or counts over no time",
        explanation: r#"`pressure N per D` in `defaults` allows at most N marketing messages to one
customer from all campaigns together in any period D (transactional messages
never count). A marketing send over the limit is skipped. N must be at least 1
and D positive: `pressure 0 per 7d` would silence every marketing message, and
a limit over no time limits nothing.

Wrong:

```camp
defaults {
  pressure 0 per 7d
}
```

Right:

```camp
defaults {
  pressure 3 per 7d
}
```
"#,
    },
    CodeInfo {
        code: "E0709",
        title: "a campaign priority outside 0 to 100",
        explanation: r#"`priority N` decides, under the project's `pressure` limit, which campaign
goes first when marketing sends of several campaigns are due at the same
instant (a higher number goes first; 0 when not written). N is a whole number
from 0 to 100.

Wrong:

```camp
campaign cart_recovery {
  stage conversion
  trigger event cart_abandoned
  priority 1000
}
```

Right:

```camp
campaign cart_recovery {
  stage conversion
  trigger event cart_abandoned
  priority 80
}
```
"#,
    },
    CodeInfo {
        code: "W0708",
        title: "unused score",
        explanation: r#"A score that no segment or condition compares and no message template
reads (`{{customer.engagement}}`) has no effect. A mention in the plain text of
a template, outside `{{ }}`, is not a use.

Wrong:

```camp
score engagement { +5 per app_opened within 30d max 50 }
```

Right:

```camp
score engagement { +5 per app_opened within 30d max 50 }
segment sales_ready = engagement >= 60
```
"#,
    },
    CodeInfo {
        code: "W0709",
        title: "a priority without a project-wide pressure limit",
        explanation: r#"`priority` only decides something under the project's `pressure` limit:
of the marketing sends due at one instant, the higher priority goes first and
takes the room the limit leaves. A project without `pressure` in `defaults`
sends everything, so the priority has no effect.

Wrong:

```camp
defaults { locale en }
campaign cart_recovery { stage conversion  trigger event cart_abandoned  priority 80 }
```

Right:

```camp
defaults { locale en  pressure 3 per 7d }
campaign cart_recovery { stage conversion  trigger event cart_abandoned  priority 80 }
```
"#,
    },
];
