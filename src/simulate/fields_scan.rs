//! The fields of a JSON object checked by a byte scan, for the population
//! readers' millions of lines: what [`FieldsSeed`](super::input::FieldsSeed) makes of the same
//! text, without serde's machinery for the values nobody reads.
//!
//! `campaignc forecast` builds only the properties its campaigns read
//! ([`Keep`](super::input::Keep)); every other value is still checked against its type, and
//! that check was most of the cost of reading an events file (a cart's
//! list of items, each a record of four fields, none of them read). Here a
//! value that is not built is checked where it lies in the text: a string
//! without escapes by the type's text rules, a number by its digits, a
//! list or record item by item. A value that is built is read by
//! [`TypeSeed`] from its own slice of the text.
//!
//! The scan only ever says "the same as [`FieldsSeed`](super::input::FieldsSeed)" or "don't know":
//! anything it does not take on (an escape, a number near the limits of
//! the types, `null` in a list, a type read from a string other than text,
//! enum or instant) is `None`, and the caller reads the object with
//! [`FieldsSeed`](super::input::FieldsSeed), which accepts or refuses it. So it can be stricter than
//! [`FieldsSeed`](super::input::FieldsSeed), never looser.

use serde::de::DeserializeSeed as _;

use super::input::{finish_record, from_text, written_without_exponent, Keep, TypeSeed};
use super::value::Val;
use crate::check::model::{FieldDef, Model, Type};

/// Nested lists and records deeper than this are left to [`FieldsSeed`](super::input::FieldsSeed)
/// (whose reader has its own limit).
const MAX_DEPTH: u32 = 32;

/// What [`FieldsSeed`](super::input::FieldsSeed) gives for the JSON object `text` (nothing else
/// around it but whitespace), or `None` when the scan cannot tell.
pub fn fields(model: &Model, fields: &[FieldDef], keep: Keep, text: &str) -> Option<Val> {
    let mut scan = Scan { text, at: 0 };
    let record = scan.object(model, fields, keep, 0)?;
    scan.space();
    (scan.at == text.len()).then_some(record)
}

struct Scan<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Scan<'t> {
    fn bytes(&self) -> &'t [u8] {
        self.text.as_bytes()
    }

    /// Skips JSON whitespace.
    fn space(&mut self) {
        while matches!(
            self.bytes().get(self.at),
            Some(b' ' | b'\t' | b'\n' | b'\r')
        ) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not taken.
    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.bytes().get(self.at).copied()
    }

    /// Takes `word` (a byte or a keyword) after whitespace.
    fn eat(&mut self, word: &str) -> Option<()> {
        self.space();
        let rest = self.bytes().get(self.at..)?;
        rest.starts_with(word.as_bytes())
            .then(|| self.at += word.len())
    }

    /// A string, the scan at its opening quote: its text between the
    /// quotes, and whether it has escapes (then the text is not its
    /// value). `None` for a control character or a `\u` escape (left to
    /// serde, which knows surrogates).
    fn string(&mut self) -> Option<(&'t str, bool)> {
        self.eat("\"")?;
        let (inner, escaped, len) = string_body(self.text.get(self.at..)?)?;
        self.at += len;
        Some((inner, escaped))
    }

    /// A string whose text is its value (no escapes).
    fn plain_string(&mut self) -> Option<&'t str> {
        match self.string()? {
            (text, false) => Some(text),
            (_, true) => None,
        }
    }

    /// A number as JSON writes one (`-`, digits without a leading zero,
    /// a fraction, an exponent), with whether it is an integer.
    fn number(&mut self) -> Option<(&'t str, bool)> {
        self.space();
        let b = self.bytes();
        let start = self.at;
        let mut i = start;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        let digits = |i: usize| {
            b.get(i..)
                .map_or(0, |r| r.iter().take_while(|d| d.is_ascii_digit()).count())
        };
        let whole = digits(i);
        if whole == 0 || (whole > 1 && b[i] == b'0') {
            return None;
        }
        i += whole;
        let mut integer = true;
        if b.get(i) == Some(&b'.') {
            let fraction = digits(i + 1);
            if fraction == 0 {
                return None;
            }
            i += 1 + fraction;
            integer = false;
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let exponent = digits(i);
            if exponent == 0 {
                return None;
            }
            i += exponent;
            integer = false;
        }
        self.at = i;
        Some((self.text.get(start..i)?, integer))
    }

    /// Skips one value of any shape (for a value that is then read from
    /// its slice), strings with escapes included.
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'[' | b'{') => {
                let close = if open == b'[' { "]" } else { "}" };
                self.at += 1;
                if self.eat(close).is_some() {
                    return Some(());
                }
                loop {
                    if open == b'{' {
                        self.skip(depth + 1)?;
                        self.eat(":")?;
                    }
                    self.skip(depth + 1)?;
                    if self.eat(",").is_none() {
                        return self.eat(close);
                    }
                }
            }
            b't' => self.eat("true"),
            b'f' => self.eat("false"),
            b'n' => self.eat("null"),
            _ => self.number().map(|_| ()),
        }
    }

    /// The fields of an object, as [`FieldsSeed`](super::input::FieldsSeed) reads them: each key a
    /// field of `fields` met once, `null` an unset field, every field that
    /// is not optional set.
    fn object(
        &mut self,
        model: &Model,
        fields: &[FieldDef],
        keep: Keep,
        depth: u32,
    ) -> Option<Val> {
        if fields.len() > 128 || depth > MAX_DEPTH {
            return None;
        }
        self.eat("{")?;
        let (mut seen, mut set) = (0u128, 0u128);
        let mut out: Vec<(String, Val)> = Vec::new();
        let mut in_order = true;
        let mut last = 0;
        if self.eat("}").is_none() {
            loop {
                let key = self.plain_string()?;
                let i = fields.iter().position(|f| same_name(&f.name, key))?;
                if seen & (1 << i) != 0 {
                    return None;
                }
                seen |= 1 << i;
                self.eat(":")?;
                let ty = fields[i].ty.strip_optional();
                if self.peek()? == b'n' {
                    // `null`: the field is unset.
                    self.eat("null")?;
                } else if keep.field(i) {
                    let start = self.at;
                    self.skip(depth + 1)?;
                    let slice = self.text.get(start..self.at)?;
                    let mut json = serde_json::Deserializer::from_str(slice);
                    let value = TypeSeed {
                        model,
                        ty,
                        build: true,
                    }
                    .deserialize(&mut json)
                    .ok()?;
                    json.end().ok()?;
                    set |= 1 << i;
                    in_order &= out.is_empty() || i > last;
                    last = i;
                    out.push((fields[i].name.clone(), value));
                } else {
                    self.check(model, ty, depth + 1)?;
                    set |= 1 << i;
                }
                if self.eat(",").is_none() {
                    self.eat("}")?;
                    break;
                }
            }
        }
        finish_record(fields, set, out, in_order)
    }

    /// Checks a value of `ty` (not `null`, not optional) that is not
    /// built, as [`TypeSeed`] with `build` false does.
    fn check(&mut self, model: &Model, ty: &Type, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => {
                let (text, escaped) = self.string()?;
                match ty {
                    // Any text is a `string`: its escapes need not be read.
                    Type::String => Some(()),
                    _ if escaped => None,
                    _ => from_text(ty, text, false)?.ok().map(|_| ()),
                }
            }
            b't' if *ty == Type::Bool => self.eat("true"),
            b'f' if *ty == Type::Bool => self.eat("false"),
            b'[' => {
                let Type::List(item) = ty else { return None };
                self.eat("[")?;
                if self.eat("]").is_some() {
                    return Some(());
                }
                loop {
                    match &**item {
                        // An unset optional item.
                        Type::Optional(_) if self.peek()? == b'n' => self.eat("null")?,
                        Type::Optional(inner) => self.check(model, inner, depth + 1)?,
                        item => self.check(model, item, depth + 1)?,
                    }
                    if self.eat(",").is_none() {
                        return self.eat("]");
                    }
                }
            }
            b'{' => {
                let Type::Record(id) = ty else { return None };
                self.object(model, &model.record(*id).fields, Keep::None, depth)
                    .map(|_| ())
            }
            b'-' | b'0'..=b'9' => {
                let (text, integer) = self.number()?;
                let decimal = matches!(ty, Type::Decimal | Type::Money(_));
                if integer {
                    // Read as an `i64` by serde (`-0` and integers past
                    // `i64` are left to it).
                    let fits = !text.starts_with("-0") && text.parse::<i64>().is_ok();
                    (fits && (decimal || *ty == Type::Int)).then_some(())
                } else {
                    let v: f64 = text.parse().ok()?;
                    (decimal && written_without_exponent(v)).then_some(())
                }
            }
            _ => None,
        }
    }
}

/// The text of a JSON string up to its closing quote (`text` starts after
/// the opening one), whether it has escapes, and how many bytes it takes
/// with the closing quote. `None` for a control character, a `\u` escape,
/// an escape JSON does not have, or no closing quote. Eight bytes at a
/// time up to the next byte that matters (see [`special_bytes`]), then
/// that byte on its own.
pub fn string_body(text: &str) -> Option<(&str, bool, usize)> {
    let b = text.as_bytes();
    let mut escaped = false;
    let mut i = 0;
    loop {
        while let Some(chunk) = b.get(i..i + 8) {
            let special = special_bytes(word(chunk));
            if special != 0 {
                i += (special.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match *b.get(i)? {
            b'"' => return Some((text.get(..i)?, escaped, i + 1)),
            b'\\' => {
                if !matches!(
                    b.get(i + 1)?,
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't'
                ) {
                    return None;
                }
                escaped = true;
                i += 2;
            }
            c if c < 0x20 => return None,
            _ => i += 1,
        }
    }
}

/// Whether the names `a` and `b` are the same, compared eight bytes at a
/// time in place: for the names of a schema (a few to a few dozen bytes),
/// calling the library's `memcmp` costs more than the comparison.
#[inline]
pub fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    let mut i = 0;
    while i + 8 < n {
        if word(&a[i..i + 8]) != word(&b[i..i + 8]) {
            return false;
        }
        i += 8;
    }
    // The last eight bytes (overlapping the word before when `n` is not a
    // multiple of eight).
    word(&a[n - 8..]) == word(&b[n - 8..])
}

/// Eight bytes (`eight` is exactly that long) as one number, the first
/// byte in the lowest place.
fn word(eight: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(eight);
    u64::from_le_bytes(w)
}

/// The bytes of `word` (eight bytes, the first in the lowest place) that
/// end a plain run of a JSON string: a quote, a backslash or a control
/// character. Each such byte has its high bit set in the result; the
/// lowest set bit is exactly the first such byte (a higher one may be set
/// falsely by a borrow, which is why only the lowest is used).
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // The bytes of `v` that are zero (exact up to the first).
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let quote = zero(word ^ (ONES * u64::from(b'"')));
    let backslash = zero(word ^ (ONES * u64::from(b'\\')));
    // The bytes below 0x20 (bytes of 0x80 and above never are).
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    quote | backslash | control
}
