//! The shape of one deliberate mistake and the files of the example
//! project the cases edit.

/// Where the diagnostic is expected.
pub enum At {
    /// On the line where this text of the replacement landed ("" = where
    /// the replacement starts). The text must occur once in the replacement.
    Edit(&'static str),
    /// On the line of the last occurrence of this text before the edit
    /// (e.g. the `body` field an edit inside a block string belongs to).
    Back(&'static str),
    /// On the line of this text in the edited copy of `file` (relative to
    /// the project); the text must occur there exactly once.
    Text(&'static str, &'static str),
}

/// One deliberate mistake.
pub struct Case {
    /// The mistake, in the words of LANGUAGE.md.
    pub what: &'static str,
    /// The edited file, relative to the project directory.
    pub file: &'static str,
    /// The text to replace; it must occur exactly once in `file`.
    pub find: &'static str,
    pub replace: String,
    /// The code the checker must report.
    pub code: &'static str,
    /// A name the diagnostic's message must contain.
    pub name: &'static str,
    pub at: At,
    /// Related places the diagnostic must label: `(file, text)`, the text
    /// occurring once in the edited copy of the file.
    pub labels: Vec<(&'static str, &'static str)>,
    /// A text the diagnostic's `help` must contain (a "did you mean").
    pub help: Option<&'static str>,
    /// A text of the replacement (once in it) that the primary span must
    /// overlap: the exact place, not only the line.
    pub spanning: Option<&'static str>,
}

impl Case {
    /// Also requires a label on the line of `text` in `file`.
    pub fn labelled(mut self, file: &'static str, text: &'static str) -> Case {
        self.labels.push((file, text));
        self
    }

    /// Also requires the primary span to overlap `text` of the replacement.
    pub fn spanning(mut self, text: &'static str) -> Case {
        self.spanning = Some(text);
        self
    }

    /// Also requires the help line to contain `text`.
    pub fn suggesting(mut self, text: &'static str) -> Case {
        self.help = Some(text);
        self
    }
}

pub fn case(
    what: &'static str,
    file: &'static str,
    find: &'static str,
    replace: impl Into<String>,
    code: &'static str,
    name: &'static str,
    at: At,
) -> Case {
    Case {
        what,
        file,
        find,
        replace: replace.into(),
        code,
        name,
        at,
        labels: Vec::new(),
        help: None,
        spanning: None,
    }
}

pub const SCHEMA: &str = "schema.camp";
pub const SEGMENTS: &str = "segments.camp";
pub const PERSONAS: &str = "personas.camp";
pub const ONBOARDING: &str = "flows/onboarding.camp";
pub const CART: &str = "flows/cart_recovery.camp";
pub const WINBACK: &str = "flows/winback.camp";
pub const LOYALTY: &str = "flows/loyalty.camp";
pub const REFERRAL: &str = "flows/referral.camp";
pub const CHURN: &str = "flows/churn_prevention.camp";
pub const ONBOARDING_TESTS: &str = "tests/onboarding.camp";

/// An SMS body in GSM-7 of `n` characters.
pub fn gsm_text(n: usize) -> String {
    let unit = "Fresh beans roasted every Tuesday and Friday. ";
    unit.repeat(n / unit.len() + 1)[..n].to_string()
}
