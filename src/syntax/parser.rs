//! The pest parser generated from `grammar/campaign.pest`, and the helpers
//! the tree builders use to walk its pairs. Nothing here leaves `syntax/`.

use pest::iterators::Pair;
use pest_derive::Parser;

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};

#[derive(Parser)]
#[grammar = "../grammar/campaign.pest"]
pub(crate) struct CampParser;

/// One pair of the pest tree.
pub(crate) type P<'i> = Pair<'i, Rule>;

/// Keywords and punctuation: they shape the tree but carry no data, so the
/// builders skip them (see [`Parts`]).
pub(crate) fn is_token(rule: Rule) -> bool {
    use Rule::*;
    matches!(
        rule,
        kw_and
            | kw_or
            | kw_not
            | kw_in
            | kw_is
            | kw_set
            | kw_contains
            | kw_starts_with
            | kw_ends_with
            | kw_now
            | kw_performed
            | kw_count
            | kw_sum
            | kw_last
            | kw_where
            | kw_within
            | kw_since
            | kw_entry
            | kw_if
            | kw_else
            | kw_send
            | kw_wait
            | kw_until
            | kw_for
            | kw_up
            | kw_to
            | kw_on
            | kw_split
            | kw_exit
            | kw_per
            | kw_max
            | kw_trigger
            | kw_every
            | kw_expect
            | kw_at
            | kw_by
            | kw_segment
            | kw_score
            | kw_message
            | kw_campaign
            | kw_persona
            | kw_schema
            | kw_defaults
            | kw_lifecycle
            | kw_warehouse
            | kw_test
            | kw_attr
            | kw_type
            | kw_event
            | kw_consent
            | kw_enum
            | kw_money
            | kw_list
            | kw_stages
            | kw_locale
            | kw_stage
            | kw_enters
            | kw_changed
            | kw_day
            | kw_month
            | kw_audience
            | kw_reentry
            | kw_never
            | kw_after
            | kw_goal
            | kw_when
            | kw_locales
            | kw_send_window
            | kw_cap
            | kw_holdout
            | kw_priority
            | kw_pressure
            | kw_switch
            | kw_treatment
            | kw_flow
            | kw_timeout
            | kw_variant
            | kw_start
            | kw_sent
            | kw_converted
            | kw_exited
            | kw_completed
            | kw_customer
            | lbrace
            | rbrace
            | lparen
            | rparen
            | lbrack
            | rbrack
            | equals
            | colon
            | comma
            | dot
            | langle
            | rangle
            | dash
            | EOI
    )
}

/// The data-carrying children of a pair, in order. Running out of them
/// means the builders and the grammar disagree; that is reported as a
/// diagnostic at the parent rather than a panic.
pub(crate) struct Parts<'i> {
    parent: Span,
    parent_rule: Rule,
    inner: pest::iterators::Pairs<'i, Rule>,
    peeked: Option<P<'i>>,
}

impl<'i> Parts<'i> {
    pub(crate) fn of(file: FileId, base: usize, pair: P<'i>) -> Parts<'i> {
        let s = pair.as_span();
        Parts {
            parent: Span::new(file, base + s.start(), base + s.end()),
            parent_rule: pair.as_rule(),
            inner: pair.into_inner(),
            peeked: None,
        }
    }

    fn pull(&mut self) -> Option<P<'i>> {
        if let Some(p) = self.peeked.take() {
            return Some(p);
        }
        self.inner.by_ref().find(|p| !is_token(p.as_rule()))
    }

    /// The next child, whatever its rule.
    pub(crate) fn need_any(&mut self) -> Result<P<'i>, Box<Diagnostic>> {
        self.pull().ok_or_else(|| self.internal("a part"))
    }

    /// The next child, which must be of `rule`.
    pub(crate) fn need(&mut self, rule: Rule) -> Result<P<'i>, Box<Diagnostic>> {
        match self.pull() {
            Some(p) if p.as_rule() == rule => Ok(p),
            _ => Err(self.internal(&format!("{rule:?}"))),
        }
    }

    /// The next child if it is of `rule`; otherwise nothing is consumed.
    pub(crate) fn opt(&mut self, rule: Rule) -> Option<P<'i>> {
        let p = self.pull()?;
        if p.as_rule() == rule {
            Some(p)
        } else {
            self.peeked = Some(p);
            None
        }
    }

    fn internal(&self, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                codes::UNEXPECTED,
                format!(
                    "internal parser error: expected {what} in {:?}",
                    self.parent_rule
                ),
                self.parent,
            )
            .with_help("this is a bug in campaignc; please report it with this file"),
        )
    }
}

impl<'i> Iterator for Parts<'i> {
    type Item = P<'i>;
    fn next(&mut self) -> Option<P<'i>> {
        self.pull()
    }
}

/// The span of a pair in `file` (whose parsed text starts at `base`),
/// ending where its last token ends.
///
/// pest ends a rule like `a ~ b*` after the white space and comments it
/// skipped while looking for another `b`; a diagnostic should not underline
/// those, so the end is taken from the last leaf pair instead.
pub(crate) fn span_of(file: FileId, base: usize, p: &P<'_>) -> Span {
    let s = p.as_span();
    // Skipped text ends in white space (a comment is followed by its line
    // break) unless the file ends there; only then is the descent needed.
    let ends_in_blank = s.as_str().ends_with(|c: char| c.is_ascii_whitespace());
    if !ends_in_blank && s.end() < s.get_input().len() {
        return Span::new(file, base + s.start(), base + s.end());
    }
    let mut end = s.end();
    let mut last = p.clone();
    while let Some(child) = last.clone().into_inner().last() {
        end = child.as_span().end();
        last = child;
    }
    Span::new(file, base + s.start(), base + end)
}
