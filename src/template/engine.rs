//! The renderer: one Handlebars registry per escaping mode, our helpers in
//! each, and a cache of parsed templates keyed by their source text.

use foldhash::{HashMap, HashMapExt};
use std::sync::{Arc, RwLock};

use handlebars::{Context, Handlebars, RenderContext, Renderable, StringOutput, Template};
use serde_json::Value;

use super::helpers::{register_all, with_settings, Settings};
use super::locale::parse_locale;
use super::{Escape, RenderError, RenderOptions};

/// Renders templates with the LANGUAGE.md helpers.
///
/// Build it once and share it (it is `Send + Sync`): parsed templates are
/// cached by source text, so rendering the same message for many customers
/// parses it once. The locale and time zone of a render are parsed and
/// looked up once per pair and reach the helpers through the render's
/// thread, so one registry serves every locale and the data is never
/// copied to carry them.
pub struct Renderer {
    html: Handlebars<'static>,
    plain: Handlebars<'static>,
    json: Handlebars<'static>,
    url: Handlebars<'static>,
    cache: RwLock<HashMap<String, Arc<Template>>>,
    /// Templates parsed (not found in the cache), for tests and benches.
    parses: std::sync::atomic::AtomicUsize,
    /// Locale → time zone → parsed settings.
    settings: RwLock<HashMap<String, HashMap<String, Arc<Settings>>>>,
}

/// Template data ready to render any number of templates with, without
/// copying it (the fields of one message): [`Renderer::render_data`].
pub struct Data(Context);

impl Data {
    /// Takes the root of the template data (an object built with
    /// [`super::value`]).
    pub fn new(root: Value) -> Result<Data, RenderError> {
        if !root.is_object() {
            return Err(RenderError::message(
                "template data must be an object (customer, event, campaign, unsubscribe_url)",
            ));
        }
        Ok(Data(Context::from(root)))
    }
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").finish_non_exhaustive()
    }
}

fn registry(escape: fn(&str) -> String) -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    // Unknown variables are the checker's job (with spans and did-you-mean);
    // at render time an unset optional simply renders empty.
    registry.set_strict_mode(false);
    registry.register_escape_fn(escape);
    register_all(&mut registry);
    registry
}

/// Escapes text for the inside of a JSON string literal, so a value like
/// `Tom "TJ" \ <b>` keeps a webhook body valid JSON.
pub fn json_escape(text: &str) -> String {
    let quoted = Value::String(text.to_string()).to_string();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// The bytes a value inserted into a URL keeps as they are: RFC 3986's
/// unreserved characters. Everything else (`/`, `?`, `#`, `&`, `=`, `@`,
/// `:`, spaces, non-ASCII) is percent-encoded, so a value is one path
/// segment or one query value and can never add a segment, a parameter, a
/// fragment or a host.
const URL_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a value for a URL's path or query (UTF-8 bytes).
pub fn url_escape(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, URL_VALUE).to_string()
}

impl Renderer {
    /// A renderer with every helper registered.
    pub fn new() -> Self {
        Renderer {
            html: registry(handlebars::html_escape),
            plain: registry(handlebars::no_escape),
            json: registry(json_escape),
            url: registry(url_escape),
            cache: RwLock::new(HashMap::new()),
            parses: Default::default(),
            settings: RwLock::new(HashMap::new()),
        }
    }

    /// Parses `template` (or takes it from the cache).
    ///
    /// The checker calls this to report Handlebars syntax errors with their
    /// line and column inside the template.
    ///
    /// A template nested deeper than [`super::nesting`] allows is an error
    /// before the parser sees it.
    pub fn compile(&self, template: &str) -> Result<Arc<Template>, RenderError> {
        self.compile_with(template, |source| {
            if let Some(deep) = super::nesting::too_deep(source) {
                return Err(RenderError::message(deep.message()));
            }
            Template::compile(source).map_err(RenderError::from_template)
        })
    }

    /// The parsed `template` from the cache, else what `parse` makes of
    /// it, cached when it succeeds. The checker parses with its own error
    /// reporting through this, so that rendering the templates it checked
    /// (a build's previews) does not parse them again.
    pub fn compile_with<E>(
        &self,
        template: &str,
        parse: impl FnOnce(&str) -> Result<Template, E>,
    ) -> Result<Arc<Template>, E> {
        {
            let cache = self.cache.read().unwrap_or_else(|e| e.into_inner());
            if let Some(parsed) = cache.get(template) {
                return Ok(Arc::clone(parsed));
            }
        }
        self.parses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let parsed = Arc::new(parse(template)?);
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        cache.insert(template.to_string(), Arc::clone(&parsed));
        Ok(parsed)
    }

    /// Forgets the parsed templates whose source `keep` rejects (a long
    /// editing session parses a new template at every change).
    pub fn retain_templates(&self, keep: impl Fn(&str) -> bool) {
        let mut cache = self.cache.write().unwrap_or_else(|e| e.into_inner());
        cache.retain(|source, _| keep(source));
    }

    /// How many templates this renderer has parsed (cache misses).
    pub fn parsed_templates(&self) -> usize {
        self.parses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many parsed templates the cache holds.
    pub fn cached_templates(&self) -> usize {
        self.cache.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Renders `template` against `data` (an object built with
    /// [`super::value`]) in the locale, time zone and escaping of `opts`.
    pub fn render(
        &self,
        template: &str,
        data: &Value,
        opts: &RenderOptions,
    ) -> Result<String, RenderError> {
        let settings = self.settings(opts)?;
        let data = Data::new(data.clone())?;
        self.render_with(template, &data, opts, settings)
    }

    /// [`Renderer::render`] with data prepared once for several templates.
    pub fn render_data(
        &self,
        template: &str,
        data: &Data,
        opts: &RenderOptions,
    ) -> Result<String, RenderError> {
        let settings = self.settings(opts)?;
        self.render_with(template, data, opts, settings)
    }

    /// The parsed locale and time zone of `opts`, from the cache.
    fn settings(&self, opts: &RenderOptions) -> Result<Arc<Settings>, RenderError> {
        {
            let cache = self.settings.read().unwrap_or_else(|e| e.into_inner());
            if let Some(found) = cache
                .get(opts.locale.as_str())
                .and_then(|zones| zones.get(opts.timezone.as_str()))
            {
                return Ok(Arc::clone(found));
            }
        }
        let locale = parse_locale(&opts.locale).map_err(RenderError::message)?;
        let timezone = jiff::tz::TimeZone::get(&opts.timezone).map_err(|e| {
            RenderError::message(format!("unknown time zone `{}` ({e})", opts.timezone))
        })?;
        let settings = Arc::new(Settings { locale, timezone });
        let mut cache = self.settings.write().unwrap_or_else(|e| e.into_inner());
        // Bounded: a stream of ever new time zones must not grow it forever.
        if cache.values().map(HashMap::len).sum::<usize>() >= 1024 {
            cache.clear();
        }
        cache
            .entry(opts.locale.clone())
            .or_default()
            .insert(opts.timezone.clone(), Arc::clone(&settings));
        Ok(settings)
    }

    fn render_with(
        &self,
        template: &str,
        data: &Data,
        opts: &RenderOptions,
        settings: Arc<Settings>,
    ) -> Result<String, RenderError> {
        let parsed = self.compile(template)?;
        let registry = match opts.escape {
            Escape::Html => &self.html,
            Escape::None => &self.plain,
            Escape::Json => &self.json,
            Escape::Url => &self.url,
        };
        with_settings(settings, || {
            let mut render_context = RenderContext::new(None);
            let mut out = StringOutput::new();
            parsed
                .render(registry, &data.0, &mut render_context, &mut out)
                .map_err(RenderError::from_render)?;
            out.into_string()
                .map_err(|e| RenderError::message(format!("could not collect the output ({e})")))
        })
    }
}
