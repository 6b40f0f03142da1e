//! What the parser expected, in plain words: each grammar rule mapped to a
//! phrase ("a duration such as 2d or 12h"), the order phrases are listed
//! in, "did you mean" candidates, and the help line for the situation.

use crate::syntax::parser::Rule;

pub(crate) const STEP: &str = "a step: send, wait, wait until, wait for, if, split, set or exit";
pub(crate) const SETTING: &str =
    "a campaign setting (stage, trigger, audience, reentry, goal, exit when, \
                       locales, send_window, cap, holdout, flow)";
pub(crate) const DECLARATION: &str =
    "a declaration: schema, segment, score, message, campaign, persona, \
                           test, defaults, warehouse or lifecycle";
pub(crate) const OPERATOR: &str = "an operator";

/// What one grammar rule means to a reader, as "expected …" wants it.
pub(crate) fn phrase(rule: Rule) -> String {
    use Rule::*;
    let s: &str = match rule {
        name | named_type => "a name",
        value => "a value",
        expr | and_expr | not_expr | comparison | arith | paren_expr | list_expr | now
        | literal | path | performed | count_query | sum_query | last_query | query_word => {
            "an expression"
        }
        compare_op | in_op | not_in | string_op | is_set | is_not_set | add_op | kw_and | kw_or
        | kw_in | kw_is => OPERATOR,
        duration => "a duration such as 2d or 12h",
        clock => "a clock time such as 09:00",
        step | send_step | wait_step | wait_until | wait_for | if_step | split_step | set_step
        | exit_step => STEP,
        setting | flow | stage_setting | trigger | audience | reentry | goal | exit_when
        | locales | send_window | cap | holdout => SETTING,
        file | next_declaration | decl_head | defaults | warehouse | schema | lifecycle
        | segment | score | message | campaign | persona | test => DECLARATION,
        trigger_event | trigger_enters | trigger_changed | trigger_every => {
            "a trigger: event, enters, changed or every"
        }
        every_day | every_month | every_weekday | weekday => {
            "`day`, `month` or a weekday such as monday"
        }
        attr_decl | type_decl | event_decl => "a schema entry: attr, type or event",
        field => "a field such as `title \"…\"`",
        field_decl => "a field such as `name: string`",
        locale_block => "a `locale` block",
        event_sample => "an `event` block",
        score_rule | points => "a score rule such as `+5 per EVENT` or `-10 if CONDITION`",
        per_rule | if_rule => "`per EVENT` or `if CONDITION`",
        test_item | test_campaign | test_persona | test_variant | test_start | at_event
        | at_set | expect => "a test entry: campaign, persona, variant, start, at or expect",
        expect_sent | expect_not_sent | expect_converted | expect_exited | expect_completed
        | expect_attr => {
            "an expectation: sent, not sent, converted, exited, completed or customer.ATTR"
        }
        where_clause => "`where`",
        window | within | since_entry => "`within` or `since entry`",
        time_bound => "`at` or `by`",
        max_clause => "`max`",
        else_if | else_block => "`else`",
        on_event | on_timeout => "`on event` or `on timeout`",
        split_variant => "a variant such as `a 50% { … }`",
        variant_path => "SPLIT.VARIANT",
        consent => "`consent(CHANNEL)`",
        type_expr | enum_type | money_type | list_type => "a type",
        optional_mark => "`?`",
        string | line_string | block_string => "a string",
        int => "a whole number",
        number | decimal => "a number",
        percent => "a percentage such as 50%",
        money => "an amount such as 19.90 USD",
        currency => "a currency code such as USD",
        instant | datetime | date => "a date such as 2026-11-22",
        boolean => "true or false",
        locale_tag => "a locale tag such as en or pt-BR",
        word => "a word",
        lbrace => "`{`",
        rbrace => "`}`",
        lparen => "`(`",
        rparen => "`)`",
        lbrack => "`[`",
        rbrack => "`]`",
        equals => "`=`",
        colon => "`:`",
        comma => "`,`",
        dot => "`.`",
        langle => "`<`",
        rangle => "`>`",
        dash => "`-`",
        EOI => "the end of the file",
        other => {
            let debug = format!("{other:?}");
            return match debug.strip_prefix("kw_") {
                Some(keyword_text) => format!("`{keyword_text}`"),
                None => "something else".to_string(),
            };
        }
    };
    s.to_string()
}

/// What the rest of a container (a `*_tail` rule of the grammar, parsed
/// to word the error of a skipped line) expects when none of its entries
/// got anywhere: pest then reports the tail rule itself, which stands for
/// one of its entries or the closing `}`.
pub(crate) fn tail_entries(rule: Rule) -> Option<&'static [Rule]> {
    use Rule::*;
    Some(match rule {
        block_tail => &[step, rbrace],
        campaign_tail => &[setting, rbrace],
        schema_tail => &[attr_decl, rbrace],
        fields_tail => &[field, rbrace],
        defaults_tail => &[pressure, field, rbrace],
        decls_tail => &[field_decl, rbrace],
        message_tail => &[field, locale_block, rbrace],
        persona_tail => &[field, event_sample, rbrace],
        test_tail => &[test_item, rbrace],
        score_tail => &[score_rule, rbrace],
        _ => return None,
    })
}

/// Where a phrase goes in "expected …": what the place needs first, then
/// punctuation, then single keywords, and "an operator" last (it is
/// rarely the point: most places after an expression accept one).
pub(crate) fn rank(rule: Rule) -> u8 {
    use Rule::*;
    match rule {
        lbrace | rbrace | lparen | rparen | lbrack | rbrack | equals | colon | comma | dot
        | langle | rangle | dash | EOI => 1,
        compare_op | in_op | not_in | string_op | is_set | is_not_set | add_op | kw_and | kw_or
        | kw_in | kw_is => 3,
        currency | where_clause | window | time_bound | max_clause | optional_mark | consent => 2,
        other if format!("{other:?}").starts_with("kw_") => 2,
        _ => 0,
    }
}

/// Words a misspelling at this place could have meant, for "did you mean".
pub(crate) fn candidates(rule: Rule) -> &'static [&'static str] {
    use Rule::*;
    match rule {
        setting | flow => &[
            "stage",
            "trigger",
            "audience",
            "reentry",
            "goal",
            "exit",
            "locales",
            "send_window",
            "cap",
            "holdout",
            "priority",
            "flow",
        ],
        step => &["send", "wait", "if", "split", "set", "exit"],
        file | next_declaration | decl_head | defaults | warehouse | schema | lifecycle
        | segment | score | message | campaign | persona | test => {
            super::prescan::DECLARATION_KEYWORDS
        }
        attr_decl | type_decl | event_decl => &["attr", "type", "event"],
        event_sample => &["event"],
        locale_block => &["locale"],
        test_item => &["campaign", "persona", "variant", "start", "at", "expect"],
        weekday | every_weekday => &[
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ],
        _ => &[],
    }
}

/// The closest candidate to `found`, if it is close enough to be a typo.
pub(crate) fn did_you_mean(found: &str, positives: &[Rule]) -> Option<String> {
    if found.is_empty() || !found.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let mut words: Vec<String> = Vec::new();
    for rule in positives {
        words.extend(candidates(*rule).iter().map(|w| w.to_string()));
        if let Some(kw) = format!("{rule:?}").strip_prefix("kw_") {
            words.push(kw.to_string());
        }
    }
    let limit = (found.chars().count() / 3).max(1);
    words
        .into_iter()
        .filter(|w| w != found)
        .map(|w| (strsim::levenshtein(found, &w), w))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, w)| w)
}

/// Joins phrases as "a, b or c" — or "a; b; or c" when a phrase has its
/// own commas, so the reader can tell the items apart.
pub(crate) fn join_or(items: &[String]) -> String {
    let nested = items.iter().any(|p| p.contains(", "));
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] if nested => format!("{}; or {}", init.join("; "), last),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// The help line for what was expected (and what was found instead).
pub(crate) fn help_for(phrases: &[String], positives: &[Rule], found: &str) -> String {
    let has = |p: &str| phrases.iter().any(|x| x == p);
    let has_rule = |r: Rule| positives.contains(&r);
    let text = if found == "=" && has(OPERATOR) {
        "compare with `==`; a single `=` only appears in `segment NAME = …` and `set ATTR = …`"
    } else if has(STEP) {
        "flow steps: `send MESSAGE`, `wait 2d`, `wait until 09:00`, `wait for EVENT up to 3d { … }`, \
         `if COND { … }`, `split NAME { … }`, `set ATTR = EXPR`, `exit`"
    } else if phrases.iter().any(|p| p.starts_with("a duration")) {
        "durations are a number and a unit: 30m, 12h, 2d, 1w, or combined like 1d12h"
    } else if phrases.iter().any(|p| p.starts_with("a clock")) {
        "clock times are HH:MM in the 24-hour clock, e.g. 09:00 or 18:30"
    } else if has_rule(Rule::kw_enters) {
        "triggers: `trigger event EVENT [where COND]`, `trigger enters SEGMENT`, \
         `trigger changed ATTR [to VALUE]`, `trigger every day at 09:00`"
    } else if has_rule(Rule::kw_sent) {
        "expectations: `expect sent M [at T | by T]`, `expect not sent M`, `expect converted [at T]`, \
         `expect exited [at T]`, `expect completed`, `expect customer.ATTR == VALUE`"
    } else if has("`=`") {
        "a segment is written `segment NAME = CONDITION`; compare with `==`"
    } else if has("`:`") {
        "declare types with a colon: `attr NAME: TYPE`, `{ NAME: TYPE, … }`, `message NAME: CHANNEL`"
    } else if has(SETTING) {
        "campaign settings: stage, trigger, audience, reentry, goal, exit when, locales, \
         send_window, cap, holdout, and one `flow { … }`"
    } else if has(DECLARATION) {
        "every top-level entry starts with a keyword such as `segment`, `message` or `campaign`; \
         check that the previous block's braces are balanced"
    } else if has("`{`") {
        "a block goes in braces: `if COND { … }`, `on event { … }`"
    } else if has("a name") {
        "names are lowercase snake_case: a-z, digits and _, starting with a letter or _"
    } else if has("`}`") || has("`)`") || has("`]`") {
        "every opening bracket needs a matching closing one"
    } else if has("a value") {
        "values are strings \"…\", numbers, amounts like 19.90 USD, durations like 2d, times like \
         09:00, dates like 2026-11-22, percentages like 50%, true/false, lists [ … ], records \
         { … } or words"
    } else {
        "see `campaignc explain E0101` and the language reference in docs/language.md"
    };
    text.to_string()
}
