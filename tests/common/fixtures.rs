//! Projects more than one test file reads.

/// One template sent after two events that both have a `total`: the
/// template path `event.total` names both properties at once.
pub const ONE_TEMPLATE_TWO_EVENTS: &str = r#"schema {
  attr email: email
  event order_placed { total: int }
  event refund_issued { total: int }
}

message receipt: push {
  title "Total"
  body "Total {{event.total}}"
}

campaign on_order {
  stage onboarding
  trigger event order_placed
  flow { send receipt }
}

campaign on_refund {
  stage onboarding
  trigger event refund_issued
  flow { send receipt }
}
"#;
