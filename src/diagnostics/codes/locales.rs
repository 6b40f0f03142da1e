//! Localization codes (05xx): locales of sent messages, translations,
//! plural categories, BCP 47 tags.

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E0501",
        title: "message lacks a locale its campaign sends in",
        explanation: r##"A campaign lists the locales it sends in (`locales en, vi`; the default
locale when not written). Every message it sends needs a `locale` block
for each of them, unless the message has no locale blocks at all (its
fields then serve every locale). The diagnostic lists the missing
locales and labels each `send`.

In an editor, the quick fix adds the missing block as a copy of the
reference locale's block (`defaults.locale`, else the first block) with
the text unchanged and a `// TODO: translate from en` comment above it,
so the project keeps checking while the translation is pending; search
for `TODO: translate` to find what is left. When the missing tag looks
like a typo in the campaign's `locales` (`vn` for `vi`), the first fix
corrects the tag there instead.

Wrong:

```camp
message nudge: push {
  locale en { title "Your workspace is ready"  body "Create a project." }
}

campaign onboarding {
  stage onboarding
  trigger event signed_up
  locales en, vi
  flow { send nudge }
}
```

Right:

```camp
message nudge: push {
  locale en { title "Your workspace is ready"  body "Create a project." }
  locale vi { title "Không gian làm việc đã sẵn sàng"  body "Tạo dự án." }
}
```
"##,
    },
    CodeInfo {
        code: "E0502",
        title: "invalid BCP 47 locale tag",
        explanation: r##"Locale tags are BCP 47: a 2–3 letter language code, optionally followed
by a script and a region, separated by `-` (`en`, `vi`, `cs`, `zh-Hant`,
`pt-BR`). Underscores and language names are not tags.

Wrong:

```camp
message hi: push {
  locale pt_BR { title "Olá"  body "Bem-vindo" }
}
```

Right:

```camp
message hi: push {
  locale pt-BR { title "Olá"  body "Bem-vindo" }
}
```
"##,
    },
    CodeInfo {
        code: "W0501",
        title: "translation uses different variables than the reference locale",
        explanation: r##"Each translation of a message should say the same things as the
reference translation (the `defaults` locale, else the first locale
block): a variable that is missing or added in one locale usually means
a translation is out of date. The warning names the variables missing
and added.

Wrong:

```camp
message cart: sms {
  locale en { body "{{default customer.first_name "Hi"}}, your cart ({{money event.total}}) is waiting" }
  locale vi { body "Giỏ hàng của bạn vẫn đang chờ" }
}
```

Right:

```camp
message cart: sms {
  locale en { body "{{default customer.first_name "Hi"}}, your cart ({{money event.total}}) is waiting" }
  locale vi { body "{{default customer.first_name "Chào"}}, giỏ hàng ({{money event.total}}) vẫn đang chờ" }
}
```
"##,
    },
    CodeInfo {
        code: "W0502",
        title: "`plural` lacks a category its locale uses",
        explanation: r##"Languages use different CLDR plural categories: English `one` and
`other`; Czech `one`, `few`, `many` and `other`. A `plural` without a
text for a category its locale uses falls back to `other`, which reads
wrong ("2 bodů" instead of "2 body").

Wrong:

```camp
message points: push {
  locale cs {
    title "Body"
    body "Máte {{plural customer.loyalty_points one="# bod" other="# bodů"}}"
  }
}
```

Right:

```camp
message points: push {
  locale cs {
    title "Body"
    body "Máte {{plural customer.loyalty_points one="# bod" few="# body" many="# bodu" other="# bodů"}}"
  }
}
```
"##,
    },
];
