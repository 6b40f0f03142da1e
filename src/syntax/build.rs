//! Shared machinery of the tree builders: the [`Builder`] that turns pest
//! pairs into AST nodes, and the builders for names and literal values.
//! Expressions, declarations, flows and tests have their own files.

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Span};
use crate::syntax::ast::{
    ClockTime, DecimalLit, DurationLit, Field, Ident, LocaleTag, Skipped, StrLit, Value, ValueKind,
};
use crate::syntax::literals;
use crate::syntax::parser::{span_of, Parts, Rule, P};
use crate::syntax::strings;

/// What a builder step returns: the node, or a structural problem that
/// stops building this file.
pub(crate) type Built<T> = Result<T, Box<Diagnostic>>;

/// Walks the pest tree of one file. Problems with literals (a bad escape, an
/// hour 25) are collected in `problems` and building goes on with a
/// placeholder, so one file reports all of them at once.
pub(crate) struct Builder<'t> {
    pub file: FileId,
    /// The whole file.
    pub text: &'t str,
    /// Where the text pest parsed starts in `text`: pest positions are
    /// relative to it (files are parsed one declaration at a time).
    pub base: usize,
    pub problems: Vec<Diagnostic>,
    /// The text skipped so far because of syntax errors.
    pub skipped: Vec<Skipped>,
    /// The file's deepest nesting (from the prescan): sizes pest's stack.
    pub nesting: usize,
}

impl<'t> Builder<'t> {
    pub fn new(file: FileId, text: &'t str) -> Builder<'t> {
        Builder {
            file,
            text,
            base: 0,
            problems: Vec::new(),
            skipped: Vec::new(),
            nesting: 0,
        }
    }

    /// Error recovery in a container's loop over its entries: when `entry`
    /// is a `bad_line` (a line the grammar skipped), reports its syntax
    /// error, records it as skipped and returns `true`; otherwise notes
    /// where the entry starts and returns `false`.
    ///
    /// The error is the one a strict parse gives there: `tail` (the rest of
    /// the container, `(entry ~ comma?)* ~ "}"`) is parsed from the previous
    /// entry when that one parsed (`previous`), so an attempt of the
    /// previous entry that went further than where it ended (`(a and (b`)
    /// is the one reported, as it would be in a file with only this error.
    pub fn skipped_entry(
        &mut self,
        entry: &P<'_>,
        tail: Rule,
        previous: &mut Option<usize>,
    ) -> bool {
        let start = self.start(entry);
        if entry.as_rule() != Rule::bad_line {
            *previous = Some(start);
            return false;
        }
        let from = previous.take().unwrap_or(start);
        let text = entry.as_str().trim_end();
        let span = Span::new(self.file, start, start + text.len());
        let diagnostic = match crate::syntax::parse_from(self.text, from, self.nesting, tail) {
            Err(e) => {
                let e = crate::syntax::shift_error(e, from);
                crate::syntax::errors::from_pest(self.file, self.text, &e)
            }
            // The grammar skipped this line because no entry fits here, so
            // the strict parse fails; this is only a safety net.
            Ok(_) => Diagnostic::error(
                crate::diagnostics::codes::syntax::UNEXPECTED,
                "this line could not be read",
                span,
            )
            .with_primary_label("not expected here"),
        };
        self.problems.push(diagnostic);
        self.skip(span);
        true
    }

    /// The first word of a skipped line and the name after it (`attr
    /// plan …` gives `attr` and `plan`), to keep a broken entry's name.
    pub fn salvage_name(&self, span: Span) -> Option<(&'t str, Ident)> {
        let text: &'t str = self.text.get(span.range()).unwrap_or_default();
        let word_end = |s: &str| {
            s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(s.len())
        };
        let first = &text[..word_end(text)];
        let rest = &text[first.len()..];
        let rest_trimmed = rest.trim_start_matches([' ', '\t']);
        let at = span.start as usize + first.len() + (rest.len() - rest_trimmed.len());
        let second = &rest_trimmed[..word_end(rest_trimmed)];
        let is_name = second.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
        (!first.is_empty() && is_name).then(|| {
            (
                first,
                Ident {
                    name: second.to_string(),
                    span: Span::new(self.file, at, at + second.len()),
                },
            )
        })
    }

    /// Records `span` of the file as skipped, with the words written in it.
    pub fn skip(&mut self, span: Span) {
        let range = span.range();
        let text = self.text.get(range).unwrap_or_default();
        // Words in strings count too: a template may name a score.
        let mut words: Vec<String> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
            .map(str::to_string)
            .collect();
        words.sort();
        words.dedup();
        self.skipped.push(Skipped { span, words });
    }

    pub fn span(&self, p: &P<'_>) -> Span {
        span_of(self.file, self.base, p)
    }

    /// Where `p` starts in the file.
    pub fn start(&self, p: &P<'_>) -> usize {
        self.base + p.as_span().start()
    }

    pub fn parts<'i>(&self, p: P<'i>) -> Parts<'i> {
        Parts::of(self.file, self.base, p)
    }

    /// A grammar/builder disagreement: a bug, reported instead of a panic.
    pub fn internal(&self, p: &P<'_>, what: &str) -> Box<Diagnostic> {
        Box::new(
            Diagnostic::error(
                crate::diagnostics::codes::syntax::UNEXPECTED,
                format!(
                    "internal parser error: expected {what}, found {:?}",
                    p.as_rule()
                ),
                self.span(p),
            )
            .with_help("this is a bug in campaignc; please report it with this file"),
        )
    }

    /// Records a literal problem and returns `fallback` so building goes on.
    pub fn recover<T>(&mut self, r: Result<T, Box<Diagnostic>>, fallback: T) -> T {
        r.unwrap_or_else(|d| {
            self.problems.push(*d);
            fallback
        })
    }

    /// A `name` in a position where the project declares or refers to one
    /// of its own names (segments, scores, messages, campaigns, personas,
    /// record types, stages, splits, enum variants): reserved keywords are
    /// reported here. Also a word, currency or other identifier-like token
    /// (taken as written).
    pub fn ident(&mut self, p: &P<'_>) -> Ident {
        if p.as_rule() == Rule::name && crate::syntax::keywords::is_reserved(p.as_str()) {
            let word = p.as_str();
            self.problems.push(
                Diagnostic::error(
                    crate::diagnostics::codes::syntax::KEYWORD_AS_NAME,
                    format!("`{word}` is a keyword and cannot be used as a name"),
                    self.span(p),
                )
                .with_primary_label("reserved keyword")
                .with_help(format!(
                    "choose another name, e.g. `{word}_` or a more descriptive one"
                )),
            );
        }
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    /// A `name` in a data position, where the company's tracking plan
    /// chooses the words: attribute, event, property and record field names,
    /// and the keys of personas, payloads and records. Any name is allowed,
    /// keywords included: the grammar has already read it as a name.
    pub fn data_name(&self, p: &P<'_>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    pub fn locale_tag(&self, p: &P<'_>) -> LocaleTag {
        LocaleTag {
            tag: p.as_str().to_string(),
            span: self.span(p),
        }
    }

    pub fn string(&mut self, p: &P<'_>) -> StrLit {
        let (start, end) = (self.start(p), self.base + p.as_span().end());
        let r = strings::decode_string(self.file, self.text, start, end);
        let fallback = StrLit {
            value: String::new(),
            span: self.span(p),
            offsets: vec![(0, start as u32)],
            block: false,
        };
        self.recover(r, fallback)
    }

    pub fn int(&mut self, p: &P<'_>) -> i64 {
        let r = literals::int(p.as_str(), self.span(p));
        self.recover(r, 0)
    }

    pub fn decimal(&mut self, text: &str, span: Span) -> DecimalLit {
        let r = literals::decimal(text, span);
        self.recover(
            r,
            DecimalLit {
                mantissa: 0,
                scale: 0,
            },
        )
    }

    pub fn duration(&mut self, p: &P<'_>) -> DurationLit {
        let span = self.span(p);
        let r = literals::duration(p.as_str(), span);
        self.recover(
            r,
            DurationLit {
                days: 0,
                seconds: 0,
                span,
            },
        )
    }

    pub fn clock(&mut self, p: &P<'_>) -> ClockTime {
        let span = self.span(p);
        let r = literals::clock(p.as_str(), span);
        self.recover(r, ClockTime { minutes: 0, span })
    }

    /// A `value` pair (or directly one of its alternatives).
    pub fn value(&mut self, p: P<'_>) -> Built<Value> {
        crate::stack::deep(|| self.value_here(p))
    }

    fn value_here(&mut self, p: P<'_>) -> Built<Value> {
        let p = if p.as_rule() == Rule::value {
            self.parts(p).need_any()?
        } else {
            p
        };
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::list_value => {
                let mut items = Vec::new();
                for item in self.parts(p) {
                    items.push(self.value(item)?);
                }
                ValueKind::List(items)
            }
            Rule::record_value => ValueKind::Record(self.fields(p)?),
            Rule::word => ValueKind::Word(self.ident(&p)),
            _ => self.literal_kind(p)?,
        };
        Ok(Value { kind, span })
    }

    /// The literal alternatives shared by values and expressions.
    pub fn literal_kind(&mut self, p: P<'_>) -> Built<ValueKind> {
        let span = self.span(&p);
        let text = p.as_str();
        Ok(match p.as_rule() {
            Rule::instant => {
                let r = literals::instant(text, span);
                self.recover(r.map(ValueKind::Instant), ValueKind::Bool(false))
            }
            Rule::datetime => {
                let r = literals::datetime(text, span);
                self.recover(r.map(ValueKind::DateTime), ValueKind::Bool(false))
            }
            Rule::date => {
                let r = literals::date(text, span);
                self.recover(r.map(ValueKind::Date), ValueKind::Bool(false))
            }
            Rule::clock => ValueKind::Clock(self.clock(&p)),
            Rule::money => {
                let mut parts = self.parts(p);
                let number = parts.need(Rule::number)?;
                let currency = parts.need(Rule::currency)?;
                let amount = self.decimal(number.as_str(), self.span(&number));
                let check = literals::currency(currency.as_str(), self.span(&currency));
                self.recover(check, ());
                ValueKind::Money {
                    amount,
                    currency: self.ident(&currency),
                }
            }
            Rule::percent => {
                let digits = text.trim_end_matches('%');
                ValueKind::Percent(self.decimal(digits, span))
            }
            Rule::duration => ValueKind::Duration(self.duration(&p)),
            Rule::decimal => ValueKind::Decimal(self.decimal(text, span)),
            Rule::int => ValueKind::Int(self.int(&p)),
            Rule::boolean => ValueKind::Bool(text == "true"),
            Rule::string => {
                let inner = self.parts(p).need_any()?;
                ValueKind::Str(self.string(&inner))
            }
            _ => return Err(self.internal(&p, "a literal")),
        })
    }

    /// `name value` entries of a braced block, commas already skipped.
    pub fn fields(&mut self, p: P<'_>) -> Built<Vec<Field>> {
        let parts = self.parts(p);
        self.field_list(parts)
    }

    /// The remaining `field` (or skipped `bad_line`) pairs of a block.
    pub fn field_list(&mut self, parts: Parts<'_>) -> Built<Vec<Field>> {
        let mut fields = Vec::new();
        let mut previous = None;
        for f in parts {
            if self.skipped_entry(&f, Rule::fields_tail, &mut previous) {
                continue;
            }
            fields.push(self.field(f)?);
        }
        Ok(fields)
    }

    pub fn field(&mut self, p: P<'_>) -> Built<Field> {
        let span = self.span(&p);
        let mut parts = self.parts(p);
        let name = self.data_name(&parts.need(Rule::name)?);
        let value = self.value(parts.need(Rule::value)?)?;
        Ok(Field { name, value, span })
    }

    /// A string pair (`string`, `line_string` or `block_string`).
    pub fn string_pair(&mut self, p: P<'_>) -> Built<StrLit> {
        let inner = if p.as_rule() == Rule::string {
            self.parts(p).need_any()?
        } else {
            p
        };
        Ok(self.string(&inner))
    }
}
