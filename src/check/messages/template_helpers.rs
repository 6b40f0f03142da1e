//! Helper calls inside templates: the helper exists, gets the right number
//! and kinds of arguments (per the renderer's own table), and `plural`
//! gets CLDR categories.

use std::collections::HashMap;

use handlebars::template::{Parameter, TemplateElement};
use handlebars::{JsonValue, Path};

use crate::check::model::Type;
use crate::diagnostics::Diagnostic;
use crate::template::HelperSpec;

use super::did_you_mean;
use super::helpers::{self, PLURAL_CATEGORIES};
use super::scope::Ty;
use super::template_syntax::Range;
use super::templates::{path_raw, strip, PluralUse, Walker};

impl Walker<'_> {
    /// Checks a helper call and returns the type of what it produces.
    pub(super) fn helper(
        &mut self,
        name: &str,
        params: &[Parameter],
        hash: &HashMap<String, Parameter>,
        tag: Range,
    ) -> Ty {
        let Some(sig) = helpers::lookup(name) else {
            let d = if helpers::BLOCK_HELPERS.contains(&name) {
                Diagnostic::error(
                    "E0407",
                    format!("`{name}` is a block helper"),
                    self.span(tag),
                )
                .with_help(format!("write `{{{{#{name} …}}}}…{{{{/{name}}}}}`"))
            } else {
                self.unknown_helper(name, tag)
            };
            self.push(d);
            for p in params {
                self.param(p, tag, false);
            }
            return Ty::Any;
        };
        if params.len() < sig.min_args || params.len() > sig.max_args {
            let expected = if sig.min_args == sig.max_args {
                format!("{}", sig.min_args)
            } else {
                format!("{} or {}", sig.min_args, sig.max_args)
            };
            let noun = if expected == "1" {
                "argument"
            } else {
                "arguments"
            };
            self.push(
                Diagnostic::error(
                    "E0407",
                    format!("`{name}` takes {expected} {noun}, found {}", params.len()),
                    self.span(tag),
                )
                .with_primary_label(format!("{} given", params.len()))
                .with_help(format!("write `{}`", helpers::usage(name))),
            );
        }
        let mut types = Vec::new();
        for (i, p) in params.iter().enumerate() {
            // `default`'s first argument is exactly the optional value it
            // makes safe.
            let bare_ok = name == "default" && i == 0;
            let ty = self.param(p, tag, !bare_ok);
            if i < sig.max_args {
                self.check_argument(sig, i, p, &ty, tag);
            }
            types.push(ty);
        }
        self.check_hash(sig, hash, tag);
        match name {
            "default" => types.into_iter().next().map(strip).unwrap_or(Ty::Any),
            _ => Ty::Value(Type::String),
        }
    }

    fn check_argument(
        &mut self,
        sig: &HelperSpec,
        index: usize,
        p: &Parameter,
        ty: &Ty,
        tag: Range,
    ) {
        let helper = sig.name;
        let text = param_text(p);
        if helpers::is_literal(sig, index) {
            let ok = match p {
                Parameter::Literal(JsonValue::String(s)) => {
                    sig.literals.is_empty() || sig.literals.contains(&s.as_str())
                }
                _ => false,
            };
            if !ok {
                let at = self.locate(tag, &text);
                self.push(
                    Diagnostic::error(
                        "E0408",
                        format!("`{helper}` takes a format name here, not `{text}`"),
                        self.span(at),
                    )
                    .with_help(format!("use one of {}", super::list_names(sig.literals))),
                );
            }
            return;
        }
        let Some(kinds) = sig.arg_kinds.get(index) else {
            return;
        };
        if !helpers::allows(kinds, ty) {
            let at = self.locate(tag, &text);
            self.push(
                Diagnostic::error(
                    "E0408",
                    format!(
                        "`{helper}` needs {}, but `{text}` is {}",
                        helpers::describe(kinds),
                        ty.describe(self.model)
                    ),
                    self.span(at),
                )
                .with_primary_label(format!("this is {}", ty.describe(self.model)))
                .with_help(format!(
                    "`{helper}` is used like `{}`",
                    helpers::usage(helper)
                )),
            );
        }
    }

    fn check_hash(&mut self, sig: &HelperSpec, hash: &HashMap<String, Parameter>, tag: Range) {
        let helper = sig.name;
        let mut keys: Vec<&String> = hash.keys().collect();
        keys.sort();
        let is_plural = helper == "plural";
        for k in &keys {
            if sig.hash_keys.contains(&k.as_str()) {
                continue;
            }
            let at = self.locate(tag, &format!("{k}="));
            let d = if is_plural {
                let d = Diagnostic::error(
                    "E0409",
                    format!("`{k}` is not a CLDR plural category"),
                    self.span(at),
                );
                match did_you_mean(k, PLURAL_CATEGORIES.iter().copied()) {
                    Some(s) => self.with_replace(
                        d.with_help(format!("did you mean `{s}=`?")),
                        at,
                        &format!("{k}="),
                        &format!("{s}="),
                    ),
                    None => d.with_help(format!(
                        "plural categories are {}",
                        super::list_names(PLURAL_CATEGORIES)
                    )),
                }
            } else if sig.hash_keys.is_empty() {
                Diagnostic::error(
                    "E0407",
                    format!("`{helper}` takes no named arguments such as `{k}=`"),
                    self.span(at),
                )
                .with_help("remove the named argument")
            } else {
                Diagnostic::error(
                    "E0407",
                    format!("`{helper}` has no named argument `{k}=`"),
                    self.span(at),
                )
                .with_help(format!(
                    "its named arguments are {}",
                    super::list_names(
                        &sig.hash_keys
                            .iter()
                            .map(|h| format!("{h}="))
                            .collect::<Vec<_>>()
                    )
                ))
            };
            self.push(d);
        }
        if !is_plural {
            return;
        }
        if !hash.contains_key("other") {
            self.push(
                Diagnostic::error(
                    "E0409",
                    format!("`{helper}` needs an `other=` text"),
                    self.span(tag),
                )
                .with_help("every locale uses `other`; add e.g. `other=\"# points\"`"),
            );
        }
        let categories: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
        let span = self.span(tag);
        self.facts.plurals.push(PluralUse { span, categories });
    }

    pub(super) fn unknown_helper(&self, name: &str, tag: Range) -> Diagnostic {
        let at = self.locate(tag, name);
        let d = Diagnostic::error("E0406", format!("unknown helper `{name}`"), self.span(at))
            .with_primary_label("not a helper");
        match did_you_mean(name, helpers::all_names()) {
            Some(s) => self.with_replace(d.with_help(format!("did you mean `{s}`?")), at, name, s),
            None => d.with_help(format!(
                "the helpers are {}",
                super::list_names(&helpers::all_names().collect::<Vec<_>>())
            )),
        }
    }

    /// The type of one helper argument.
    pub(super) fn param(&mut self, p: &Parameter, tag: Range, warn_optional: bool) -> Ty {
        match p {
            Parameter::Path(path) => match self.path(path, tag) {
                Some(r) => {
                    if warn_optional {
                        self.check_bare_optional(&r, path, tag);
                    }
                    r.ty
                }
                None => Ty::Any,
            },
            Parameter::Name(n) => {
                let path = Path::Relative((Vec::new(), n.clone()));
                self.param(&Parameter::Path(path), tag, warn_optional)
            }
            Parameter::Literal(v) => match v {
                JsonValue::String(_) => Ty::Value(Type::String),
                JsonValue::Bool(_) => Ty::Value(Type::Bool),
                JsonValue::Number(n) if n.is_i64() || n.is_u64() => Ty::Value(Type::Int),
                JsonValue::Number(_) => Ty::Value(Type::Decimal),
                _ => Ty::Any,
            },
            Parameter::Subexpression(s) => match s.as_element() {
                TemplateElement::Expression(h) => match &h.name {
                    Parameter::Name(n) => self.helper(n, &h.params, &h.hash, tag),
                    Parameter::Path(p) if h.params.is_empty() => {
                        self.path(p, tag).map(|r| r.ty).unwrap_or(Ty::Any)
                    }
                    Parameter::Path(p) => self.helper(&path_raw(p), &h.params, &h.hash, tag),
                    _ => Ty::Any,
                },
                _ => Ty::Any,
            },
            _ => Ty::Any,
        }
    }
}

/// How a parameter is written in the template (to find it in the tag).
pub(super) fn param_text(p: &Parameter) -> String {
    match p {
        Parameter::Path(p) => path_raw(p),
        Parameter::Name(n) => n.clone(),
        Parameter::Literal(v) => v.to_string(),
        _ => String::new(),
    }
}
