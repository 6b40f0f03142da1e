//! Spacing inside a line that is safe to normalize at the token level:
//! exactly one space around `=` in `segment NAME = …` and `set NAME = …`,
//! and `attr NAME: TYPE` and a step's label, `LABEL: wait 1d` (no space
//! before the colon, one after). Only code bytes are touched; strings and
//! comments are copied as they are.

use super::scan::Class;

/// The line `text` (leading and trailing blanks already removed, `classes`
/// its byte classes) with the spacing rules applied.
pub fn normalize(text: &str, classes: &[Class]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 4);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(rewrite) = rewrite_at(bytes, classes, i) {
            out.push_str(&text[copied..i]);
            out.push_str(&rewrite.text);
            copied = rewrite.end;
            i = rewrite.end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

struct Rewrite {
    text: String,
    /// Byte offset (in the line) just after the rewritten part.
    end: usize,
}

/// A keyword-led `KEYWORD NAME OP` starting at `at`, respaced.
fn rewrite_at(bytes: &[u8], classes: &[Class], at: usize) -> Option<Rewrite> {
    let is_code = |i: usize| classes.get(i) == Some(&Class::Code);
    if !is_code(at) || (at > 0 && is_ident(bytes[at - 1])) {
        return None;
    }
    if at == 0 {
        if let Some(label) = step_label(bytes, classes) {
            return Some(label);
        }
    }
    let (keyword, op) = [("segment", b'='), ("set", b'='), ("attr", b':')]
        .into_iter()
        .find(|(kw, _)| bytes[at..].starts_with(kw.as_bytes()))?;
    let mut i = at + keyword.len();
    let blanks = skip_blanks(bytes, i);
    if blanks == i {
        return None;
    }
    let name_start = blanks;
    let name_end = name_at(bytes, name_start)?;
    i = skip_blanks(bytes, name_end);
    if bytes.get(i) != Some(&op) || !(name_start..=i).all(is_code) {
        return None;
    }
    // `==` is a comparison, never the `=` of a definition.
    if op == b'=' && bytes.get(i + 1) == Some(&b'=') {
        return None;
    }
    let after = skip_blanks(bytes, i + 1);
    let name = std::str::from_utf8(&bytes[name_start..name_end]).ok()?;
    let mut text = format!("{keyword} {name}");
    text.push_str(if op == b'=' { " =" } else { ":" });
    if after < bytes.len() {
        text.push(' ');
    }
    Some(Rewrite { text, end: after })
}

/// The words a step starts with: a label before one of them is respaced.
const STEP_KEYWORDS: &[&str] = &["send", "wait", "if", "split", "set", "exit"];

/// `LABEL : step` at the start of a line, as `LABEL: step`.
fn step_label(bytes: &[u8], classes: &[Class]) -> Option<Rewrite> {
    let name_end = name_at(bytes, 0)?;
    let i = skip_blanks(bytes, name_end);
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    let after = skip_blanks(bytes, i + 1);
    let rest = &bytes[after..];
    let starts_step = STEP_KEYWORDS.iter().any(|kw| {
        rest.starts_with(kw.as_bytes()) && !rest.get(kw.len()).is_some_and(|b| is_ident(*b))
    });
    if !starts_step || !(0..=after).all(|j| classes.get(j) == Some(&Class::Code)) {
        return None;
    }
    let name = std::str::from_utf8(&bytes[..name_end]).ok()?;
    Some(Rewrite {
        text: format!("{name}: "),
        end: after,
    })
}

/// The end of the name (`[a-z_][a-z0-9_]*`, as far as identifier bytes
/// go) that starts at `start`, or `None` when none does.
fn name_at(bytes: &[u8], start: usize) -> Option<usize> {
    if !bytes
        .get(start)
        .is_some_and(|b| b.is_ascii_lowercase() || *b == b'_')
    {
        return None;
    }
    let mut i = start;
    while bytes.get(i).is_some_and(|b| is_ident(*b)) {
        i += 1;
    }
    Some(i)
}

fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    i
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::super::scan::classify;
    use super::*;

    fn norm(text: &str) -> String {
        normalize(text, &classify(text))
    }

    #[test]
    fn a_step_label_gets_a_colon_then_one_space() {
        assert_eq!(norm("cool_off :  wait 1d"), "cool_off: wait 1d");
        assert_eq!(
            norm("nudge:wait for x up to 1d {"),
            "nudge: wait for x up to 1d {"
        );
        assert_eq!(norm("total : money"), "total : money");
        assert_eq!(norm("a: sending"), "a: sending");
    }

    #[test]
    fn definitions_get_one_space_around_equals() {
        assert_eq!(norm("segment vip   =a or b"), "segment vip = a or b");
        assert_eq!(norm("set points=points + 1"), "set points = points + 1");
        assert_eq!(norm("at 1d set plan=pro"), "at 1d set plan = pro");
        assert_eq!(norm("segment lapsed ="), "segment lapsed =");
    }

    #[test]
    fn attributes_get_a_colon_then_one_space() {
        assert_eq!(norm("attr email :email"), "attr email: email");
    }

    #[test]
    fn comparisons_strings_and_longer_words_are_left_alone() {
        assert_eq!(norm("if set_x == 1 {"), "if set_x == 1 {");
        assert_eq!(norm("reset x =1"), "reset x =1");
        assert_eq!(norm(r#"body "set x=1""#), r#"body "set x=1""#);
        assert_eq!(norm("segment x== 1"), "segment x== 1");
    }
}
