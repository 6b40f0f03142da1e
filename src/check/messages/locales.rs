//! Localization rules: locale tags are valid BCP 47, a sent message has
//! every locale its campaign promises, translations use the same
//! variables as the reference locale, and `plural` gives text for every
//! CLDR category its locale uses.

use std::collections::BTreeSet;

use crate::template::plural_categories;

use crate::check::model::{CampaignId, LocaleContent, MessageDef, Model, Symbol};
use crate::check::resolve::suggest::closest_locale;
use crate::diagnostics::{Diagnostic, Edit, Fix, Piece};
use crate::source::Span;

use super::{head_span, list_names, ParsedField, SendSite};

/// Whether `tag` is a well-formed BCP 47 tag ([`crate::template::is_valid_locale`])
/// with a real-looking language (2–3 letters), e.g. `en`, `zh-Hant`,
/// `pt-BR`: `english` is well-formed BCP 47 but surely a mistake.
pub fn is_valid_locale(tag: &str) -> bool {
    if tag.contains('_') {
        return false;
    }
    let language_ok = tag
        .split('-')
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    language_ok && crate::template::is_valid_locale(tag)
}

/// The diagnostic for an invalid locale tag at `span`, or `None` when the
/// tag is valid. The resolver uses it for campaign `locales` and
/// `defaults`; this pass for `locale` blocks.
pub fn check_locale_tag(tag: &str, span: Span) -> Option<Diagnostic> {
    if is_valid_locale(tag) {
        return None;
    }
    let d = Diagnostic::error(
        "E0502",
        format!("`{tag}` is not a valid BCP 47 locale tag"),
        span,
    )
    .with_primary_label("invalid locale");
    let fixed = tag.replace('_', "-");
    Some(if fixed != tag && is_valid_locale(&fixed) {
        d.with_help(format!("BCP 47 separates parts with `-`: write `{fixed}`"))
    } else {
        d.with_help("use a language code, optionally with a script or region: `en`, `vi`, `cs`, `zh-Hant`, `pt-BR`")
    })
}

/// Invalid tags in campaign `locales` (the setting is the place reported:
/// the model keeps no span per tag).
pub(crate) fn check_campaign_tags(model: &Model, out: &mut Vec<Diagnostic>) {
    for c in &model.campaigns {
        let span = c.setting_span("locales");
        for tag in &c.locales {
            if let Some(d) = check_locale_tag(tag, span) {
                out.push(d.with_primary_label(format!("`{tag}` is not a locale tag")));
            }
        }
    }
}

fn same_locale(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

pub(crate) fn check_message(
    model: &Model,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    for block in &message.locales {
        out.extend(check_locale_tag(
            &block.locale,
            head_span(block.span, "locale", &block.locale),
        ));
    }
    check_missing_locales(model, message, sends, out);
    check_variables(model, message, parsed, out);
    check_plurals(model, message, sends, parsed, out);
}

/// A sent message must have every locale of each campaign that sends it.
fn check_missing_locales(
    model: &Model,
    message: &MessageDef,
    sends: &[&SendSite],
    out: &mut Vec<Diagnostic>,
) {
    if message.is_locale_neutral() {
        return;
    }
    let mut campaigns: Vec<CampaignId> = sends.iter().map(|s| s.campaign).collect();
    campaigns.sort();
    campaigns.dedup();
    for cid in campaigns {
        let campaign = model.campaign(cid);
        let missing: Vec<&String> = campaign
            .locales
            .iter()
            .filter(|l| is_valid_locale(l))
            .filter(|l| !message.locales.iter().any(|b| same_locale(&b.locale, l)))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let noun = if missing.len() == 1 {
            "locale"
        } else {
            "locales"
        };
        let mut d = Diagnostic::error(
            "E0501",
            format!(
                "message `{}` lacks the {noun} {} that campaign `{}` sends in",
                message.name,
                list_names(&missing),
                campaign.name
            ),
            head_span(message.span, "message", &message.name),
        )
        .with_primary_label(format!(
            "has {}",
            list_names(
                &message
                    .locales
                    .iter()
                    .map(|l| &l.locale)
                    .collect::<Vec<_>>()
            )
        ));
        if campaign.setting_spans.contains_key("locales") {
            d = d.with_label(
                campaign.setting_span("locales"),
                format!("`{}` sends in these locales", campaign.name),
            );
        }
        for s in sends.iter().filter(|s| s.campaign == cid) {
            d = d.with_label(
                s.span,
                format!(
                    "sent here by `{}`, whose locales are {}",
                    campaign.name,
                    list_names(&campaign.locales)
                ),
            );
        }
        let blocks: Vec<String> = missing
            .iter()
            .map(|l| format!("`locale {l} {{ … }}`"))
            .collect();
        let fix = format!(
            "add {} to `{}`, or remove the {noun} from the campaign's `locales`",
            blocks.join(" and "),
            message.name
        );
        // A typo in `locales` (`vn` for `vi`): suggest a locale the message
        // has, else one the project uses, that the campaign does not list.
        let mut typo_fixes = Vec::new();
        let typos: Vec<String> = missing
            .iter()
            .filter_map(|l| {
                let unlisted = |t: &&str| !campaign.locales.iter().any(|c| same_locale(c, t));
                let of_message = message.locales.iter().map(|b| b.locale.as_str());
                closest_locale(l, of_message.filter(unlisted))
                    .or_else(|| closest_locale(l, project_locales(model).filter(unlisted)))
                    .map(|known| {
                        // The tag as written in the campaign's `locales`.
                        let written = model
                            .references()
                            .uses_in(campaign.span)
                            .iter()
                            .find(|r| matches!(&*r.target, Symbol::Locale(t) if t == *l));
                        if let Some(r) = written {
                            typo_fixes.push(Fix {
                                title: format!(
                                    "Change `{l}` to `{known}` in the locales of `{}`",
                                    campaign.name
                                ),
                                ..Fix::replace(r.span, known)
                            });
                        }
                        if missing.len() == 1 {
                            format!("`{known}`")
                        } else {
                            format!("`{known}` for `{l}`")
                        }
                    })
            })
            .collect();
        // A typo in `locales` is the likelier fix: first.
        d.fixes.append(&mut typo_fixes);
        for l in &missing {
            if let Some(fix) = missing_locale_fix(model, message, l) {
                d = d.with_fix(fix);
            }
        }
        out.push(d.with_help(if typos.is_empty() {
            fix
        } else {
            format!(
                "did you mean {} in the campaign's `locales`? Otherwise {fix}",
                typos.join(" and ")
            )
        }));
    }
}

/// Every locale tag the project writes: `defaults`, message locale blocks
/// and campaign `locales`.
fn project_locales(model: &Model) -> impl Iterator<Item = &str> {
    std::iter::once(model.defaults.locale.as_str())
        .chain(
            model
                .messages
                .iter()
                .flat_map(|m| m.locales.iter().map(|b| b.locale.as_str())),
        )
        .chain(
            model
                .campaigns
                .iter()
                .flat_map(|c| c.locales.iter().map(String::as_str)),
        )
}

/// The variables one locale block reads.
fn variables_of(parsed: &[ParsedField], locale: &str) -> BTreeSet<String> {
    parsed
        .iter()
        .filter(|p| p.locale == Some(locale))
        .flat_map(|p| p.facts.variables.iter().cloned())
        .collect()
}

/// The reference locale block of a message: `defaults.locale`, else the
/// first block.
fn reference_locale<'m>(model: &Model, message: &'m MessageDef) -> Option<&'m LocaleContent> {
    message
        .locales
        .iter()
        .find(|l| same_locale(&l.locale, &model.defaults.locale))
        .or(message.locales.first())
}

/// The fix of a message lacking `locale`: a `locale` block inserted after
/// the reference block, a copy of it under the new tag with a
/// `// TODO: translate` comment above. The copy keeps the reference text
/// so that the project still checks (a translator replaces it; the
/// comment says so), rather than a placeholder that would fail a check.
pub fn missing_locale_fix(model: &Model, message: &MessageDef, locale: &str) -> Option<Fix> {
    let reference = reference_locale(model, message)?;
    // The tag as written, from the reference table (exact whatever the
    // spacing), else right after `locale `.
    let tag = model
        .references()
        .uses_in(reference.span)
        .iter()
        .find(|r| matches!(&*r.target, Symbol::Locale(t) if *t == reference.locale))
        .map(|r| r.span)
        .unwrap_or_else(|| head_span(reference.span, "locale", &reference.locale));
    let end = Span::new(
        reference.span.file,
        reference.span.end as usize,
        reference.span.end as usize,
    );
    let after_tag = Span::new(
        reference.span.file,
        tag.end as usize,
        reference.span.end as usize,
    );
    Some(Fix {
        title: format!(
            "Add a `locale {locale}` block copied from `{}`",
            reference.locale
        ),
        edits: vec![Edit {
            span: end,
            text: vec![
                Piece::Text("\n\n".to_string()),
                Piece::IndentOf(reference.span),
                Piece::Text(format!("// TODO: translate from {}\n", reference.locale)),
                Piece::IndentOf(reference.span),
                Piece::Text(format!("locale {locale}")),
                Piece::Copy(after_tag),
            ],
        }],
    })
}

/// Each translation reads the same variables as the reference locale
/// (`defaults.locale`, else the first locale block).
fn check_variables(
    model: &Model,
    message: &MessageDef,
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    if parsed.iter().any(|p| p.template.is_none()) {
        return; // a syntax error hides what the template reads
    }
    let Some(reference) = reference_locale(model, message) else {
        return;
    };
    let expected = variables_of(parsed, &reference.locale);
    for block in &message.locales {
        if block.locale == reference.locale {
            continue;
        }
        let used = variables_of(parsed, &block.locale);
        let missing: Vec<&String> = expected.difference(&used).collect();
        let added: Vec<&String> = used.difference(&expected).collect();
        if missing.is_empty() && added.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("lacks {}", list_names(&missing)));
        }
        if !added.is_empty() {
            parts.push(format!("adds {}", list_names(&added)));
        }
        let d = Diagnostic::warning(
            "W0501",
            format!(
                "the `{}` translation of `{}` {} compared with `{}`",
                block.locale,
                message.name,
                parts.join(" and "),
                reference.locale
            ),
            head_span(block.span, "locale", &block.locale),
        )
        .with_primary_label("this translation")
        .with_label(
            head_span(reference.span, "locale", &reference.locale),
            format!("the reference translation `{}`", reference.locale),
        )
        .with_help(
            "a translation should say the same things; use the same variables in every locale",
        );
        out.push(d);
    }
}

/// Each `plural` call gives text for every category its locale uses.
fn check_plurals(
    model: &Model,
    message: &MessageDef,
    sends: &[&SendSite],
    parsed: &[ParsedField],
    out: &mut Vec<Diagnostic>,
) {
    // Shared fields serve every locale of the message, or of the
    // campaigns that send a locale-neutral message.
    let mut shared_locales: Vec<String> = if message.is_locale_neutral() {
        sends
            .iter()
            .flat_map(|s| model.campaign(s.campaign).locales.iter().cloned())
            .collect()
    } else {
        message.locales.iter().map(|l| l.locale.clone()).collect()
    };
    shared_locales.sort();
    shared_locales.dedup();
    for p in parsed {
        let locales: Vec<String> = match p.locale {
            Some(l) => vec![l.to_string()],
            None => shared_locales.clone(),
        };
        for plural in &p.facts.plurals {
            for locale in locales.iter().filter(|l| is_valid_locale(l)) {
                let missing: Vec<&str> = plural_categories(locale)
                    .into_iter()
                    .filter(|c| !plural.categories.iter().any(|k| k == c))
                    .collect();
                // A missing `other` is already an error (E0409).
                let missing: Vec<&str> = missing.into_iter().filter(|c| *c != "other").collect();
                if missing.is_empty() {
                    continue;
                }
                let keys: Vec<String> = missing.iter().map(|c| format!("`{c}=\"…\"`")).collect();
                out.push(
                    Diagnostic::warning(
                        "W0502",
                        format!(
                            "`plural` lacks the {} {} that `{locale}` uses",
                            if missing.len() == 1 {
                                "category"
                            } else {
                                "categories"
                            },
                            list_names(&missing)
                        ),
                        plural.span,
                    )
                    .with_primary_label(format!("gives {}", list_names(&plural.categories)))
                    .with_help(format!(
                        "add {}; numbers in those categories fall back to `other`",
                        keys.join(" ")
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        for ok in ["en", "vi", "cs", "zh-Hant", "pt-BR", "zh-Hans-CN"] {
            assert!(is_valid_locale(ok), "{ok}");
        }
        for bad in ["english", "en_US", "e", "", "123", "en-"] {
            assert!(!is_valid_locale(bad), "{bad}");
        }
    }

    #[test]
    fn czech_uses_four_categories() {
        assert_eq!(plural_categories("cs"), vec!["one", "few", "many", "other"]);
        assert_eq!(plural_categories("en"), vec!["one", "other"]);
        assert_eq!(plural_categories("zh-Hant"), vec!["other"]);
    }
}
