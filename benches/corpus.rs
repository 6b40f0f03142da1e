//! A generator of large, realistic `.camp` projects for the parse benchmark
//! and the size tests: schemas, segments, scores, multilingual messages
//! (English, Vietnamese, Czech, Chinese), campaigns with nested flows,
//! personas and tests. Deterministic: the same size gives the same text.

#![allow(dead_code)]

/// One self-contained chunk of declarations; `n` makes its names unique.
pub fn chunk(n: usize) -> String {
    format!(
        r#"/// Trial users from batch {n}.
segment trials_{n} = plan == trial and signed_up_at > now - 14d
segment lapsed_{n} =
  count(order_placed) >= 1
  and not performed order_placed within 90d
segment vip_{n} = lifetime_value >= 500 USD or count(order_placed within 365d) >= 10
segment spenders_{n} = sum(order_placed.total where item_count > 2 within 365d) >= 1000 USD
segment risk_{n} = plan in [pro, enterprise] and count(app_opened within 30d) < 2 and first_name is set

/// How ready a trial account is to buy.
score engagement_{n} {{
  +5 per app_opened within 30d max 50
  +20 if performed project_created within 30d
  +30 if plan == trial and count(app_opened within 7d) >= 5
  -10 if not performed app_opened within 14d
}}

/// First email after signup, batch {n}.
message welcome_{n}: email {{
  category marketing
  from "Acme <hello@acme.example>"

  locale en {{
    subject "Welcome to Acme, {{{{default customer.first_name "there"}}}}!"
    preheader "Your first project takes two minutes"
    body """
      Hi {{{{default customer.first_name "there"}}}},

      Thanks for joining on {{{{date customer.signed_up_at "long"}}}}.
      [Create your first project](https://app.acme.example/new)

      [Unsubscribe]({{{{unsubscribe_url}}}})
      """
  }}
  locale vi {{
    subject "Chào mừng bạn đến với Acme, {{{{default customer.first_name "bạn"}}}}!"
    preheader "Dự án đầu tiên chỉ mất hai phút"
    body """
      Chào {{{{default customer.first_name "bạn"}}}},

      Cảm ơn bạn đã tham gia vào {{{{date customer.signed_up_at "long"}}}}.
      [Tạo dự án đầu tiên](https://app.acme.example/new)

      [Hủy đăng ký]({{{{unsubscribe_url}}}})
      """
  }}
  locale cs {{
    subject "Vítejte v Acme, {{{{default customer.first_name "příteli"}}}}!"
    preheader "První projekt zabere dvě minuty"
    body """
      Dobrý den, {{{{default customer.first_name "příteli"}}}},

      děkujeme, že jste se přidali {{{{date customer.signed_up_at "long"}}}}.
      [Založit první projekt](https://app.acme.example/new)

      [Odhlásit odběr]({{{{unsubscribe_url}}}})
      """
  }}
  locale zh-Hant {{
    subject "歡迎來到 Acme，{{{{default customer.first_name "朋友"}}}}！"
    body """
      {{{{default customer.first_name "朋友"}}}}，您好：

      感謝您於 {{{{date customer.signed_up_at "long"}}}} 加入。
      [建立第一個專案](https://app.acme.example/new)

      [取消訂閱]({{{{unsubscribe_url}}}})
      """
  }}
}}

message cart_{n}: sms {{
  locale en {{ body "{{{{customer.first_name}}}}, your cart ({{{{money event.total}}}}) is waiting: {{{{event.cart_url}}}} Reply STOP to opt out" }}
  locale vi {{ body "Giỏ hàng của bạn ({{{{money event.total}}}}) vẫn đang chờ: {{{{event.cart_url}}}} Trả lời STOP để hủy" }}
  locale cs {{ body "Váš košík ({{{{money event.total}}}}) na vás čeká: {{{{event.cart_url}}}} Odhlášení: STOP" }}
}}

message nudge_{n}: push {{
  locale en {{ title "Your workspace is ready", body "Create a project in two taps.", link "acme://new" }}
  locale vi {{ title "Không gian làm việc đã sẵn sàng"  body "Tạo dự án chỉ với hai chạm."  link "acme://new" }}
  locale zh-Hant {{ title "您的工作區已準備就緒"  body "輕觸兩下即可建立專案。"  link "acme://new" }}
}}

/// Helps new trial users create their first project (batch {n}).
campaign onboarding_{n} {{
  stage onboarding
  trigger event signed_up where source == "ads"
  audience trials_{n}
  reentry after 30d
  goal performed subscription_started within 14d
  exit when plan == enterprise
  locales en, vi, cs, zh-Hant
  send_window 09:00-20:00
  cap 2 per 1d
  holdout 10%

  flow {{
    send welcome_{n}
    wait 1d
    if performed project_created since entry {{
      send nudge_{n}
    }} else if engagement_{n} >= 60 {{
      split offer_{n} {{
        a 50% {{ send cart_{n} }}
        b 50% {{ wait until 09:00 on monday, send nudge_{n} }}
      }}
    }} else {{
      send nudge_{n}
      wait for project_created where name starts_with "Demo" up to 3d {{
        on event {{ set loyalty_points = loyalty_points + 100 }}
        on timeout {{ send cart_{n} exit }}
      }}
    }}
  }}
}}

persona p_{n} {{
  email "linh{n}@example.com"
  first_name "Linh"
  locale vi
  timezone "Asia/Ho_Chi_Minh"
  plan trial
  signed_up_at 2026-11-02T03:00:00Z
  lifetime_value 0 USD
  loyalty_points 120
  event cart_abandoned {{
    cart_url "https://shop.acme.example/cart/{n}"
    total 59.90 USD
    items [ {{ name "Áo thun", price 19.90 USD, url "https://shop.acme.example/p/1" }} ]
  }}
}}

test "batch {n}: an early project earns the nudge" {{
  campaign onboarding_{n}
  persona p_{n}
  variant treatment
  start 2026-11-02T10:00
  at 0d event signed_up {{ source "ads" }}
  at 20h event project_created {{ name "Demo" }}
  at 2d set plan = pro
  expect sent welcome_{n} at 0d
  expect sent nudge_{n} by 1d
  expect not sent cart_{n}
  expect customer.plan == pro
}}

"#
    )
}

/// A project text of at least `bytes` bytes, made of numbered chunks.
pub fn project_text(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 8192);
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(&chunk(n));
        n += 1;
    }
    out
}
