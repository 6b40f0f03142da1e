//! Channel and compliance codes (06xx): fields, consent, unsubscribe links,
//! addresses, SMS segments, lengths, webhooks.

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0601",
        title: "message lacks a required field",
        explanation: r##"Each channel needs some fields in every locale: email a `subject` and a
`body` (and a sender: `from`, or `email_from` in `defaults`); SMS a
`body`; push and in-app a `title` and a `body`; webhook a `url` and a
`body`. A field written outside the locale blocks serves every locale.

Wrong:

```camp
message nudge: push {
  locale en { body "Create a project in two taps." }
}
```

Right:

```camp
message nudge: push {
  locale en { title "Your workspace is ready"  body "Create a project in two taps." }
}
```
"##,
    },
    CodeInfo {
        code: "E0602",
        title: "field unknown for the channel",
        explanation: r##"A message has a field its channel does not use. Email: `from`,
`subject`, `preheader`, `body`. SMS: `body`. Push: `title`, `body`,
`link`. In-app: `title`, `body`, `button`, `link`. Webhook: `url`,
`method`, `body`.

Wrong:

```camp
message last_chance: sms {
  title "Last chance"
  body "Acme: your trial ends soon. Reply STOP to opt out"
}
```

Right:

```camp
message last_chance: sms {
  body "Acme: your trial ends soon. Reply STOP to opt out"
}
```
"##,
    },
    CodeInfo {
        code: "E0603",
        title: "invalid message category",
        explanation: r##"A message's `category` is `marketing` (the default) or
`transactional`. Marketing messages need consent and, for email, an
unsubscribe link; transactional ones (receipts, password resets) do not.

Wrong:

```camp
message receipt: email {
  category receipt
  subject "Your receipt"
  body "Thanks for your order."
}
```

Right:

```camp
message receipt: email {
  category transactional
  subject "Your receipt"
  body "Thanks for your order."
}
```
"##,
    },
    CodeInfo {
        code: "E0604",
        title: "marketing email without an unsubscribe link",
        explanation: r##"Every marketing email must let its reader unsubscribe (CAN-SPAM, GDPR,
and the bulk-sender rules of Gmail and Yahoo). Each locale's `body`
must contain `{{unsubscribe_url}}`, and the rendered email must link to
it: the body is rendered with a stand-in unsubscribe URL and its HTML
must have an `<a href>` to that URL. Inside a code span
(`` `{{unsubscribe_url}}` ``) or a fenced block, also one left unclosed,
the tag is plain text and no link.

Wrong:

```camp
message tips: email {
  subject "Three tips for your first week"
  body "Start from a template."
}
```

Right:

```camp
message tips: email {
  subject "Three tips for your first week"
  body "Start from a template. [Unsubscribe]({{unsubscribe_url}})"
}
```
"##,
    },
    CodeInfo {
        code: "E0605",
        title: "marketing on a channel without a consent attribute",
        explanation: r##"Marketing sends are gated by the attribute that grants consent for
their channel (`consent(email)`, `consent(sms)`, …). A campaign sends a
marketing message on a channel for which the schema has no such
attribute, so nothing records whether the customer agreed. Add one, or
mark the message `category transactional` if it is not marketing. In an
editor, the quick fix adds `attr CHANNEL_opt_in: bool consent(CHANNEL)`
after the schema's last attribute (or adds `consent(CHANNEL)` to an
existing `bool` attribute of that name).

Wrong:

```camp
schema {
  attr phone: phone?
}
```

Right:

```camp
schema {
  attr phone: phone?
  attr sms_opt_in: bool consent(sms)
}
```
"##,
    },
    CodeInfo {
        code: "E0606",
        title: "no address attribute for the channel",
        explanation: r##"Email is sent to an attribute of type `email`, SMS to one of type
`phone`. A campaign sends on a channel whose address the schema has no
attribute for.

Wrong:

```camp
schema {
  attr first_name: string?
}
```

Right:

```camp
schema {
  attr first_name: string?
  attr phone: phone?
}
```
"##,
    },
    CodeInfo {
        code: "E0607",
        title: "SMS over 10 segments",
        explanation: r##"An SMS longer than one segment is split and billed per segment; past
10 segments carriers refuse or truncate it. Segments are counted per
locale on the text with every tag replaced by a sample value: GSM-7
(160 characters, 153 per segment when split; `€ [ ] { } ^ ~ | \` count
twice) when every character is in the GSM alphabet, else UCS-2 (70, and
67 per segment). Vietnamese, Czech and Chinese texts are usually UCS-2.

Wrong:

```camp
message news: sms {
  body """
    (a newsletter pasted into an SMS, over 670 characters of Vietnamese)
    """
}
```

Right:

```camp
message news: sms {
  body "Acme: có tin mới cho bạn: https://acme.example/n Trả lời STOP để hủy"
}
```
"##,
    },
    CodeInfo {
        code: "E0608",
        title: "webhook URL is not https",
        explanation: r##"A webhook carries customer data; it must go to an `https://` endpoint.

Wrong:

```camp
message crm_task: webhook {
  category transactional
  url "http://crm.acme.example/tasks"
  body "{\"email\": \"{{customer.email}}\"}"
}
```

Right:

```camp
message crm_task: webhook {
  category transactional
  url "https://crm.acme.example/tasks"
  body "{\"email\": \"{{customer.email}}\"}"
}
```
"##,
    },
    CodeInfo {
        code: "E0609",
        title: "webhook body is not valid JSON once rendered",
        explanation: r##"A webhook body is a JSON template. It is rendered with sample values
for every variable (strings that contain `"` and `\`, money like
`"59.90 USD"`, ints `42`) and must then parse as JSON. Text values go
inside quotes with `{{x}}`, which escapes them; `{{{x}}}` does not
escape and breaks on a quote. Numbers go bare.

Wrong:

```camp
message crm_task: webhook {
  category transactional
  url "https://crm.acme.example/tasks"
  body "{\"name\": {{customer.first_name}}, \"total\": {{event.total}}}"
}
```

Right:

```camp
message crm_task: webhook {
  category transactional
  url "https://crm.acme.example/tasks"
  body "{\"name\": \"{{default customer.first_name \"\"}}\", \"total\": \"{{event.total}}\"}"
}
```
"##,
    },
    CodeInfo {
        code: "E0610",
        title: "email link with an unsafe URL scheme",
        explanation: r##"Links and images in an email body may use only `https:`, `http:`,
`mailto:` and `tel:` URLs (or a relative URL). A `javascript:`, `data:`,
`vbscript:` or `file:` URL runs code or loads content in the reader's mail
client, so the rendered email would drop the link and keep its text. A URL
that comes from data (`[site]({{customer.site}})`) cannot be judged here:
when its value has an unsafe scheme, the link is removed at render time
and the preview says so.

Wrong:

```camp
message tips: email {
  category transactional
  subject "Tips"
  body "[Open the app](javascript:openApp())"
}
```

Right:

```camp
message tips: email {
  category transactional
  subject "Tips"
  body "[Open the app](https://app.acme.example/open)"
}
```
"##,
    },
    CodeInfo {
        code: "E0611",
        title: "webhook URL whose scheme or host comes from data",
        explanation: r##"A webhook's scheme and host (everything up to the first `/` after
`https://`) must be written out: a `{{…}}` tag there lets a customer's or
an event's value choose the server that receives the customer's data
(`{{event.source}}` = `evil.example/steal#`). Values belong in the path
or the query, where they are percent-encoded when the URL is rendered.

Wrong:

```camp
message crm_task: webhook {
  category transactional
  url "https://{{event.source}}.crm.example/tasks"
  body "{}"
}
```

Right:

```camp
message crm_task: webhook {
  category transactional
  url "https://crm.example/tasks?source={{event.source}}"
  body "{}"
}
```
"##,
    },
    CodeInfo {
        code: "E0612",
        title: "webhook URL with an unescaped `{{{…}}}` value",
        explanation: r##"Values in a webhook URL are percent-encoded for their place in the
URL, so a value cannot end the path, start a query or add a fragment.
A triple-stash tag `{{{…}}}` (or `{{&…}}`) asks for the value
unescaped, which would let `evil.example/steal#` rewrite the URL. Use a
normal `{{…}}` tag.

Wrong:

```camp
message crm_task: webhook {
  category transactional
  url "https://crm.example/tasks/{{{event.source}}}"
  body "{}"
}
```

Right:

```camp
message crm_task: webhook {
  category transactional
  url "https://crm.example/tasks/{{event.source}}"
  body "{}"
}
```
"##,
    },
    CodeInfo {
        code: "W0601",
        title: "SMS over one segment",
        explanation: r##"The SMS is longer than one segment in some locale, so it is split and
billed as several messages. Counted as for E0607: GSM-7 160 characters
(153 per segment when split), UCS-2 70 (67), on the text with sample
values for every tag.

Wrong:

```camp
message last_chance: sms {
  locale vi { body "Acme: thời gian dùng thử của bạn sắp kết thúc. Hãy tạo dự án đầu tiên ngay hôm nay tại https://app.acme.example/new Trả lời STOP để hủy" }
}
```

Right:

```camp
message last_chance: sms {
  locale vi { body "Acme: sắp hết hạn dùng thử. Tạo dự án: https://app.acme.example/new Trả lời STOP để hủy" }
}
```
"##,
    },
    CodeInfo {
        code: "W0602",
        title: "push or in-app text over its length limit",
        explanation: r##"Push titles over 50 characters and bodies over 150 are cut off on most
devices; in-app cards fit 60 and 240. Counted on the text with sample
values for every tag.

Wrong:

```camp
message nudge: push {
  title "Your brand new Acme workspace is ready and waiting for your first project"
  body "Create a project in two taps."
}
```

Right:

```camp
message nudge: push {
  title "Your workspace is ready"
  body "Create a project in two taps."
}
```
"##,
    },
];
