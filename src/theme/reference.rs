//! The theme API as data: what each template receives and the fields of
//! each view, read from the tables of `docs/themes.md`.
//!
//! Why the documentation is the source: a theme author reads the tables,
//! so they must be right, and one list kept in two places drifts. The tests
//! (`tests/it/theme_reference.rs`) compare these tables with the variables
//! a real build gives its templates, both ways; `rapport theme check` uses
//! them to find a template that names a field that does not exist.
//!
//! A table follows a marker line `<!-- view: NAME -->` (or
//! `<!-- view: NAME extends OTHER -->` for a view with all of OTHER's fields
//! too) and has the columns `field | type | example | meaning`. The marker
//! `<!-- view: templates -->` marks the table of templates, whose third
//! column lists `name: type` pairs.

use std::collections::BTreeMap;

/// The reference as shipped with this binary.
pub const THEMES_MD: &str = include_str!("../../docs/themes.md");

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Text,
    Number,
    Bool,
    /// Markup, inserted with `| safe`.
    Html,
    /// An object with the fields of the named view.
    View(String),
    List(Box<Type>),
    /// May be null.
    Optional(Box<Type>),
}

impl Type {
    /// `text`, `list of chapter_link`, `pdf_link or null`, ...
    pub fn parse(text: &str) -> Result<Type, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix(" or null") {
            return Ok(Type::Optional(Box::new(Type::parse(inner)?)));
        }
        if let Some(inner) = text.strip_prefix("list of ") {
            return Ok(Type::List(Box::new(Type::parse(inner)?)));
        }
        Ok(match text {
            "text" => Type::Text,
            "number" => Type::Number,
            "true/false" => Type::Bool,
            "html" => Type::Html,
            name if !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                Type::View(name.to_string())
            }
            other => return Err(format!("`{other}` is not a type")),
        })
    }

    /// The type with any `or null` taken off.
    pub fn required(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner.required(),
            t => t,
        }
    }
}

#[derive(Debug, Default)]
pub struct View {
    /// Field name -> type, inherited fields included.
    pub fields: BTreeMap<String, Type>,
}

#[derive(Debug, Default)]
pub struct Reference {
    pub views: BTreeMap<String, View>,
    /// Template name -> its variables (besides `site`, which every template
    /// has), with their types.
    pub templates: BTreeMap<String, BTreeMap<String, Type>>,
}

impl Reference {
    /// The reference of this binary's docs/themes.md.
    pub fn shipped() -> Reference {
        Reference::parse(THEMES_MD).expect("docs/themes.md's tables are checked by the tests")
    }

    /// Reads every marked table of `markdown`. Errors name the line.
    pub fn parse(markdown: &str) -> Result<Reference, String> {
        let mut reference = Reference::default();
        let mut extends: Vec<(String, String)> = Vec::new();
        let lines: Vec<&str> = markdown.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let Some(marker) = lines[i]
                .trim()
                .strip_prefix("<!-- view:")
                .and_then(|m| m.strip_suffix("-->"))
            else {
                i += 1;
                continue;
            };
            let marker_line = i + 1;
            let mut words = marker.split_whitespace();
            let name = words
                .next()
                .ok_or(format!("line {marker_line}: a view marker needs a name"))?;
            if let (Some("extends"), Some(parent)) = (words.next(), words.next()) {
                extends.push((name.to_string(), parent.to_string()));
            }
            i += 1;
            let rows = table_rows(&lines, &mut i);
            if rows.is_empty() {
                return Err(format!("line {marker_line}: no table after the marker"));
            }
            if name == "templates" {
                for (line, cells) in rows {
                    let template = unquote(cells.first().map(String::as_str).unwrap_or(""));
                    let vars = cells
                        .get(2)
                        .ok_or(format!("line {line}: a template row has three columns"))?;
                    let mut map = BTreeMap::new();
                    for pair in vars.split(", ").filter(|p| !p.trim().is_empty()) {
                        let (var, ty) = unquote(pair)
                            .split_once(": ")
                            .map(|(v, t)| (v.to_string(), t.to_string()))
                            .ok_or(format!("line {line}: write each variable as `name: type`"))?;
                        map.insert(
                            var,
                            Type::parse(&ty).map_err(|e| format!("line {line}: {e}"))?,
                        );
                    }
                    reference.templates.insert(template.to_string(), map);
                }
            } else {
                let view = reference.views.entry(name.to_string()).or_default();
                for (line, cells) in rows {
                    if cells.len() != 4 {
                        return Err(format!(
                            "line {line}: a view's table has four columns: field, type, example, meaning"
                        ));
                    }
                    let field = unquote(&cells[0]).to_string();
                    let ty = Type::parse(&cells[1]).map_err(|e| format!("line {line}: {e}"))?;
                    if view.fields.insert(field.clone(), ty).is_some() {
                        return Err(format!(
                            "line {line}: `{field}` is listed twice in `{name}`"
                        ));
                    }
                }
            }
        }
        for (child, parent) in extends {
            let inherited = reference
                .views
                .get(&parent)
                .ok_or(format!("`{child}` extends `{parent}`, which has no table"))?
                .fields
                .clone();
            let view = reference.views.get_mut(&child).expect("parsed above");
            for (field, ty) in inherited {
                view.fields.entry(field).or_insert(ty);
            }
        }
        reference.check_names()?;
        Ok(reference)
    }

    /// Every view a type names has a table.
    fn check_names(&self) -> Result<(), String> {
        let mut named = Vec::new();
        for view in self.views.values() {
            named.extend(view.fields.values());
        }
        for vars in self.templates.values() {
            named.extend(vars.values());
        }
        for ty in named {
            let mut t = ty;
            loop {
                match t {
                    Type::List(inner) | Type::Optional(inner) => t = inner,
                    Type::View(name) if !self.views.contains_key(name) => {
                        return Err(format!("the type `{name}` has no table"));
                    }
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// The variables of `template`, `site` included; `None` for a template
    /// the table does not list (a partial sees its includer's variables).
    pub fn variables(&self, template: &str) -> Option<BTreeMap<String, Type>> {
        let mut vars = self.templates.get(template)?.clone();
        vars.insert("site".into(), Type::View("site".into()));
        Some(vars)
    }
}

/// The body rows of the table starting at `lines[*i]` (blank lines before
/// it skipped), as (line number, cells); `*i` ends after the table.
fn table_rows(lines: &[&str], i: &mut usize) -> Vec<(usize, Vec<String>)> {
    while *i < lines.len() && lines[*i].trim().is_empty() {
        *i += 1;
    }
    let mut rows = Vec::new();
    let mut row = 0;
    while *i < lines.len() && lines[*i].trim_start().starts_with('|') {
        // The header and the `---` line are not fields.
        if row >= 2 {
            let cells = lines[*i]
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect();
            rows.push((*i + 1, cells));
        }
        row += 1;
        *i += 1;
    }
    rows
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('`')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_reference_parses_and_names_every_page_template() {
        let r = Reference::parse(THEMES_MD).unwrap();
        for t in ["index.html", "chapter.html", "print.html", "404.html"] {
            assert!(r.templates.contains_key(t), "{t}");
        }
        let chapter = r.variables("chapter.html").unwrap();
        assert_eq!(
            chapter["prev"],
            Type::Optional(Box::new(Type::View("chapter_link".into())))
        );
        assert_eq!(chapter["site"], Type::View("site".into()));
        // `report` has its summary's fields too.
        assert!(r.views["report"].fields.contains_key("published_display"));
        assert!(r.views["report"].fields.contains_key("chapters"));
    }

    #[test]
    fn a_type_naming_no_table_is_an_error() {
        let md = "<!-- view: a -->\n| field | type | example | meaning |\n| --- | --- | --- | --- |\n| `b` | list of nothing_here | | |\n";
        let err = Reference::parse(md).unwrap_err();
        assert!(err.contains("nothing_here"), "{err}");
    }
}
