//! The theme's templates, behind our own types so that Tera's API (which
//! changes between major versions) is confined to this file.
//!
//! Lookup order for a template name: the site's `templates/` folder, then
//! `themes/<theme>/templates/`, then the default theme compiled into the
//! binary. So a site overrides one template by adding one file, and a site
//! with no `themes/` folder at all still builds.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{fold, functions, inline};
use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::markdown::built_in::FootnoteWords;
use crate::markdown::components::{ComponentView, ComponentWriter};
use crate::markdown::html::esc;
use crate::theme::{self, DEFAULT_THEME};
use crate::vfs::{self, FileSystem};

/// A value built once and shared by many pages without copying
/// (Tera values hold their arrays and maps behind `Arc`).
#[derive(Clone)]
pub struct Shared(tera::Value);

impl Shared {
    pub fn new<T: Serialize>(value: &T) -> Self {
        Shared(tera::Value::from_serializable(value))
    }

    /// Element `index` of the list in field `field`, shared too (not copied).
    pub fn element(&self, field: &str, index: usize) -> Option<Shared> {
        let (_, list) = self
            .0
            .as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(field))?;
        list.as_array()?.get(index).cloned().map(Shared)
    }
}

/// The variables of one page.
#[derive(Default)]
pub struct PageContext {
    vars: tera::Context,
    /// The names set, for [`Templates::record`].
    keys: Vec<&'static str>,
}

impl PageContext {
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.vars.insert(key, value);
        self.keys.push(key);
    }

    pub fn insert_shared(&mut self, key: &'static str, value: &Shared) {
        self.vars.insert_value(key, value.0.clone());
        self.keys.push(key);
    }

    /// A shared value, or none (what `insert` gives for `None`).
    pub fn insert_shared_or_none(&mut self, key: &'static str, value: Option<Shared>) {
        match value {
            Some(v) => self.vars.insert_value(key, v.0),
            None => self.vars.insert(key, &None::<()>),
        }
        self.keys.push(key);
    }
}

/// The site-wide variables, and every page's own as it is rendered.
struct Recorder {
    globals: serde_json::Map<String, serde_json::Value>,
    pages: std::sync::Mutex<Vec<RecordedPage>>,
}

/// The variables one page's template received, as JSON: what the theme
/// reference (docs/themes.md) is tested against.
#[derive(Debug, Clone)]
pub struct RecordedPage {
    pub template: String,
    pub variables: serde_json::Map<String, serde_json::Value>,
}

pub struct Templates {
    tera: tera::Tera,
    /// Template name -> the file it came from, for error messages.
    origins: HashMap<String, String>,
    /// What loading changed in each template's text, to put an error's
    /// position back where the file has it.
    rewrites: Rewrites,
    /// The interface strings, escaped, for the few words the Markdown
    /// writer puts in itself ([`ComponentWriter::word`]).
    translate: functions::Translate,
    /// When set, every page's variables are kept ([`Templates::record`]).
    recorded: Option<Recorder>,
    /// The site's `components/footnotes.html` is the default theme's,
    /// unchanged: notes are written by [`crate::markdown::built_in`].
    built_in_footnotes: bool,
}

impl Templates {
    /// Loads the theme's templates. Syntax errors are config-class
    /// diagnostics that point at the template file, line and column.
    pub fn load(
        fs: &dyn FileSystem,
        config: &SiteConfig,
        diags: &Diagnostics,
        sources: &SourceMap,
    ) -> Option<Templates> {
        let chosen = gather(fs, config, diags, sources)?;
        lint(&chosen, diags);
        // Themes written before the component templates overrode the badge
        // here; now nothing includes it, so say where it moved.
        if let Some(t) = chosen.get("partials/status.html") {
            diags.push(
                Diagnostic::warning(
                    "moved-template",
                    "partials/status.html is no longer used: the status badge is written by components/status.html",
                )
                .config()
                .in_file(t.origin.clone())
                .with_hint("rename the file to components/status.html (it receives the same `status`), and include that name"),
            );
        }
        let translate = functions::Translate::new(config.strings.clone());
        let mut tera = new_tera(&config.strings, translate.clone());
        let origins: HashMap<String, String> = chosen
            .iter()
            .map(|(name, t)| (name.clone(), t.origin.clone()))
            .collect();
        let (rewrites, result) = add_templates(
            &mut tera,
            &translate,
            chosen.iter().map(|(n, t)| (n.as_str(), t.text.as_str())),
        );
        let built_in_footnotes = is_built_in(&chosen, FOOTNOTES) && footnote_words_fold(&translate);
        let templates = Templates {
            tera,
            origins,
            rewrites,
            translate,
            recorded: None,
            built_in_footnotes,
        };
        if let Err(e) = result {
            diags.push(templates.diagnostic(&e));
            return None;
        }
        Some(templates)
    }

    /// The theme and static files the site publishes, for `asset_url()`.
    pub fn set_assets(&mut self, files: &crate::output::Output) {
        self.tera
            .register_function("asset_url", functions::AssetUrl::new(files));
    }

    /// Site-wide variables, set once (not copied into every page).
    pub fn set_global<T: Serialize>(&mut self, key: &'static str, value: &T) {
        self.tera.global_context().insert(key, value);
    }

    /// From now on, keep the variables of every page rendered (for the
    /// tests of the theme reference; a build never turns this on).
    pub fn record(&mut self) {
        let globals = self.tera.global_context();
        let site = globals
            .get("site")
            .map(|v| serde_json::to_value(v).unwrap_or_default());
        self.recorded = Some(Recorder {
            globals: site.map(|v| ("site".to_string(), v)).into_iter().collect(),
            pages: Default::default(),
        });
    }

    /// The variables of the pages rendered since [`Templates::record`].
    pub fn recorded(&self) -> Vec<RecordedPage> {
        self.recorded
            .as_ref()
            .map(|r| r.pages.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The page as bytes, ready to write: every consumer writes or serves
    /// bytes, and Tera's `render` would check the whole page is UTF-8 (it is,
    /// being made of `str`s) only for us to turn it back into bytes: a pass
    /// over every byte of every page, for nothing.
    pub fn render(&self, name: &str, ctx: &PageContext) -> Result<Vec<u8>, Diagnostic> {
        // Most pages are 10 to 40 KiB: start big enough for most, so few
        // pages are copied as they grow.
        if let Some(recorder) = &self.recorded {
            let mut variables = recorder.globals.clone();
            for key in &ctx.keys {
                if let Some(v) = ctx.vars.get(key) {
                    variables.insert(key.to_string(), serde_json::to_value(v).unwrap_or_default());
                }
            }
            recorder
                .pages
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(RecordedPage {
                    template: name.to_string(),
                    variables,
                });
        }
        let mut out = Vec::with_capacity(32 * 1024);
        self.tera
            .render_to(name, &ctx.vars, &mut out)
            .map_err(|e| self.diagnostic(&e))?;
        Ok(out)
    }

    /// The built-in theme's templates with every component written by its
    /// template, none by [`crate::markdown::built_in`]: for the test that
    /// the two write the same.
    #[cfg(test)]
    pub fn through_templates_only(mut self) -> Templates {
        self.built_in_footnotes = false;
        self
    }

    /// The built-in theme's templates alone, for code (and tests) that
    /// render Markdown outside a site build.
    pub fn built_in() -> Templates {
        let strings = Default::default();
        let translate = functions::Translate::new(std::sync::Arc::clone(&strings));
        let mut tera = new_tera(&strings, translate.clone());
        let (rewrites, result) = add_templates(&mut tera, &translate, theme::default_templates());
        result.expect("the built-in theme's templates compile");
        let origins = theme::default_templates()
            .map(|(name, _)| (name.to_string(), built_in_origin(name)))
            .collect();
        let built_in_footnotes = footnote_words_fold(&translate);
        Templates {
            tera,
            origins,
            rewrites,
            translate,
            recorded: None,
            built_in_footnotes,
        }
    }

    fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        let base = Diagnostic::error("template", String::new()).config();
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let s = r.span();
                let (template, start_line, start_column) =
                    self.rewrites
                        .as_written(r.filename(), s.start_line, s.start_col);
                let (end_line, end_column) =
                    match self
                        .rewrites
                        .as_written(r.filename(), s.end_line, s.end_col)
                    {
                        (t, line, column) if t == template => (line, column),
                        _ => (start_line, start_column),
                    };
                let origin = self
                    .origins
                    .get(template)
                    .cloned()
                    .unwrap_or_else(|| template.to_string());
                let mut message = format!("template error: {}", r.message());
                if let Some(src) = std::error::Error::source(e) {
                    message.push_str(&format!(" ({src})"));
                }
                let hint = if r.message().contains("not found") || r.message().contains("undefined")
                {
                    "see docs/themes.md for the variables each template receives; use `{% if x is defined %}` for optional ones"
                } else {
                    "check the template syntax at this position"
                };
                Diagnostic {
                    message,
                    file: Some(origin),
                    span: Some(Span {
                        start: crate::diagnostics::Position {
                            line: start_line as u32,
                            column: start_column as u32 + 1,
                        },
                        end: crate::diagnostics::Position {
                            line: end_line as u32,
                            column: end_column as u32 + 1,
                        },
                    }),
                    hint: Some(hint.into()),
                    ..base
                }
            }
            _ => Diagnostic {
                message: format!("template error: {e}"),
                hint: Some("check the theme's templates".into()),
                ..base
            },
        }
    }
}

/// One template the site will use, and where it came from.
struct Chosen {
    text: String,
    /// The file, for error messages: a site path, or `(built-in theme)/...`.
    origin: String,
    built_in: bool,
}

/// Every template by name: the built-in theme's, replaced or added to by
/// `themes/<theme>/templates/` and then the site's `templates/`. `None` when
/// the theme named in site.yaml does not exist.
fn gather(
    fs: &dyn FileSystem,
    config: &SiteConfig,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> Option<BTreeMap<String, Chosen>> {
    let mut chosen = BTreeMap::new();
    for (name, text) in theme::default_templates() {
        let origin = format!("(built-in theme)/templates/{name}");
        sources.insert(&origin, text.into());
        chosen.insert(
            name.to_string(),
            Chosen {
                text: text.to_string(),
                origin,
                built_in: true,
            },
        );
    }
    let theme_dir = format!("themes/{}", config.theme);
    if config.theme != DEFAULT_THEME && !fs.is_dir(&theme_dir) {
        diags.push(
            Diagnostic::error("no-theme", format!("theme `{}` not found", config.theme))
                .config()
                .in_file(crate::config::CONFIG_FILE)
                .with_hint(format!(
                    "create {theme_dir}/templates/, or remove `theme:` to use the built-in theme"
                )),
        );
        return None;
    }
    if config.theme != DEFAULT_THEME {
        theme::manifest::check(fs, &config.theme, diags);
    }
    for dir in [vfs::join(&theme_dir, "templates"), "templates".to_string()] {
        for path in fs.walk(&dir) {
            let name = path[dir.len() + 1..].to_string();
            if !theme::is_template(&name) || vfs::is_hidden(&name) {
                continue;
            }
            match fs.read_to_string(&path) {
                Ok(text) => {
                    sources.insert(&path, text.as_str().into());
                    chosen.insert(
                        name,
                        Chosen {
                            text,
                            origin: path,
                            built_in: false,
                        },
                    );
                }
                Err(e) => diags.push(
                    Diagnostic::error("unreadable", format!("cannot read template: {e}"))
                        .config()
                        .in_file(path),
                ),
            }
        }
    }
    Some(chosen)
}

/// The problems a build can see in a site's own templates without
/// rendering them: overrides that replace nothing, and names of variables
/// and fields that do not exist (as warnings: `rapport theme check` makes
/// them errors). The built-in templates are checked by the tests.
fn lint(chosen: &BTreeMap<String, Chosen>, diags: &Diagnostics) {
    warn_unused_overrides(chosen, diags);
    if chosen.values().all(|t| t.built_in) {
        return;
    }
    let reference = theme::reference::Reference::shipped();
    for (name, t) in chosen.iter().filter(|(_, t)| !t.built_in) {
        let vars = reference.variables(name);
        for p in theme::check::check_template(&t.text, vars.as_ref(), &reference) {
            diags.push(
                Diagnostic::warning("template-variable", p.message)
                    .config()
                    .in_file(t.origin.clone())
                    .at_line(p.line, p.column)
                    .with_hint(p.hint),
            );
        }
    }
}

/// Checks the site's theme without building: the templates load, every
/// override is used, every variable exists. Returns false when the
/// templates cannot be loaded at all.
pub fn check_theme(
    fs: &dyn FileSystem,
    config: &SiteConfig,
    diags: &Diagnostics,
    sources: &SourceMap,
) -> bool {
    Templates::load(fs, config, diags, sources).is_some()
}

/// An override is used when it replaces a template of the theme or another
/// template includes, extends or imports it. One that is neither (a
/// misspelt `partials/foter.html`, a file in the wrong folder) would be
/// ignored without a word, so it gets a warning naming the nearest template.
fn warn_unused_overrides(chosen: &BTreeMap<String, Chosen>, diags: &Diagnostics) {
    let built_in: Vec<&str> = theme::default_templates().map(|(n, _)| n).collect();
    let named: std::collections::HashSet<&str> = chosen
        .values()
        .flat_map(|t| template_references(&t.text))
        .collect();
    for (name, t) in chosen {
        // `partials/status.html` has a warning of its own (it moved).
        if t.built_in
            || built_in.contains(&name.as_str())
            || named.contains(name.as_str())
            || name == "partials/status.html"
        {
            continue;
        }
        let nearest = crate::diagnostics::nearest(name, built_in.iter().copied());
        let hint = match nearest {
            Some(b) => format!("did you mean {b}? An override must have the name of the template it replaces (`rapport theme export` writes them all)"),
            None => "name the file after the template it replaces (`rapport theme export` writes them all), or include it from a template".to_string(),
        };
        diags.push(
            Diagnostic::warning(
                "unused-template",
                format!("the template {name} is not used: the theme has no template of that name and none includes it"),
            )
            .config()
            .in_file(t.origin.clone())
            .with_hint(hint),
        );
    }
}

/// The template names a template's text gives to `include`, `extends` and
/// `import` tags (a name written in quotes; a name made at render time is
/// not known here).
pub(crate) fn template_references(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%").skip(1).filter_map(|tag| {
        let tag = tag.trim_start_matches('-').trim_start();
        let rest = ["include", "extends", "import"]
            .iter()
            .find_map(|k| tag.strip_prefix(k))?
            .trim_start();
        let quote = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let rest = &rest[1..];
        Some(&rest[..rest.find(quote)?])
    })
}

/// What loading changed in the templates' text, to put an error's position
/// back where the author wrote it.
#[derive(Default)]
struct Rewrites {
    /// Template name -> the `t()` calls folded into text ([`fold`]).
    folds: HashMap<String, fold::Folds>,
    /// Template name -> where its inlined partials' text came from
    /// ([`inline`]).
    inlined: HashMap<String, inline::Lines>,
}

impl Rewrites {
    /// The template, line and column (1-based line, 0-based column) an
    /// error at `line`, `column` of template `name` was written at.
    fn as_written<'n>(
        &'n self,
        name: &'n str,
        line: usize,
        column: usize,
    ) -> (&'n str, usize, usize) {
        let column = match self.folds.get(name) {
            Some(f) => f.column_as_written(line, column),
            None => column,
        };
        self.inlined
            .get(name)
            .and_then(|l| l.as_written(line, column))
            .unwrap_or((name, line, column))
    }
}

/// Adds the templates to `tera`, each plain partial written into the
/// templates that include it ([`inline`]) and each interface string that
/// cannot vary from page to page written in ([`fold`]). Returns what was
/// rewritten, by template, beside Tera's answer.
fn add_templates<'a>(
    tera: &mut tera::Tera,
    translate: &functions::Translate,
    templates: impl Iterator<Item = (&'a str, &'a str)>,
) -> (Rewrites, tera::TeraResult<()>) {
    let templates: Vec<(&str, &str)> = templates.collect();
    let by_name: HashMap<&str, &str> = templates.iter().copied().collect();
    let mut rewrites = Rewrites::default();
    // `RAPPORT_INLINE_PARTIALS=0` keeps every include as written: for
    // comparing the two (docs/performance.md), never needed to build.
    let inline_partials = std::env::var_os("RAPPORT_INLINE_PARTIALS").is_none_or(|v| v != "0");
    let texts: Vec<(&str, std::borrow::Cow<str>)> = templates
        .iter()
        .map(|&(name, text)| {
            let inlined = inline_partials
                .then(|| inline::inline(name, text, &by_name))
                .flatten();
            let text: std::borrow::Cow<str> = match inlined {
                Some(i) => {
                    rewrites.inlined.insert(name.to_string(), i.lines);
                    i.text.into()
                }
                None => text.into(),
            };
            match fold::fold(&text, |key| translate.one_form_text(key)) {
                Some(f) => {
                    rewrites.folds.insert(name.to_string(), f.folds);
                    (name, f.text.into())
                }
                None => (name, text),
            }
        })
        .collect();
    let result = tera.add_raw_templates(texts.iter().map(|(n, t)| (*n, t.as_ref())));
    (rewrites, result)
}

/// The template engine with rapport's functions and filters
/// (docs/themes.md, "Functions").
fn new_tera(
    strings: &std::sync::Arc<crate::strings::Strings>,
    translate: functions::Translate,
) -> tera::Tera {
    let mut tera = tera::Tera::new();
    tera.set_escape_fn(crate::markdown::html::escape_for_tera);
    tera.register_filter("safe", safe);
    tera.register_function("link_list", LinkList);
    tera.register_function("now", functions::Now(crate::dates::today()));
    tera.register_filter("date", functions::DateFilter(strings.clone()));
    tera.register_function("t", translate);
    tera.register_filter("plural", functions::plural);
    // Registered now so templates that call it load; the files it knows
    // come with `set_assets`, once the build knows what it publishes.
    tera.register_function("asset_url", functions::AssetUrl::default());
    tera
}

const FOOTNOTES: &str = "components/footnotes.html";

/// Whether the footnotes' words fold into the template as the built-in
/// writer fills them: strings of one form, with no place but the note's
/// number. Checked once, as the templates load.
fn footnote_words_fold(translate: &functions::Translate) -> bool {
    match (
        translate.one_form_text("notes"),
        translate.one_form_text("back_to_reference"),
    ) {
        (Some(notes), Some(back)) => {
            !notes.contains('{') && !back.replace("{number}", "").contains('{')
        }
        _ => false,
    }
}

/// Whether the site uses template `name` exactly as the default theme has it.
fn is_built_in(chosen: &BTreeMap<String, Chosen>, name: &str) -> bool {
    chosen.get(name).is_some_and(|t| {
        t.built_in || Some(t.text.as_str()) == theme::embedded_text(&format!("templates/{name}"))
    })
}

/// Where error messages say a built-in template comes from.
fn built_in_origin(name: &str) -> String {
    format!("(built-in theme)/templates/{name}")
}

/// Report components are written by `templates/components/<name>.html`,
/// with the component's view as the one variable (`callout`, `table`...),
/// beside the site-wide globals.
impl ComponentWriter for Templates {
    fn word(&self, key: &str) -> &str {
        self.translate.one_form_text(key).unwrap_or_default()
    }

    fn built_in_footnotes(&self) -> Option<FootnoteWords<'_>> {
        if !self.built_in_footnotes {
            return None;
        }
        Some(FootnoteWords {
            notes: self.translate.one_form_text("notes")?,
            back_to_reference: self.translate.one_form_text("back_to_reference")?,
        })
    }

    fn write(&self, view: &ComponentView, out: &mut String) -> Result<(), Diagnostic> {
        let mut ctx = tera::Context::new();
        ctx.insert(view.variable(), view);
        // Tera writes bytes, in many small pieces: they are checked to be
        // text once, as a whole, rather than piece by piece.
        let mut bytes = Vec::with_capacity(512);
        self.tera
            .render_to(view.template(), &ctx, &mut bytes)
            .map_err(|e| self.diagnostic(&e))?;
        match std::str::from_utf8(&bytes) {
            Ok(text) => out.push_str(text),
            // Tera writes only whole `str`s, so this cannot happen; were it
            // to, the text is kept rather than the page lost.
            Err(_) => out.push_str(&String::from_utf8_lossy(&bytes)),
        }
        Ok(())
    }
}

/// `{{ link_list(links=report.chapters, root=page.root, current=chapter.position) }}`:
/// one `<li><a href="ROOT URL">TITLE</a></li>` line per link (any list of
/// `{url, title}`), with `aria-current="page"` on the `current`-th (from 1;
/// leave `current` out to mark none). The same as this loop, which a theme
/// can still write if it wants other markup:
///
/// ```text
/// {% for c in links %}<li><a href="{{ root }}{{ c.url }}"{% if loop.index == current %} aria-current="page"{% endif %}>{{ c.title }}</a></li>
/// {% endfor %}
/// ```
///
/// Why in Rust: a chapter page lists every chapter of its report, so the
/// loop runs (pages × chapters per report) times, and on long reports it
/// was a large part of the whole build. Escaping the same titles again
/// on each of the report's pages was most of what was left, so each list is
/// escaped once per thread and kept ([`ListCache`]); a page then copies it,
/// with the current link's mark spliced in (docs/performance.md). mdBook
/// writes its sidebar with a Rust helper for the same reason.
struct LinkList;

impl tera::Function<tera::TeraResult<tera::Value>> for LinkList {
    fn call(&self, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<tera::Value> {
        let links: tera::Value = kwargs.must_get("links")?;
        let current: Option<usize> = kwargs.get("current")?;
        let root: &str = kwargs.get("root")?.unwrap_or("");
        if links.as_array().is_none() {
            return Err(tera::Error::message(
                "link_list: `links` must be a list of {url, title}",
            ));
        }
        LIST_CACHE.with_borrow_mut(|cache| {
            let list = cache.get(links, root)?;
            let mut out = String::with_capacity(list.html.len() + CURRENT.len());
            match current.and_then(|n| list.marks.get(n.wrapping_sub(1))) {
                Some(&at) => {
                    out.push_str(&list.html[..at]);
                    out.push_str(CURRENT);
                    out.push_str(&list.html[at..]);
                }
                None => out.push_str(&list.html),
            }
            Ok(tera::Value::safe_string(&out))
        })
    }

    fn is_safe(&self) -> bool {
        true
    }
}

const CURRENT: &str = " aria-current=\"page\"";

thread_local! {
    static LIST_CACHE: std::cell::RefCell<ListCache> = const {
        std::cell::RefCell::new(ListCache { lists: Vec::new() })
    };
}

/// The last few lists `link_list` wrote on this thread, as HTML with no link
/// marked current. Pages are rendered report by report on each thread, so a
/// handful of entries is enough; the oldest is dropped first.
///
/// A list is known by the address of its array. That is sound because an
/// entry holds the array's `Value`, a reference count on it: while the entry
/// lives, the array can neither be freed (so its address cannot be reused by
/// another list) nor changed in place (Tera's values are shared, so a change
/// copies first).
struct ListCache {
    lists: Vec<CachedList>,
}

struct CachedList {
    links: tera::Value,
    root: String,
    html: String,
    /// Where the mark goes in each link: just after its `href`'s closing quote.
    marks: Vec<usize>,
}

impl ListCache {
    const ENTRIES: usize = 8;

    fn get(&mut self, links: tera::Value, root: &str) -> tera::TeraResult<&CachedList> {
        let same_array = |a: &tera::Value, b: &tera::Value| match (a.as_array(), b.as_array()) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            _ => false,
        };
        let found = self
            .lists
            .iter()
            .position(|l| l.root == root && same_array(&l.links, &links));
        let index = match found {
            Some(i) => i,
            None => {
                if self.lists.len() == Self::ENTRIES {
                    self.lists.remove(0);
                }
                self.lists.push(CachedList::write(links, root)?);
                self.lists.len() - 1
            }
        };
        Ok(&self.lists[index])
    }
}

impl CachedList {
    fn write(links: tera::Value, root: &str) -> tera::TeraResult<CachedList> {
        let items = links.as_array().unwrap_or_default();
        let mut escaped_root = String::new();
        esc(&mut escaped_root, root);
        let mut html = String::with_capacity(items.len() * (escaped_root.len() + 80));
        let mut marks = Vec::with_capacity(items.len());
        for link in items {
            let (url, title) = url_and_title(link)?;
            html.push_str("<li><a href=\"");
            html.push_str(&escaped_root);
            esc(&mut html, url);
            html.push('"');
            marks.push(html.len());
            html.push('>');
            esc(&mut html, title);
            html.push_str("</a></li>\n");
        }
        Ok(CachedList {
            links,
            root: root.to_string(),
            html,
            marks,
        })
    }
}

/// Tera's `safe` filter, without the copy: the built-in one copies the
/// text into a new value, and `{{ chapter.html | safe }}` is the largest
/// value of every page (the print edition has a hundred). A text value is
/// marked safe where it is (it shares its text); anything else is written
/// out first, as the built-in filter does.
fn safe(value: tera::Value, _: tera::Kwargs, _: &tera::State) -> tera::Value {
    if value.as_str().is_some() {
        value.mark_safe()
    } else {
        tera::Value::safe_string(&value.to_string())
    }
}

/// A link's `url` and `title`, found in one pass over its few fields
/// (cheaper than a lookup by name for each).
fn url_and_title(link: &tera::Value) -> tera::TeraResult<(&str, &str)> {
    let (mut url, mut title) = (None, None);
    for (key, value) in link.as_map().into_iter().flatten() {
        match key.as_str() {
            Some("url") => url = value.as_str(),
            Some("title") => title = value.as_str(),
            _ => {}
        }
    }
    let missing =
        |name: &str| tera::Error::message(format!("link_list: every link needs a text `{name}`"));
    Ok((
        url.ok_or_else(|| missing("url"))?,
        title.ok_or_else(|| missing("title"))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, links: serde_json::Value) -> Result<String, tera::Error> {
        let mut tera = tera::Tera::new();
        tera.register_filter("safe", safe);
        tera.register_function("link_list", LinkList);
        tera.add_raw_template("t.html", template)?;
        let mut ctx = tera::Context::new();
        ctx.insert("links", &links);
        ctx.insert("other", &serde_json::json!([{"url": "z/", "title": "Z"}]));
        tera.render("t.html", &ctx)
    }

    #[test]
    fn link_list_marks_the_current_link_and_escapes_like_tera() {
        let links = serde_json::json!([
            {"url": "r/a/", "title": "Tom & Jerry's <b>"},
            {"url": "r/b/?x=\"1\"", "title": "Second"},
        ]);
        let fast = render(
            r#"{{ link_list(links=links, root="../../", current=2) }}"#,
            links.clone(),
        )
        .unwrap();
        // The loop it stands for, through Tera's own escaping.
        let slow = render(
            r#"{% for c in links %}<li><a href="{{ "../../" }}{{ c.url }}"{% if loop.index == 2 %} aria-current="page"{% endif %}>{{ c.title }}</a></li>
{% endfor %}"#,
            links,
        )
        .unwrap();
        assert_eq!(fast, slow);
        assert!(fast.contains("Tom &amp; Jerry&#39;s &lt;b&gt;"), "{fast}");
        assert_eq!(fast.matches("aria-current").count(), 1);
    }

    #[test]
    fn link_list_reuses_a_list_only_for_the_same_array_and_root() {
        // One context, so every call sees the same array: the second and
        // third calls come from the cache, and must still mark their own
        // link and keep their own root.
        let out = render(
            r#"{{ link_list(links=links, root="../", current=1) }}|{{ link_list(links=links, root="../", current=2) }}|{{ link_list(links=links, root="", current=2) }}|{{ link_list(links=other) }}"#,
            serde_json::json!([{"url": "a/", "title": "A"}, {"url": "b/", "title": "B"}]),
        )
        .unwrap();
        let parts: Vec<&str> = out.split('|').collect();
        assert_eq!(
            parts,
            [
                "<li><a href=\"../a/\" aria-current=\"page\">A</a></li>\n<li><a href=\"../b/\">B</a></li>\n",
                "<li><a href=\"../a/\">A</a></li>\n<li><a href=\"../b/\" aria-current=\"page\">B</a></li>\n",
                "<li><a href=\"a/\">A</a></li>\n<li><a href=\"b/\" aria-current=\"page\">B</a></li>\n",
                "<li><a href=\"z/\">Z</a></li>\n",
            ]
        );
    }

    #[test]
    fn link_list_without_current_marks_none() {
        let out = render(
            "{{ link_list(links=links) }}",
            serde_json::json!([{"url": "a/", "title": "A"}]),
        )
        .unwrap();
        assert_eq!(out, "<li><a href=\"a/\">A</a></li>\n");
    }

    #[test]
    fn link_list_refuses_links_that_are_not_a_list() {
        let err = render(
            "{{ link_list(links=links) }}",
            serde_json::json!({"url": "a/", "title": "A"}),
        )
        .unwrap_err();
        let text = format!("{err} {:?}", std::error::Error::source(&err));
        assert!(text.contains("`links` must be a list"), "{text}");
    }

    #[test]
    fn safe_writes_text_unescaped_and_other_values_as_text() {
        let mut tera = tera::Tera::new();
        tera.register_filter("safe", safe);
        tera.add_raw_template("t.html", "{{ html | safe }}|{{ n | safe }}|{{ html }}")
            .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("html", &"<b>Tom & Jerry</b>".repeat(40));
        ctx.insert("n", &3.5);
        let out = tera.render("t.html", &ctx).unwrap();
        let parts: Vec<&str> = out.split('|').collect();
        assert_eq!(parts[0], "<b>Tom & Jerry</b>".repeat(40));
        assert_eq!(parts[1], "3.5");
        // Marking one use safe leaves the value escaped elsewhere.
        assert!(
            parts[2].starts_with("&lt;b&gt;Tom &amp; Jerry"),
            "{}",
            parts[2]
        );
    }

    #[test]
    fn link_list_names_a_missing_field() {
        let err = render(
            "{{ link_list(links=links) }}",
            serde_json::json!([{"url": "a/"}]),
        )
        .unwrap_err();
        let text = format!("{err} {:?}", std::error::Error::source(&err));
        assert!(text.contains("every link needs a text `title`"), "{text}");
    }
}
