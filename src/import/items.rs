//! Recommendations and actions in a Word document, recognised as tracker
//! items (`recommendations.yaml`) where the document's own wording makes
//! them plain.
//!
//! A report's recommendations are what its readers follow up, quarter by
//! quarter; left as prose they cannot carry a status. Three shapes are
//! recognised, because they are how reports set them out:
//! - headings that say "Recommendation 3: …" or "Action A1 – …", each
//!   followed by the item's words;
//! - a numbered list under a heading named "Recommendations" or "Actions";
//! - a table (a "Summary of actions") with a column of actions or
//!   recommendations and a column of leads, rows of one cell naming the
//!   theme of the rows below.
//!
//! Anything less certain (a bulleted list under such a heading, a table
//! without a lead column) stays as text, with a note in the import report.
//! The items' words move out of the chapter into the file, so they are
//! kept in one place; the chapter lists them where they were.

use std::fmt::Write;

use super::docx::{self, Block};

/// Which word the document uses for its items.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Kind {
    Recommendation,
    Action,
}

impl Kind {
    fn from_word(word: &str) -> Option<Kind> {
        match word.to_lowercase().trim_end_matches('s') {
            "recommendation" => Some(Kind::Recommendation),
            "action" => Some(Kind::Action),
            _ => None,
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Recommendation => "recommendations",
            Kind::Action => "actions",
        }
    }
}

/// One recognised item, as `recommendations.yaml` will hold it.
#[derive(Debug, Default, PartialEq)]
pub struct Item {
    pub number: String,
    pub title: String,
    /// Markdown.
    pub text: String,
    pub lead: Vec<String>,
    pub theme: Option<String>,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub due: Option<String>,
    pub status: Option<String>,
}

/// What happens to one block of a chapter.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Keep {
    /// Written as text.
    Text,
    /// The first block of run `n` of items: the list of them is written in
    /// its place.
    Run(usize),
    /// Part of an item: its words are in the item.
    Taken,
}

/// A place in the document where items were found.
struct Run {
    numbers: Vec<String>,
    /// A table's caption or heading, for the list written in its place.
    caption: Option<String>,
    table: bool,
}

/// The items found across the document, in the order first met.
#[derive(Default)]
pub struct Found {
    pub kind: Option<Kind>,
    pub items: Vec<Item>,
    runs: Vec<Run>,
    /// What was left as text, or changed, and why: for the import report.
    pub notes: Vec<String>,
    /// How many items' titles were made from their first words, the
    /// document giving none.
    pub made_titles: usize,
}

/// The statuses rapport knows by default (`status.rs`), which a status
/// column's cell may name.
const STATUSES: &[&str] = &[
    "not started",
    "in progress",
    "implemented",
    "partly implemented",
    "not achieved",
    "superseded",
    "carried forward",
];

impl Found {
    /// Decides what happens to each of a chapter's blocks (each with its
    /// caption, as `with_captions` pairs them), taking the items it holds.
    /// The chapter's own heading, `title`, may name its list of items.
    pub fn take(&mut self, title: &str, blocks: &[(&Block, Option<&str>)]) -> Vec<Keep> {
        let mut keep = vec![Keep::Text; blocks.len()];
        let mut i = 0;
        while i < blocks.len() {
            let listed = if i == 0 {
                self.listed_items(blocks, 0, title)
            } else {
                None
            };
            let taken = match blocks[i] {
                _ if listed.is_some() => listed,
                (Block::Heading { level, text }, _) => self
                    .headed_items(blocks, i, *level, text)
                    .or_else(|| self.listed_items(blocks, i + 1, &docx::plain(text))),
                (Block::Table(rows), caption) => self.table_items(i, rows, caption),
                _ => None,
            };
            match taken {
                Some((start, end)) => {
                    keep[start] = Keep::Run(self.runs.len() - 1);
                    for k in &mut keep[start + 1..end] {
                        *k = Keep::Taken;
                    }
                    i = end;
                }
                None => i += 1,
            }
        }
        keep
    }

    /// Whether a block naming items of `kind` can be taken: a report has
    /// one kind of item, the first the document shows.
    fn accepts(&mut self, kind: Kind, what: &str) -> bool {
        match self.kind {
            None => {
                self.kind = Some(kind);
                true
            }
            Some(k) if k == kind => true,
            Some(k) => {
                self.notes.push(format!(
                    "{what} stays as text: the report's items are {} (a report has one kind of item)",
                    k.plural()
                ));
                false
            }
        }
    }

    /// "Recommendation 3: Title" headings from `blocks[at]`, each with the
    /// blocks up to the next heading as its words. Returns the blocks taken.
    fn headed_items(
        &mut self,
        blocks: &[(&Block, Option<&str>)],
        at: usize,
        level: u8,
        text: &str,
    ) -> Option<(usize, usize)> {
        let (kind, _, _) = item_heading(&docx::plain(text))?;
        if !self.accepts(kind, &format!("The heading \"{}\"", docx::plain(text))) {
            return None;
        }
        let mut numbers = Vec::new();
        let mut i = at;
        while let Some((Block::Heading { level: l, text }, _)) = blocks.get(i) {
            let Some((k, number, title)) = item_heading(&docx::plain(text)) else {
                break;
            };
            if *l != level || k != kind {
                break;
            }
            let mut body = Vec::new();
            i += 1;
            while let Some((
                b @ (Block::Paragraph(_)
                | Block::Numbered(_)
                | Block::Item { .. }
                | Block::Quote(_)),
                _,
            )) = blocks.get(i)
            {
                body.push(*b);
                i += 1;
            }
            let text = markdown(&body);
            let title = if title.is_empty() {
                self.made_titles += 1;
                first_words(&text)
            } else {
                title
            };
            self.add_words(&mut numbers, number, title, text);
        }
        self.end_run(numbers, None, false);
        Some((at, i))
    }

    /// A numbered list under a heading named "Recommendations" or
    /// "Actions" (paragraphs between them stay as text).
    fn listed_items(
        &mut self,
        blocks: &[(&Block, Option<&str>)],
        after: usize,
        heading: &str,
    ) -> Option<(usize, usize)> {
        let kind = items_heading(heading)?;
        let mut start = after;
        while let Some((Block::Paragraph(_), _)) = blocks.get(start) {
            start += 1;
        }
        let top = match blocks.get(start) {
            Some((
                Block::Item {
                    ordered: true,
                    depth,
                    ..
                },
                _,
            )) => *depth,
            Some((Block::Item { ordered: false, .. }, _)) => {
                self.notes.push(format!(
                    "The bulleted list under \"{heading}\" stays as text: number its items in Word (or list them in recommendations.yaml) to make them tracker items"
                ));
                return None;
            }
            _ => return None,
        };
        if !self.accepts(kind, &format!("The list under \"{heading}\"")) {
            return None;
        }
        let mut numbers = Vec::new();
        let mut i = start;
        let mut position = self.items.len();
        while let Some((
            Block::Item {
                ordered,
                depth,
                text,
            },
            _,
        )) = blocks.get(i)
        {
            if *depth < top || (*depth == top && !ordered) {
                break;
            }
            // The item's own list: everything deeper, up to the next item.
            let mut body = vec![blocks[i].0];
            let first = text;
            i += 1;
            while let Some((b @ Block::Item { depth: d, .. }, _)) = blocks.get(i) {
                if *d <= top {
                    break;
                }
                body.push(*b);
                i += 1;
            }
            position += 1;
            let (number, rest) = match numbered_text(first) {
                Some((k, n, rest)) if k == kind => (n, rest),
                _ => (position.to_string(), first.clone()),
            };
            let mut words = rest.trim().to_string();
            for b in &body[1..] {
                if let Block::Item {
                    ordered,
                    depth,
                    text,
                } = b
                {
                    let indent = "    ".repeat((depth - top - 1) as usize);
                    let marker = if *ordered { "1." } else { "-" };
                    let _ = write!(words, "\n\n{indent}{marker} {text}");
                }
            }
            let (title, text) = self.titled(&words);
            self.add_words(&mut numbers, number, title, text);
        }
        self.end_run(numbers, None, false);
        Some((start, i))
    }

    /// A table with a column of actions (or recommendations) and one of
    /// leads: each row an item, a row of one cell the theme of those below.
    fn table_items(
        &mut self,
        at: usize,
        rows: &[Vec<String>],
        caption: Option<&str>,
    ) -> Option<(usize, usize)> {
        let columns = Columns::of(rows.first()?)?;
        let caption_text = caption.map(docx::plain);
        let what = match &caption_text {
            Some(c) => format!("The table \"{c}\""),
            None => "A table of actions".to_string(),
        };
        if !self.accepts(columns.kind, &what) {
            return None;
        }
        let mut numbers = Vec::new();
        let mut theme = None;
        for row in &rows[1..] {
            let cells: Vec<String> = row.iter().map(|c| docx::plain(c)).collect();
            let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
            // A row with one cell, not the item's own, names a theme.
            let no_item = cells.get(columns.text).is_none_or(|c| c.is_empty());
            if filled.len() == 1 && no_item {
                theme = Some(filled[0].clone());
                continue;
            }
            let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).map(|c| c.trim().to_string());
            let Some(words) = cell(Some(columns.text)).filter(|w| !w.is_empty()) else {
                continue;
            };
            let stated = cell(columns.number)
                .map(|n| docx::plain(&n))
                .filter(|n| !n.is_empty());
            let (number, words) = match (stated, numbered_text(&words)) {
                (Some(n), _) => (n.trim_end_matches('.').to_string(), words),
                (None, Some((_, n, rest))) => (n, rest),
                (None, None) => ((self.items.len() + 1).to_string(), words),
            };
            let (title, text) = self.titled(&words);
            let lead = cell(columns.lead)
                .map(|l| {
                    docx::plain(&l.replace("  \n", ";"))
                        .split(';')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let due = cell(columns.due)
                .map(|d| docx::plain(&d))
                .filter(|d| !d.is_empty());
            let due = due.and_then(|d| {
                let parsed = due_date(&d);
                if parsed.is_none() {
                    self.notes.push(format!(
                        "Item {number}'s due date \"{d}\" is not a date rapport reads (2026-03-31, March 2026 or 2026): write it as one in recommendations.yaml"
                    ));
                }
                parsed
            });
            let status = cell(columns.status)
                .map(|s| docx::plain(&s))
                .filter(|s| !s.is_empty());
            let status = status.and_then(|s| {
                let key = s.to_lowercase();
                if STATUSES.contains(&key.as_str()) {
                    Some(key)
                } else {
                    self.notes.push(format!(
                        "Item {number}'s status \"{s}\" is not one of the site's statuses: give it a response with one of them in recommendations.yaml"
                    ));
                    None
                }
            });
            numbers.push(number.clone());
            self.add(Item {
                number,
                title,
                text,
                lead,
                theme: theme.clone(),
                due,
                status,
            });
        }
        self.end_run(numbers, caption_text, true);
        Some((at, at + 1))
    }

    /// The item's title and its words, from an item written as one
    /// passage: its bold lead-in ("**Publish the plan.** The council
    /// will…") where it has one, else its first sentence (its words then
    /// keep that sentence).
    fn titled(&mut self, words: &str) -> (String, String) {
        let words = words.trim();
        if let Some(rest) = words.strip_prefix("**")
            && let Some(end) = rest.find("**")
        {
            let title = docx::plain(&rest[..end]);
            let title = title.trim_end_matches(['.', ':']).trim().to_string();
            let text = rest[end + 2..].trim_start_matches([':', '.', ' ']).trim();
            if !title.is_empty() {
                let text = if text.is_empty() {
                    title.clone()
                } else {
                    text.to_string()
                };
                return (title, text);
            }
        }
        self.made_titles += 1;
        (first_words(words), words.to_string())
    }

    /// Adds an item of words alone (from a heading or a list), noting its
    /// number in its run's.
    fn add_words(
        &mut self,
        numbers: &mut Vec<String>,
        number: String,
        title: String,
        text: String,
    ) {
        numbers.push(number.clone());
        self.add(Item {
            number,
            title,
            text,
            ..Item::default()
        });
    }

    fn end_run(&mut self, numbers: Vec<String>, caption: Option<String>, table: bool) {
        self.runs.push(Run {
            numbers,
            caption,
            table,
        });
    }

    /// Adds `item`, or fills in what an item of the same number (met in
    /// another place, say its heading and then a summary table) lacks.
    fn add(&mut self, item: Item) {
        let Some(old) = self.items.iter_mut().find(|i| i.number == item.number) else {
            self.items.push(item);
            return;
        };
        if old.text.is_empty() {
            old.text = item.text;
        }
        if old.lead.is_empty() {
            old.lead = item.lead;
        }
        old.theme = old.theme.take().or(item.theme);
        old.due = old.due.take().or(item.due);
        old.status = old.status.take().or(item.status);
    }

    /// The Markdown written where run `n` of items was: the report's list
    /// of items where that is the whole of them (a summary table, or the
    /// only place items are), otherwise a link to each.
    pub fn list(&self, n: usize) -> String {
        let run = &self.runs[n];
        let only = self.runs.len() == 1;
        if run.table || only {
            let themed = self
                .items
                .iter()
                .any(|i| run.numbers.contains(&i.number) && i.theme.is_some());
            let mut out = String::from(if themed {
                "> [!ACTIONS]"
            } else {
                "> [!RECOMMENDATIONS]"
            });
            if let Some(c) = &run.caption {
                out.push(' ');
                out.push_str(c);
            }
            return out;
        }
        let mut out = String::new();
        for number in &run.numbers {
            let title = self
                .items
                .iter()
                .find(|i| &i.number == number)
                .map(|i| i.title.as_str())
                .unwrap_or("");
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = write!(out, "- [](rec:{number}): {}", escape(title));
        }
        out
    }

    /// What became of a table of items, for the import report's list of
    /// tables; `None` for items under headings or in a list.
    pub fn table_outcome(&self, n: usize) -> Option<String> {
        let run = &self.runs[n];
        if !run.table {
            return None;
        }
        let words = self.kind.unwrap_or(Kind::Recommendation).plural();
        let caption = run.caption.as_deref().unwrap_or("no caption");
        Some(format!(
            "the table \"{caption}\": {} {words} in recommendations.yaml",
            run.numbers.len()
        ))
    }

    /// `recommendations.yaml`: the items with their words.
    pub fn yaml(&self) -> String {
        let yaml = crate::new::yaml_text;
        let mut out = String::from(
            "# Made by `rapport import` from the Word document. Add each item's progress as\n# responses (date, status, text); see \"Recommendations, actions and decisions\" in the authoring guide.\n",
        );
        for item in &self.items {
            let number = if item.number.bytes().all(|b| b.is_ascii_digit()) {
                item.number.clone()
            } else {
                yaml(&item.number)
            };
            let _ = writeln!(out, "- number: {number}");
            let _ = writeln!(out, "  title: {}", yaml(&item.title));
            if let Some(theme) = &item.theme {
                let _ = writeln!(out, "  theme: {}", yaml(theme));
            }
            match item.lead.as_slice() {
                [] => {}
                [one] => {
                    let _ = writeln!(out, "  lead: {}", yaml(one));
                }
                many => {
                    let many: Vec<String> = many.iter().map(|l| yaml(l)).collect();
                    let _ = writeln!(out, "  lead: [{}]", many.join(", "));
                }
            }
            if let Some(due) = &item.due {
                // Already checked to be a date rapport reads.
                let _ = writeln!(out, "  due: {due}");
            }
            if let Some(status) = &item.status {
                let _ = writeln!(out, "  status: {status}");
            }
            if item.text.is_empty() {
                out.push_str("  missing_text: The Word document gives no words for this item beyond its title.\n");
            } else {
                out.push_str("  text: |\n");
                for line in item.text.lines() {
                    if line.is_empty() {
                        out.push('\n');
                    } else {
                        let _ = writeln!(out, "    {line}");
                    }
                }
            }
        }
        out
    }
}

/// Markdown's own characters in a title written into a list's link text.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '_' | '[' | ']' | '`' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// What a chapter of items made of top-level headings is called: the
/// plural of the kind of item `heading` names ("Recommendations"), or `None`
/// when it names none.
pub(super) fn items_chapter_title(heading: &str) -> Option<&'static str> {
    item_heading(&docx::plain(heading)).map(|(kind, _, _)| match kind {
        Kind::Recommendation => "Recommendations",
        Kind::Action => "Actions",
    })
}

/// The kind, number and rest of a heading such as "Recommendation 3:
/// Publish the plan" or "Action A1 – Train staff".
fn item_heading(heading: &str) -> Option<(Kind, String, String)> {
    let (kind, number, rest) = numbered_text(heading)?;
    Some((kind, number, docx::plain(&rest)))
}

/// `text` that starts "Recommendation 3:" or "Action A1." as its kind, its
/// number and the words after them.
fn numbered_text(text: &str) -> Option<(Kind, String, String)> {
    let text = text.trim_start_matches("**");
    let (word, rest) = text.split_once(char::is_whitespace)?;
    let kind = Kind::from_word(word.trim_end_matches('s'))?;
    if word.len() > "recommendation".len() {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '.')
        .unwrap_or(rest.len());
    let number = rest[..end].trim_end_matches('.');
    let letters = number.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = &number[letters..];
    let numeric = digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
            .chars()
            .all(|c| c.is_ascii_lowercase())
        && letters <= 3;
    if !numeric {
        return None;
    }
    let after = rest[end..]
        .trim_start_matches("**")
        .trim_start_matches([':', '.', '-', '–', '—', ')', ' '])
        .trim_start_matches("**")
        .trim_start();
    Some((kind, number.to_string(), after.to_string()))
}

/// A heading that names a list of items: "Recommendations", "Our
/// recommendations", "Summary of actions", "Key actions".
fn items_heading(heading: &str) -> Option<Kind> {
    let words: Vec<String> = heading
        .to_lowercase()
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
        .collect();
    let last = words.last()?;
    if words.len() > 4 || !last.ends_with('s') {
        return None;
    }
    let kind = Kind::from_word(last)?;
    let lead_in_ok = words[..words.len() - 1].iter().all(|w| {
        matches!(
            w.as_str(),
            "our" | "key" | "summary" | "of" | "the" | "list" | "main" | "new" | "agreed"
        )
    });
    lead_in_ok.then_some(kind)
}

/// A title from an item's words: its first sentence, or its first dozen
/// words where the sentence is long. The import report says titles were
/// made this way, for an officer to shorten.
fn first_words(text: &str) -> String {
    let plain = docx::plain(text.lines().next().unwrap_or(""));
    let sentence = match plain.find(". ") {
        Some(end) => &plain[..end],
        None => plain.trim_end_matches('.'),
    };
    let words: Vec<&str> = sentence.split_whitespace().collect();
    if words.len() <= 14 {
        words.join(" ")
    } else {
        format!("{}…", words[..12].join(" "))
    }
}

/// The Markdown of an item's blocks: paragraphs, quotes and lists.
fn markdown(blocks: &[&Block]) -> String {
    let mut out = String::new();
    let mut previous: Option<&Block> = None;
    for b in blocks {
        let same_list = matches!(
            (previous, b),
            (Some(Block::Item { .. }), Block::Item { .. })
        );
        if !out.is_empty() {
            out.push_str(if same_list { "\n" } else { "\n\n" });
        }
        super::write_block(&mut out, b, 1);
        previous = Some(b);
    }
    out
}

/// A due date as rapport reads it: `2026-03-31`, `31/03/2026`, `March
/// 2026` or `2026`.
fn due_date(text: &str) -> Option<String> {
    let text = text.trim();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = text.split('-').collect();
    let iso = match parts[..] {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u8>().ok()?),
        [_, _, _] => text.parse::<jiff::civil::Date>().is_ok(),
        _ => false,
    };
    if iso {
        return Some(text.to_string());
    }
    if let Some(date) = crate::dates::as_iso(text) {
        return Some(date);
    }
    let (month, year) = text.split_once(' ')?;
    let m = crate::dates::month_number(month)?;
    let y: u32 = year.trim().parse().ok()?;
    (1900..=2200).contains(&y).then(|| format!("{y:04}-{m:02}"))
}

/// Which columns of a table hold what, from its header row.
struct Columns {
    kind: Kind,
    text: usize,
    lead: Option<usize>,
    number: Option<usize>,
    due: Option<usize>,
    status: Option<usize>,
}

impl Columns {
    /// A table of items needs a column named for them (Action,
    /// Recommendation) and one for who leads them.
    fn of(header: &[String]) -> Option<Columns> {
        let names: Vec<String> = header
            .iter()
            .map(|h| docx::plain(h).to_lowercase())
            .collect();
        let find = |test: &dyn Fn(&str) -> bool| names.iter().position(|n| test(n));
        let (text, kind) = names.iter().enumerate().find_map(|(i, n)| {
            let first = n.split_whitespace().next()?;
            Kind::from_word(first.trim_end_matches(|c: char| !c.is_alphabetic()))
                .filter(|_| {
                    let words: Vec<&str> = n.split_whitespace().collect();
                    words.len() <= 3
                        && !words.iter().any(|w| {
                            matches!(*w, "no" | "no." | "number" | "ref" | "ref." | "lead")
                        })
                })
                .map(|k| (i, k))
        })?;
        let lead = find(&|n| {
            n.contains("lead") || n.contains("owner") || n.contains("responsib") || n == "who"
        })?;
        Some(Columns {
            kind,
            text,
            lead: Some(lead),
            number: find(&|n| {
                matches!(
                    n.trim_end_matches('.'),
                    "no" | "number" | "ref" | "reference" | "#" | "id"
                )
            }),
            due: find(&|n| {
                n.contains("due") || n.contains("deadline") || n.contains("by when") || n == "date"
            }),
            status: find(&|n| n.contains("status") || n == "progress" || n == "rag"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_headings_are_known_by_their_word_and_number() {
        let read = numbered_text;
        assert_eq!(
            read("Recommendation 3: Publish the plan"),
            Some((Kind::Recommendation, "3".into(), "Publish the plan".into()))
        );
        assert_eq!(
            read("Action A1 – Train staff"),
            Some((Kind::Action, "A1".into(), "Train staff".into()))
        );
        assert_eq!(
            read("Recommendation 12a. Review it"),
            Some((Kind::Recommendation, "12a".into(), "Review it".into()))
        );
        assert_eq!(
            read("Recommendation 4"),
            Some((Kind::Recommendation, "4".into(), String::new()))
        );
        // Words that merely start with the word are not items.
        assert_eq!(read("Actions we took in 2024"), None);
        assert_eq!(read("Recommendations"), None);
        assert_eq!(read("Action plan for the year"), None);
        assert_eq!(read("Actionable points 3"), None);
    }

    #[test]
    fn headings_over_lists_of_items() {
        assert_eq!(items_heading("Recommendations"), Some(Kind::Recommendation));
        assert_eq!(items_heading("Summary of actions"), Some(Kind::Action));
        assert_eq!(
            items_heading("Our recommendations:"),
            Some(Kind::Recommendation)
        );
        assert_eq!(items_heading("Next steps"), None);
        assert_eq!(items_heading("Actions taken by the police this year"), None);
        assert_eq!(items_heading("Recommendation"), None);
    }

    #[test]
    fn due_dates_are_read_only_where_they_are_dates() {
        assert_eq!(due_date("2026-03-31").as_deref(), Some("2026-03-31"));
        assert_eq!(due_date("2026-03").as_deref(), Some("2026-03"));
        assert_eq!(due_date("2026").as_deref(), Some("2026"));
        assert_eq!(due_date("31/03/2026").as_deref(), Some("2026-03-31"));
        assert_eq!(due_date("March 2026").as_deref(), Some("2026-03"));
        assert_eq!(due_date("Sept 2026").as_deref(), Some("2026-09"));
        assert_eq!(due_date("2026-13"), None);
        assert_eq!(due_date("Spring 2026"), None);
        assert_eq!(due_date("Ongoing"), None);
    }

    #[test]
    fn a_title_is_the_bold_lead_in_or_the_first_sentence() {
        let mut found = Found::default();
        assert_eq!(
            found.titled("**Publish one plan.** The partners should."),
            ("Publish one plan".into(), "The partners should.".into())
        );
        assert_eq!(found.made_titles, 0);
        assert_eq!(
            found.titled("Train door staff. Start in June."),
            (
                "Train door staff".into(),
                "Train door staff. Start in June.".into()
            )
        );
        assert_eq!(found.made_titles, 1);
    }

    #[test]
    fn a_yaml_string_that_looks_like_a_number_or_date_is_quoted() {
        let yaml = crate::new::yaml_text;
        assert_eq!(yaml("2026"), "\"2026\"");
        assert_eq!(yaml("yes"), "\"yes\"");
        assert_eq!(yaml("2026-03-31"), "\"2026-03-31\"");
        assert_eq!(yaml("City council"), "City council");
        assert_eq!(yaml("Police: crime"), "\"Police: crime\"");
    }

    #[test]
    fn a_table_needs_an_item_column_and_a_lead_column() {
        let header =
            |cells: &[&str]| -> Vec<String> { cells.iter().map(|c| c.to_string()).collect() };
        let c = Columns::of(&header(&["No.", "Action", "Lead", "Due", "Status"])).unwrap();
        assert_eq!(
            (c.kind, c.text, c.lead, c.number, c.due, c.status),
            (Kind::Action, 1, Some(2), Some(0), Some(3), Some(4))
        );
        let c = Columns::of(&header(&["Recommendation", "Responsible officer"])).unwrap();
        assert_eq!((c.kind, c.text, c.lead), (Kind::Recommendation, 0, Some(1)));
        assert!(Columns::of(&header(&["Action", "Cost (£)"])).is_none());
        assert!(Columns::of(&header(&["Partner", "Leads on"])).is_none());
    }

    #[test]
    fn an_item_number_yaml_would_read_as_a_decimal_stays_text() {
        let mut found = Found::default();
        for number in ["3", "1.2", "A1"] {
            found.add(Item {
                number: number.into(),
                title: "T".into(),
                text: "Words.".into(),
                ..Item::default()
            });
        }
        let yaml = found.yaml();
        for line in ["- number: 3\n", "- number: \"1.2\"\n", "- number: A1\n"] {
            assert!(yaml.contains(line), "{line:?} in {yaml}");
        }
    }
}
