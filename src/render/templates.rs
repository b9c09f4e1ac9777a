//! The theme's templates, behind our own types so that Tera's API (which
//! changes between major versions) is confined to this file.
//!
//! Lookup order for a template name: the site's `templates/` folder, then
//! `themes/<theme>/templates/`, then the default theme compiled into the
//! binary. So a site overrides one template by adding one file, and a site
//! with no `themes/` folder at all still builds.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap, Span};
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
}

/// The variables of one page.
#[derive(Default)]
pub struct PageContext(tera::Context);

impl PageContext {
    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.0.insert(key, value);
    }

    pub fn insert_shared(&mut self, key: &'static str, value: &Shared) {
        self.0.insert_value(key, value.0.clone());
    }
}

pub struct Templates {
    tera: tera::Tera,
    /// Template name -> the file it came from, for error messages.
    origins: HashMap<String, String>,
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
        let mut chosen: BTreeMap<String, (String, String)> = BTreeMap::new();
        for (name, text) in theme::DEFAULT_TEMPLATES {
            chosen.insert(
                name.to_string(),
                (
                    text.to_string(),
                    format!("(built-in theme)/templates/{name}"),
                ),
            );
        }
        let theme_dir = format!("themes/{}", config.theme);
        if config.theme != DEFAULT_THEME && !fs.is_dir(&theme_dir) {
            diags.push(
                Diagnostic::error("no-theme", format!("theme `{}` not found", config.theme))
                    .config()
                    .in_file(crate::config::CONFIG_FILE)
                    .with_hint(format!("create {theme_dir}/templates/, or remove `theme:` to use the built-in theme")),
            );
            return None;
        }
        for dir in [vfs::join(&theme_dir, "templates"), "templates".to_string()] {
            for path in fs.walk(&dir) {
                if !(path.ends_with(".html") || path.ends_with(".xml")) {
                    continue;
                }
                let name = path[dir.len() + 1..].to_string();
                match fs.read_to_string(&path) {
                    Ok(text) => {
                        sources.insert(&path, text.as_str().into());
                        chosen.insert(name, (text, path));
                    }
                    Err(e) => diags.push(
                        Diagnostic::error("unreadable", format!("cannot read template: {e}"))
                            .config()
                            .in_file(path),
                    ),
                }
            }
        }
        let mut tera = tera::Tera::new();
        let origins: HashMap<String, String> = chosen
            .iter()
            .map(|(name, (_, origin))| (name.clone(), origin.clone()))
            .collect();
        for (text, origin) in chosen.values() {
            if origin.starts_with("(built-in") {
                sources.insert(origin, text.as_str().into());
            }
        }
        let result =
            tera.add_raw_templates(chosen.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())));
        let templates = Templates { tera, origins };
        if let Err(e) = result {
            diags.push(templates.diagnostic(&e));
            return None;
        }
        Some(templates)
    }

    /// Site-wide variables, set once (not copied into every page).
    pub fn set_global<T: Serialize>(&mut self, key: &'static str, value: &T) {
        self.tera.global_context().insert(key, value);
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    pub fn render(&self, name: &str, ctx: &PageContext) -> Result<String, Diagnostic> {
        self.tera
            .render(name, &ctx.0)
            .map_err(|e| self.diagnostic(&e))
    }

    fn diagnostic(&self, e: &tera::Error) -> Diagnostic {
        let base = Diagnostic::error("template", String::new()).config();
        match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let origin = self
                    .origins
                    .get(r.filename())
                    .cloned()
                    .unwrap_or_else(|| r.filename().to_string());
                let s = r.span();
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
                            line: s.start_line as u32,
                            column: s.start_col as u32 + 1,
                        },
                        end: crate::diagnostics::Position {
                            line: s.end_line as u32,
                            column: s.end_col as u32 + 1,
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
