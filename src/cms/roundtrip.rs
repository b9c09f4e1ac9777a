//! Putting an editor's save back into the file it came from without damage.
//!
//! The editor sends the whole entry as text it wrote itself: every comment
//! gone, keys in its own order, its own quoting. Written as it is, a save
//! of an unchanged entry would rewrite the whole file. So the save is read
//! as data, compared with the file on disk, and only what changed is
//! rewritten in the original text:
//!
//! - a changed value is written over the old one, in the old one's style
//!   (plain, quoted, a `|` block) where the new text allows it;
//! - a new key, or a new item at the end of a list (a progress update), is
//!   copied from the editor's text, indented as its neighbours are;
//! - items removed from the end of a list are removed;
//! - a key the editor left out is kept: the editor leaves out what it has
//!   no field for, which is not the same as someone deleting it;
//! - a Markdown body that changed is replaced, an unchanged one is kept.
//!
//! What cannot be spliced (a value that changes from text to a list, a
//! list reordered in the middle, YAML anchors) is written in canonical
//! form: the editor's own text, or for a file that is a list at the top,
//! rapport's ([`super::emit`]). The spliced text is read back and compared
//! with what the editor sent; if they differ, the canonical form is used,
//! so a save never says something other than what the editor asked.

use std::ops::Range;

use serde_json::Value;

use crate::yaml::tree::{Node, Style};

/// Which way a file was written back.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// Only the changed values were rewritten (or nothing).
    Spliced,
    /// The canonical form: comments and layout were not kept.
    Canonical,
}

/// The name under which a YAML file that is a list at its top is shown
/// to Decap, which cannot edit such a file (decap-cms issue 531).
pub const ROOT_LIST: &str = "items";

/// The text of `old` (a file of the site at `path`) with what changed in
/// `new` (the editor's text of the same file).
pub fn merge(path: &str, old: &str, new: &str) -> (String, Written) {
    if path.ends_with(".md") {
        return merge_markdown(old, new);
    }
    if !(path.ends_with(".yaml") || path.ends_with(".yml")) {
        return (new.to_string(), Written::Canonical);
    }
    let (Ok(Some(old_root)), Ok(Some(new_root))) =
        (crate::yaml::tree::parse(old), crate::yaml::tree::parse(new))
    else {
        return (new.to_string(), Written::Canonical);
    };
    // A list at the top, shown to Decap as `items:`.
    if let (Node::Seq { .. }, Some(items)) = (&old_root, new_root.get(ROOT_LIST))
        && matches!(new_root, Node::Map { .. })
    {
        return match splice(old, &old_root, new, items) {
            Some(text) => (text, Written::Spliced),
            None => (super::emit::document(&items.to_json()), Written::Canonical),
        };
    }
    match splice(old, &old_root, new, &new_root) {
        Some(text) => (text, Written::Spliced),
        None => (new.to_string(), Written::Canonical),
    }
}

/// A YAML file that is a list at its top, as Decap is shown it: the list
/// under `items:`, every line indented by two spaces.
pub fn wrap_root_list(text: &str) -> Option<String> {
    let root = crate::yaml::tree::parse(text).ok()??;
    if !matches!(root, Node::Seq { flow: false, .. }) {
        return None;
    }
    let mut out = format!("{ROOT_LIST}:\n");
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.push_str("  ");
        }
        out.push_str(line);
    }
    Some(out)
}

/// A Markdown file: front matter merged as YAML, the body kept when it
/// says the same.
fn merge_markdown(old: &str, new: &str) -> (String, Written) {
    let (Some((old_yaml, _, old_body_at)), Some((new_yaml, _, new_body_at))) = (
        crate::yaml::split_front_matter(old),
        crate::yaml::split_front_matter(new),
    ) else {
        return (new.to_string(), Written::Canonical);
    };
    let old_yaml_at = old_yaml.as_ptr() as usize - old.as_ptr() as usize;
    let (Ok(Some(old_root)), Ok(Some(new_root))) = (
        crate::yaml::tree::parse(old_yaml),
        crate::yaml::tree::parse(new_yaml),
    ) else {
        return (new.to_string(), Written::Canonical);
    };
    let Some(front) = splice(old_yaml, &old_root, new_yaml, &new_root) else {
        return (new.to_string(), Written::Canonical);
    };
    let old_body = &old[old_body_at..];
    let new_body = &new[new_body_at..];
    let body = if old_body.trim() == new_body.trim() {
        old_body.to_string()
    } else {
        let mut b = new_body.trim_start_matches('\n').to_string();
        // Keep the blank line the author left after the front matter.
        if old_body.starts_with('\n') {
            b.insert(0, '\n');
        }
        if old_body.ends_with('\n') && !b.ends_with('\n') {
            b.push('\n');
        }
        b
    };
    let closing = &old[old_yaml_at + old_yaml.len()..old_body_at];
    (
        format!("{}{front}{closing}{body}", &old[..old_yaml_at]),
        Written::Spliced,
    )
}

/// `old_text` with the changes `new` makes to `old`, or `None` when they
/// cannot be spliced.
fn splice(old_text: &str, old: &Node, new_text: &str, new: &Node) -> Option<String> {
    let mut edits = Vec::new();
    let cx = Cx { old_text, new_text };
    cx.node(old, new, 0, &mut edits).ok()?;
    if edits.is_empty() {
        return Some(old_text.to_string());
    }
    edits.sort_by_key(|(r, _)| std::cmp::Reverse((r.start, r.end)));
    let mut out = old_text.to_string();
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    // Read back: the spliced file must say what the editor sent.
    let back = crate::yaml::tree::parse(&out).ok()??;
    same(&back, new).then_some(out)
}

struct Cx<'a> {
    old_text: &'a str,
    new_text: &'a str,
}

type Edits = Vec<(Range<usize>, String)>;

impl Cx<'_> {
    /// `indent`: the column a block value under this node must be indented
    /// past (its key's column, or its list dash's).
    fn node(&self, old: &Node, new: &Node, indent: usize, edits: &mut Edits) -> Result<(), ()> {
        if same(old, new) {
            return Ok(());
        }
        match (old, new) {
            (Node::Scalar { .. }, Node::Scalar { .. }) => {
                edits.push((old.range(), self.scalar(old, new, indent)));
                Ok(())
            }
            (
                Node::Map {
                    flow: false,
                    entries,
                    ..
                },
                Node::Map {
                    entries: new_entries,
                    ..
                },
            ) => self.map(old, entries, new_entries, edits),
            (Node::Seq { flow: true, .. }, Node::Seq { items, .. })
                if items.iter().all(|i| matches!(i, Node::Scalar { .. })) =>
            {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| super::emit::text(i.as_str().unwrap_or_default()))
                    .collect();
                edits.push((old.range(), format!("[{}]", items.join(", "))));
                Ok(())
            }
            (
                Node::Seq {
                    flow: false, items, ..
                },
                Node::Seq {
                    items: new_items, ..
                },
            ) => self.list(old, items, new_items, edits),
            _ => Err(()),
        }
    }

    fn map(
        &self,
        old: &Node,
        entries: &[(Node, Node)],
        new_entries: &[(Node, Node)],
        edits: &mut Edits,
    ) -> Result<(), ()> {
        let key_col = column(self.old_text, entries.first().ok_or(())?.0.range().start);
        for (k, nv) in new_entries {
            let key = k.as_str().ok_or(())?;
            match entries.iter().find(|(ok, _)| ok.as_str() == Some(key)) {
                Some((_, ov)) => self.node(ov, nv, key_col, edits)?,
                None if is_empty(nv) => {}
                None => {
                    let from = k.range().start;
                    let piece = self.copied(from, nv.range().end, key_col);
                    let at = after_line(self.old_text, old.range().end);
                    edits.push((at..at, self.line(at, &piece, key_col)));
                }
            }
        }
        Ok(())
    }

    fn list(
        &self,
        old: &Node,
        items: &[Node],
        new_items: &[Node],
        edits: &mut Edits,
    ) -> Result<(), ()> {
        let first = items.first().ok_or(())?;
        let dash_col = column(
            self.old_text,
            dash(self.old_text, first.range().start).ok_or(())?,
        );
        for (o, n) in items.iter().zip(new_items) {
            self.node(o, n, dash_col + 1, edits)?;
        }
        let end = after_line(self.old_text, old.range().end);
        if new_items.len() > items.len() {
            let mut added = String::new();
            for n in &new_items[items.len()..] {
                let from = dash(self.new_text, n.range().start).ok_or(())?;
                added.push_str(&self.line(
                    end,
                    &self.copied(from, n.range().end, dash_col),
                    dash_col,
                ));
            }
            edits.push((end..end, added));
        } else if new_items.len() < items.len() {
            let from = line_start(
                self.old_text,
                dash(self.old_text, items[new_items.len()].range().start).ok_or(())?,
            );
            edits.push((from..end, String::new()));
        }
        Ok(())
    }

    /// A piece of the editor's text, its lines after the first moved to
    /// the column the old text uses.
    fn copied(&self, from: usize, to: usize, col: usize) -> String {
        let new_col = column(self.new_text, from);
        let piece = &self.new_text[from..to];
        let mut out = String::new();
        for (i, line) in piece.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
                if !line.trim().is_empty() {
                    let stripped = line
                        .get(new_col.min(leading_spaces(line))..)
                        .unwrap_or(line);
                    out.push_str(&" ".repeat(col));
                    out.push_str(stripped);
                }
            } else {
                out.push_str(line);
            }
        }
        out
    }

    /// A whole line to insert at `at` (a line start, or the end of a text
    /// without a last line break).
    fn line(&self, at: usize, piece: &str, col: usize) -> String {
        let lead = if at > 0 && !self.old_text[..at].ends_with('\n') {
            "\n"
        } else {
            ""
        };
        let piece = piece.trim_end_matches('\n');
        format!("{lead}{}{piece}\n", " ".repeat(col))
    }

    /// The new scalar, written as the old one was where that can say it.
    fn scalar(&self, old: &Node, new: &Node, indent: usize) -> String {
        let Node::Scalar { style, range, .. } = old else {
            return String::new();
        };
        let value = match new.to_json() {
            Value::String(s) => s,
            _ => String::new(),
        };
        let was = &self.old_text[range.clone()];
        match style {
            Style::Literal | Style::Folded => {
                let content_indent = was
                    .lines()
                    .skip(1)
                    .find(|l| !l.trim().is_empty())
                    .map_or(indent + 2, leading_spaces);
                let mut out = super::emit::literal(&value, content_indent);
                if was.ends_with('\n') {
                    out.push('\n');
                }
                out
            }
            _ if value.contains('\n') => super::emit::literal(&value, indent + 2),
            _ if new.to_json().is_null() => String::new(),
            Style::SingleQuoted => format!("'{}'", value.replace('\'', "''")),
            Style::DoubleQuoted => serde_json::to_string(&value).unwrap_or_default(),
            Style::Plain => super::emit::text(&value),
        }
    }
}

/// Whether two nodes say the same, as rapport reads them: a key the new
/// one leaves out, or gives an empty value the old one does not have, says
/// nothing; a date the editor wrote as a timestamp is the same date; one
/// lead written alone is the same as a list of one.
pub fn same(old: &Node, new: &Node) -> bool {
    match (old, new) {
        (Node::Scalar { .. }, Node::Scalar { .. }) => {
            scalar_text(&old.to_json()) == scalar_text(&new.to_json())
        }
        (Node::Scalar { .. }, Node::Seq { items, .. }) => {
            items.len() == 1 && same(old, &items[0]) || items.is_empty() && old.to_json().is_null()
        }
        (
            Node::Map { entries, .. },
            Node::Map {
                entries: new_entries,
                ..
            },
        ) => new_entries.iter().all(|(k, nv)| {
            match entries.iter().find(|(ok, _)| ok.as_str() == k.as_str()) {
                Some((_, ov)) => same(ov, nv),
                None => is_empty(nv),
            }
        }),
        (
            Node::Seq { items, .. },
            Node::Seq {
                items: new_items, ..
            },
        ) => items.len() == new_items.len() && items.iter().zip(new_items).all(|(a, b)| same(a, b)),
        _ => false,
    }
}

/// A scalar's text for comparing: a timestamp at midnight is its date.
fn scalar_text(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    let date_part = s
        .get(..10)
        .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-');
    if let Some(d) = date_part
        && let Some(rest) = s.get(10..)
        && (rest.starts_with("T00:00:00") || rest.starts_with(" 00:00:00"))
    {
        return Some(d.to_string());
    }
    Some(s.to_string())
}

/// A value the editor writes for a field left empty.
fn is_empty(n: &Node) -> bool {
    match n.to_json() {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

fn column(text: &str, at: usize) -> usize {
    text[line_start(text, at)..at].chars().count()
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Where the line holding `at` ends, after its line break; `at` itself
/// when it already starts a line.
fn after_line(text: &str, at: usize) -> usize {
    if at == 0 || text[..at].ends_with('\n') {
        return at;
    }
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// The `-` of the block list item whose value starts at `at`.
fn dash(text: &str, at: usize) -> Option<usize> {
    let before = text[..at].trim_end_matches([' ', '\n']);
    before.ends_with('-').then(|| before.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ITEM: &str = "---\n# The lead changed in 2021.\nnumber: 1\ntitle: Gather data # short\nlead: [Commission, VRU]\nresponses:\n  - date: 2020-11-30\n    status: in progress\n    text: |\n      Begun.\n---\nThe text.\n";

    #[test]
    fn a_changed_status_keeps_comments_and_layout() {
        let new = "---\nnumber: 1\ntitle: Gather data\nlead:\n  - Commission\n  - VRU\nresponses:\n  - date: 2020-11-30\n    status: implemented\n    text: |\n      Begun.\n---\nThe text.\n";
        let (text, how) = merge("content/r/recommendations/01.md", ITEM, new);
        assert_eq!(how, Written::Spliced);
        assert_eq!(text, ITEM.replace("in progress", "implemented"));
    }

    #[test]
    fn a_new_progress_update_is_added_at_the_end_of_the_list() {
        let new = "---\nnumber: 1\ntitle: Gather data\nlead: [Commission, VRU]\nresponses:\n  - date: 2020-11-30\n    status: in progress\n    text: |\n      Begun.\n  - date: 2021-03-31T00:00:00.000Z\n    status: implemented\n    text: \"Done: all of it.\"\n---\nThe text.\n";
        let (text, how) = merge("content/r/recommendations/01.md", ITEM, new);
        assert_eq!(how, Written::Spliced, "{text}");
        assert!(
            text.starts_with("---\n# The lead changed in 2021.\n"),
            "{text}"
        );
        assert!(
            text.contains("      Begun.\n  - date: 2021-03-31T00:00:00.000Z\n    status: implemented\n    text: \"Done: all of it.\"\n---\n"),
            "{text}"
        );
    }

    #[test]
    fn an_unchanged_save_changes_no_byte() {
        let new = "---\nnumber: 1\ntitle: Gather data\nlead:\n  - Commission\n  - VRU\nresponses:\n  - date: 2020-11-30T00:00:00.000Z\n    status: in progress\n    text: |\n      Begun.\n---\n\nThe text.";
        assert_eq!(
            merge("x.md", ITEM, new),
            (ITEM.to_string(), Written::Spliced)
        );
    }

    #[test]
    fn changed_text_in_a_block_keeps_its_block_and_what_follows() {
        let new = ITEM.replace(
            "      Begun.\n",
            "      Begun in May.\n\n      Half done by June.\n",
        );
        let decap = new.replace("lead: [Commission, VRU]", "lead:\n  - Commission\n  - VRU");
        let (text, how) = merge("x.md", ITEM, &decap);
        assert_eq!(how, Written::Spliced);
        assert_eq!(text, new);
        // A folded block (`>`) that changed is written as a literal one.
        let old = "- number: 1\n  text: >\n    Note the\n    paper.\n  theme: Governance\n";
        let (text, _) = merge(
            "r.yaml",
            old,
            &wrap_root_list(&old.replace("the\n    paper", "the\n    report")).unwrap(),
        );
        assert_eq!(
            text,
            "- number: 1\n  text: |\n    Note the report.\n  theme: Governance\n"
        );
    }

    #[test]
    fn a_list_at_the_top_is_shown_under_items_and_put_back() {
        let old = "# Board decisions\n- number: 1\n  title: Note it # as asked\n  text: >\n    The board notes.\n";
        let wrapped = wrap_root_list(old).unwrap();
        assert!(wrapped.starts_with("items:\n  # Board decisions\n  - number: 1\n"));
        let (same_text, _) = merge("r/recommendations.yaml", old, &wrapped);
        assert_eq!(same_text, old);
        let changed = wrapped.replace("Note it", "Note the paper");
        let (text, how) = merge("r/recommendations.yaml", old, &changed);
        assert_eq!(how, Written::Spliced);
        assert_eq!(text, old.replace("Note it", "Note the paper"));
    }
}
