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

/// Campaigns that share one audience segment in [`issue_project`].
pub const SHARING: usize = 100;

/// The project of issue 10: `campaigns` campaigns, each in its own file
/// with four messages (three emails, one push) in four locales (en, vi,
/// cs, zh-Hant), about 4.4 KB per campaign; the example project's schema,
/// lifecycle and personas; an audience segment per campaign built on a
/// segment shared by [`SHARING`] campaigns. Checks clean (no error, no
/// warning). Deterministic: the same count gives the same files. Returns
/// `(relative path, text)` sorted by path.
pub fn issue_project(campaigns: usize) -> Vec<(String, String)> {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("campaigns");
    let read = |rel: &str| {
        std::fs::read_to_string(example.join(rel))
            .unwrap_or_else(|e| panic!("cannot read campaigns/{rel}: {e}"))
    };
    let mut files = vec![
        ("lifecycle.camp".to_string(), read("lifecycle.camp")),
        (
            "personas.camp".to_string(),
            without_david(&read("personas.camp")),
        ),
        ("schema.camp".to_string(), read("schema.camp")),
    ];
    let mut segments = String::from("// Audiences of the generated campaigns.\n");
    for group in 0..campaigns.div_ceil(SHARING) {
        segments.push_str(&shared_segment(group, 7));
    }
    for n in 0..campaigns {
        segments.push_str(&format!(
            "segment aud_{n} = shared_{} and loyalty_points >= {}\n",
            n / SHARING,
            n % 50
        ));
        files.push((format!("flows/c{n:05}.camp"), issue_campaign(n, "1d")));
    }
    files.push(("segments.camp".to_string(), segments));
    files.sort();
    files
}

/// The example's personas but `david`, whom only the example's tests use.
fn without_david(personas: &str) -> String {
    let Some(start) = personas.find("persona david {") else {
        return personas.to_string();
    };
    let end = personas[start..]
        .find("\n}\n")
        .map_or(personas.len(), |e| start + e + 3);
    format!("{}{}", &personas[..start], &personas[end..])
}

/// The segment shared by the campaigns of `group`; `days` varies it.
pub fn shared_segment(group: usize, days: usize) -> String {
    format!(
        "/// Shared audience {group}.\nsegment shared_{group} = plan == trial and signed_up_at > now - {}d\n",
        days + group % 7
    )
}

/// The file of campaign `n` of [`issue_project`]; `wait` is its first wait.
pub fn issue_campaign(n: usize, wait: &str) -> String {
    let mut text = format!(
        r#"/// Campaign {n}: from a new account to a first order and the club.
campaign c{n} {{
  stage onboarding
  trigger event signed_up
  audience aud_{n}
  reentry never
  goal performed subscription_started within 14d
  locales en, vi, cs, zh-Hant
  send_window 08:00-21:00
  cap 2 per 1d

  flow {{
    send m{n}_welcome
    wait {wait}
    send m{n}_tips
    wait 2d
    if not performed order_placed since entry {{
      send m{n}_nudge
    }}
    wait 3d
    send m{n}_club
  }}
}}
"#
    );
    for (kind, line) in [
        ("welcome", "Welcome to Lumen Coffee"),
        ("tips", "Three ways to brew better"),
        ("club", "Join the Lumen Club"),
    ] {
        text.push_str(&issue_email(n, kind, line, "Thanks for joining us"));
    }
    text.push_str(&format!(
        r#"
/// A reminder in the app.
message m{n}_nudge: push {{
  link "lumen://start"

  locale en {{
    title "Your first bag ships free"
    body "Pick a coffee today, {{{{default customer.first_name "friend"}}}}: batch {n} is fresh."
  }}
  locale vi {{
    title "Túi đầu tiên được miễn phí giao"
    body "Chọn cà phê hôm nay, {{{{default customer.first_name "bạn"}}}}: mẻ {n} vừa rang."
  }}
  locale cs {{
    title "První balení zdarma"
    body "Vyberte si kávu ještě dnes, {{{{default customer.first_name "příteli"}}}}: várka {n} je čerstvá."
  }}
  locale zh-Hant {{
    title "首包咖啡免運費"
    body "{{{{default customer.first_name "朋友"}}}}，今天就挑一款咖啡吧：第 {n} 批剛烘好。"
  }}
}}
"#
    ));
    text
}

/// An email of campaign `n` in four locales; `body` is its English text.
pub fn issue_email(n: usize, kind: &str, subject: &str, body: &str) -> String {
    format!(
        r#"
/// {subject} (campaign {n}).
message m{n}_{kind}: email {{
  locale en {{
    subject "{subject}, {{{{default customer.first_name "friend"}}}}!"
    preheader "Batch {n} is roasting now"
    body """
      Hi {{{{default customer.first_name "friend"}}}},

      {body} on {{{{date customer.signed_up_at "long"}}}}. We roast in small

      [Unsubscribe]({{{{unsubscribe_url}}}})
      """
  }}
  locale vi {{
    subject "Chào {{{{default customer.first_name "bạn"}}}}, Lumen Coffee xin chào!"
    preheader "Mẻ {n} đang được rang"
    body """
      Chào {{{{default customer.first_name "bạn"}}}},

      cảm ơn bạn đã tham gia vào {{{{date customer.signed_up_at "long"}}}}.

      [Hủy đăng ký]({{{{unsubscribe_url}}}})
      """
  }}
  locale cs {{
    subject "Dobrý den, {{{{default customer.first_name "příteli"}}}}!"
    preheader "Várka {n} se právě praží"
    body """
      Dobrý den, {{{{default customer.first_name "příteli"}}}},

      děkujeme, že jste se přidali {{{{date customer.signed_up_at "long"}}}}.

      [Odhlásit odběr]({{{{unsubscribe_url}}}})
      """
  }}
  locale zh-Hant {{
    subject "{{{{default customer.first_name "朋友"}}}}，您好！"
    preheader "第 {n} 批咖啡正在烘焙"
    body """
      {{{{default customer.first_name "朋友"}}}}，您好：

      感謝您於 {{{{date customer.signed_up_at "long"}}}} 加入。

      [取消訂閱]({{{{unsubscribe_url}}}})
      """
  }}
}}
"#
    )
}
