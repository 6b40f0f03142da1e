//! Runtime values of the simulator: customer attributes, event properties
//! and the results of expressions.
//!
//! Numbers are exact decimals (an `i128` mantissa and a scale), never
//! floats, so `19.90 USD + 40.00 USD == 59.90 USD` holds and sums do not
//! drift. An unset value is [`Val::Unset`]: any comparison with it is
//! false (LANGUAGE.md: "an unset optional value makes any comparison
//! false"), and only `is set` / `is not set` look at it.

use std::cmp::Ordering;

/// An exact decimal number: `mantissa × 10^-scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Num {
    pub mantissa: i128,
    pub scale: u32,
}

impl Num {
    pub fn int(v: i64) -> Num {
        Num {
            mantissa: v as i128,
            scale: 0,
        }
    }

    /// The mantissa at a larger scale; `None` when it does not fit.
    fn at_scale(self, scale: u32) -> Option<i128> {
        let up = scale.checked_sub(self.scale)?;
        self.mantissa.checked_mul(10i128.checked_pow(up)?)
    }

    /// `self + other`, exactly; `None` when the result does not fit in 38
    /// digits (the simulator reports that as an error, never a rounded or
    /// saturated number).
    pub fn checked_add(self, other: Num) -> Option<Num> {
        let scale = self.scale.max(other.scale);
        Some(Num {
            mantissa: self.at_scale(scale)?.checked_add(other.at_scale(scale)?)?,
            scale,
        })
    }

    /// `-self`; `None` only for the one mantissa with no negation.
    pub fn checked_neg(self) -> Option<Num> {
        Some(Num {
            mantissa: self.mantissa.checked_neg()?,
            scale: self.scale,
        })
    }

    /// The integer value when the number has no fractional part.
    pub fn as_i64(self) -> Option<i64> {
        let factor = 10i128.checked_pow(self.scale)?;
        if self.mantissa % factor != 0 {
            return None;
        }
        i64::try_from(self.mantissa / factor).ok()
    }
}

impl Ord for Num {
    /// Exact at any scale: the integer parts first, then the fractions.
    fn cmp(&self, other: &Num) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.at_scale(scale), other.at_scale(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // One side is too large to rescale: compare the digits.
            _ => {
                let (sa, sb) = (self.mantissa.signum(), other.mantissa.signum());
                if sa != sb {
                    return sa.cmp(&sb);
                }
                let magnitude = self.magnitude_parts().cmp(&other.magnitude_parts());
                if sa < 0 {
                    magnitude.reverse()
                } else {
                    magnitude
                }
            }
        }
    }
}

impl Num {
    /// `(whole digits, fraction digits)` of the absolute value, without
    /// leading or trailing zeros, ordered like the magnitudes.
    fn magnitude_parts(&self) -> (usize, String, String) {
        let text = self.to_string();
        let text = text.trim_start_matches('-');
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let whole = whole.trim_start_matches('0');
        (
            whole.len(),
            whole.to_string(),
            frac.trim_end_matches('0').to_string(),
        )
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Num) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::check::model::DecimalLit {
            mantissa: self.mantissa,
            scale: self.scale,
        }
        .fmt(f)
    }
}

impl From<crate::check::model::DecimalLit> for Num {
    fn from(d: crate::check::model::DecimalLit) -> Num {
        Num {
            mantissa: d.mantissa,
            scale: d.scale,
        }
    }
}

/// A runtime value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Unset,
    Bool(bool),
    Int(i64),
    Decimal(Num),
    Money {
        amount: Num,
        currency: String,
    },
    /// Strings, emails, phones, urls, locales, time zones.
    Str(String),
    /// An enum variant.
    Enum(String),
    Time(jiff::Timestamp),
    Date(jiff::civil::Date),
    Duration(super::clock::Duration),
    List(Vec<Val>),
    /// Record fields in declaration order; unset fields absent.
    Record(Vec<(String, Val)>),
}

impl Val {
    pub fn is_set(&self) -> bool {
        !matches!(self, Val::Unset)
    }

    pub fn as_bool(&self) -> bool {
        matches!(self, Val::Bool(true))
    }

    /// The number inside an int, decimal or money value.
    pub fn as_num(&self) -> Option<Num> {
        match self {
            Val::Int(i) => Some(Num::int(*i)),
            Val::Decimal(n) => Some(*n),
            Val::Money { amount, .. } => Some(*amount),
            _ => None,
        }
    }

    /// Text for string-like values and enum variants.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Val::Str(s) | Val::Enum(s) => Some(s),
            _ => None,
        }
    }

    /// A field of a record value.
    pub fn field(&self, name: &str) -> &Val {
        match self {
            Val::Record(fields) => fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .unwrap_or(&Val::Unset),
            _ => &Val::Unset,
        }
    }

    /// The order of two values of one kind; `None` when either is unset or
    /// they cannot be compared (different kinds or currencies).
    pub fn compare(&self, other: &Val) -> Option<Ordering> {
        match (self, other) {
            (Val::Unset, _) | (_, Val::Unset) => None,
            (Val::Bool(a), Val::Bool(b)) => Some(a.cmp(b)),
            (
                Val::Money {
                    amount: a,
                    currency: ca,
                },
                Val::Money {
                    amount: b,
                    currency: cb,
                },
            ) => (ca == cb).then(|| a.cmp(b)),
            (Val::Money { .. }, _) | (_, Val::Money { .. }) => None,
            (a, b) if a.as_num().is_some() && b.as_num().is_some() => {
                Some(a.as_num()?.cmp(&b.as_num()?))
            }
            (Val::Str(a), Val::Str(b)) | (Val::Enum(a), Val::Enum(b)) => Some(a.cmp(b)),
            (Val::Str(a), Val::Enum(b)) | (Val::Enum(a), Val::Str(b)) => Some(a.cmp(b)),
            (Val::Time(a), Val::Time(b)) => Some(a.cmp(b)),
            (Val::Date(a), Val::Date(b)) => Some(a.cmp(b)),
            (Val::Duration(a), Val::Duration(b)) => {
                (a.days * 86_400 + a.seconds).partial_cmp(&(b.days * 86_400 + b.seconds))
            }
            (Val::List(a), Val::List(b)) => (a == b).then_some(Ordering::Equal),
            (Val::Record(a), Val::Record(b)) => (a == b).then_some(Ordering::Equal),
            _ => None,
        }
    }

    /// The value as a checked constant, the inverse of
    /// `From<&Value>`; `None` when unset. Unset list items and record
    /// fields are left out, as templates see them.
    pub fn to_value(&self) -> Option<crate::check::model::Value> {
        use crate::check::model::{DecimalLit, Value as V};
        let dec = |n: &Num| DecimalLit {
            mantissa: n.mantissa,
            scale: n.scale,
        };
        Some(match self {
            Val::Unset => return None,
            Val::Bool(b) => V::Bool(*b),
            Val::Int(i) => V::Int(*i),
            Val::Decimal(n) => V::Decimal(dec(n)),
            Val::Money { amount, currency } => V::Money {
                amount: dec(amount),
                currency: currency.clone(),
            },
            Val::Str(s) => V::String(s.clone()),
            Val::Enum(s) => V::Enum(s.clone()),
            Val::Time(t) => V::Time(*t),
            Val::Date(d) => V::Date(*d),
            Val::Duration(d) => V::Duration(*d),
            Val::List(items) => V::List(items.iter().filter_map(Val::to_value).collect()),
            Val::Record(fields) => V::Record(
                fields
                    .iter()
                    .filter_map(|(n, v)| Some((n.clone(), v.to_value()?)))
                    .collect(),
            ),
        })
    }

    /// The value as template data ([`crate::check::messages::value_json`],
    /// the conventions of [`crate::template::value`]): the previews and the
    /// simulated sends render through it. `None` for unset values, which
    /// templates see as absent.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        self.to_value()
            .map(|v| crate::check::messages::value_json(&v))
    }

    /// A short human form for timelines and failure reports.
    pub fn display(&self) -> String {
        match self {
            Val::Unset => "unset".into(),
            Val::Bool(b) => b.to_string(),
            Val::Int(i) => i.to_string(),
            Val::Decimal(n) => n.to_string(),
            Val::Money { amount, currency } => format!("{amount} {currency}"),
            Val::Str(s) => format!("{s:?}"),
            Val::Enum(s) => s.clone(),
            Val::Time(t) => t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
            Val::Date(d) => d.to_string(),
            Val::Duration(d) => d.to_string(),
            Val::List(items) => {
                let inner: Vec<String> = items.iter().map(Val::display).collect();
                format!("[{}]", inner.join(", "))
            }
            Val::Record(fields) => {
                let inner: Vec<String> = fields
                    .iter()
                    .map(|(n, v)| format!("{n} {}", v.display()))
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }
}

impl From<&crate::check::model::Value> for Val {
    fn from(v: &crate::check::model::Value) -> Val {
        use crate::check::model::Value as V;
        match v {
            V::Bool(b) => Val::Bool(*b),
            V::Int(i) => Val::Int(*i),
            V::Decimal(d) => Val::Decimal((*d).into()),
            V::Money { amount, currency } => Val::Money {
                amount: (*amount).into(),
                currency: currency.clone(),
            },
            V::String(s) => Val::Str(s.clone()),
            V::Enum(s) => Val::Enum(s.clone()),
            V::Time(t) => Val::Time(*t),
            V::Date(d) => Val::Date(*d),
            V::Duration(d) => Val::Duration(*d),
            V::List(items) => Val::List(items.iter().map(Val::from).collect()),
            V::Record(fields) => Val::Record(
                fields
                    .iter()
                    .map(|(n, v)| (n.clone(), Val::from(v)))
                    .collect(),
            ),
        }
    }
}
