//! Codes of the warehouse mapping (`warehouse { … }`,
//! `src/check/resolve/warehouse.rs`; docs/warehouse.md).

use super::CodeInfo;

pub const CODES: &[CodeInfo] = &[
    CodeInfo {
        code: "E1001",
        title: "unknown `warehouse` setting",
        explanation: r#"A `warehouse` block says where the customers and their events are, for the
SQL that `campaignc sql` writes. It takes these settings, each optional:
`customers`, `customer_key`, `columns`, `timezone_column`, `locale_column`,
`events`, `event_key`, `event_name`, `event_time`, `event_properties` and
`event_tables`. Anything else is a typo; the message suggests the closest
setting.

Wrong:

```camp
warehouse {
  customer_table "analytics.customers"
}
```

Right:

```camp
warehouse {
  customers "analytics.customers"
}
```
"#,
    },
    CodeInfo {
        code: "E1002",
        title: "not a table or column name",
        explanation: r#"Table and column names in a `warehouse` block are text in quotes made of
letters, digits, `_` and `$`; a table may be qualified with dots
(`"analytics.customers"`). `columns` and `event_tables` take a `{ … }` list
of `name "column"` entries. Names are written into the SQL as they are, so
anything else (spaces, quotes, a number) is refused rather than quoted in a
way the warehouse may not expect.

Wrong:

```camp
warehouse {
  customers "customer list"
  columns "ltv_usd"
}
```

Right:

```camp
warehouse {
  customers "customer_list"
  columns { lifetime_value "ltv_usd" }
}
```
"#,
    },
    CodeInfo {
        code: "E1003",
        title: "`columns` names an unknown attribute",
        explanation: r#"`columns { ATTR "column" }` says which column of the customers table holds
an attribute whose column is not named like it. ATTR must be an attribute of
the `schema`; the message suggests the closest one.

Wrong:

```camp
warehouse {
  columns { lifetime_valeu "ltv_usd" }
}
```

Right:

```camp
warehouse {
  columns { lifetime_value "ltv_usd" }
}
```
"#,
    },
    CodeInfo {
        code: "E1004",
        title: "`event_tables` names an unknown event",
        explanation: r#"`event_tables { EVENT "table" }` is for warehouses that keep one table per
event: that event's rows are read from its own table (with the same
`event_key`, `event_time` and `event_properties` columns, and no event-name
column). EVENT must be an event of the `schema`; the message suggests the
closest one.

Wrong:

```camp
warehouse {
  event_tables { order_place "analytics.orders" }
}
```

Right:

```camp
warehouse {
  event_tables { order_placed "analytics.orders" }
}
```
"#,
    },
    CodeInfo {
        code: "E1005",
        title: "a time zone or locale column for a schema that has the attribute",
        explanation: r#"`timezone_column` and `locale_column` name the column that holds each
customer's time zone or locale when the schema has no attribute of type
`timezone` or `locale`. When it has one, the SQL reads that attribute, and
its column is named in `columns` like any other attribute's; two sources for
one fact would disagree.

Wrong:

```camp
schema {
  attr timezone: timezone
}

warehouse {
  timezone_column "tz"
}
```

Right:

```camp
schema {
  attr timezone: timezone
}

warehouse {
  columns { timezone "tz" }
}
```
"#,
    },
];
