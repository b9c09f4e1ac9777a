//! The one walk over the document tree.
//!
//! Every pass that looks for blocks or inlines wherever they stand (heading
//! ids, anchors, trackers, data tables, links, editorial checks, search)
//! walks the tree here rather than by a recursion of its own. Passes used to
//! write their own, each entering a different set of containers: only search
//! entered definition lists and none entered footnotes, so a `[!TABLE]` in a
//! footnote was never placed and rendered as nothing, without an error.
//!
//! Which blocks and inlines each kind of block holds is written once, in a
//! match with no wildcard arm: a new kind of block does not compile until
//! the walk says what it holds. The read-only and the mutable walks are one
//! macro body, so they cannot drift apart. The unit test
//! `every_container_is_walked` builds one block of every kind with a marker
//! in each container and checks that the walk reaches them all.
//!
//! Renderers (HTML, PDF) recurse by themselves: they must wrap each
//! container's output around its children, which a visitor cannot do; their
//! matches are exhaustive too.

use super::{Block, Definition, Document, Inline};

/// What [`walk_blocks_mut`] does after visiting a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Go on into the block's content (its child blocks and inlines).
    Enter,
    /// Leave the block's content alone: a block just put in place of
    /// another, or a component whose body holds options rather than text.
    Skip,
}

/// Writes the walk over blocks and the walk over nested inlines, once for
/// shared references and once (`mut`) for mutable ones.
macro_rules! walks {
    ($blocks:ident, $inlines:ident, [$($lt:lifetime)?] $a:lifetime $(, $m:tt)?) => {
        /// Visits `blocks` and everything inside them in document order:
        /// `block` sees each block before its content, `inlines` each list
        /// of inlines that a block holds directly (not nested ones).
        fn $blocks<$($lt,)? B, I>(blocks: &$a $($m)? [Block], block: &mut B, inlines: &mut I)
        where
            B: FnMut(&$a $($m)? Block) -> Walk,
            I: FnMut(&$a $($m)? [Inline]),
        {
            for b in blocks {
                if block(&$($m)? *b) == Walk::Skip {
                    continue;
                }
                match b {
                    Block::Heading { content, .. }
                    | Block::Paragraph { content, .. }
                    | Block::Plain(content) => inlines(&$($m)? content[..]),
                    Block::List { items, .. } => {
                        for item in items {
                            $blocks(&$($m)? item.blocks, block, inlines);
                        }
                    }
                    Block::BlockQuote(children) => $blocks(children, block, inlines),
                    Block::Component(c) => {
                        inlines(&$($m)? c.title[..]);
                        $blocks(&$($m)? c.body, block, inlines);
                        if let Some(a) = &$($m)? c.attribution {
                            inlines(&$($m)? a[..]);
                        }
                    }
                    Block::Table { head, rows, .. } => {
                        for cell in head {
                            inlines(&$($m)? cell[..]);
                        }
                        for row in rows {
                            for cell in row {
                                inlines(&$($m)? cell[..]);
                            }
                        }
                    }
                    Block::DefinitionList(items) => {
                        for item in items {
                            match item {
                                Definition::Term(t) => inlines(&$($m)? t[..]),
                                Definition::Details(d) => $blocks(d, block, inlines),
                            }
                        }
                    }
                    Block::Tracker(t) => {
                        inlines(&$($m)? t.caption[..]);
                        for g in &$($m)? t.groups {
                            for row in &$($m)? g.rows {
                                inlines(&$($m)? row.title[..]);
                            }
                        }
                    }
                    Block::DataTable(t) => inlines(&$($m)? t.downloads[..]),
                    Block::Code { .. } | Block::Chart(_) | Block::Rule | Block::RawHtml(_) => {}
                }
            }
        }

        /// Visits each inline and then the inlines nested in it.
        fn $inlines<$($lt,)? F: FnMut(&$a $($m)? Inline)>(list: &$a $($m)? [Inline], f: &mut F) {
            for i in list {
                f(&$($m)? *i);
                match i {
                    Inline::Emphasis(c)
                    | Inline::Strong(c)
                    | Inline::Strikethrough(c)
                    | Inline::Superscript(c)
                    | Inline::Subscript(c) => $inlines(c, f),
                    Inline::Link(l) => $inlines(&$($m)? l.content, f),
                    Inline::Text(_)
                    | Inline::Code(_)
                    | Inline::Image(_)
                    | Inline::FootnoteRef { .. }
                    | Inline::TaskMarker(_)
                    | Inline::SoftBreak
                    | Inline::HardBreak
                    | Inline::RawHtml(_) => {}
                }
            }
        }
    };
}

// Shared references live as long as the tree (`'a`), so a pass can collect
// them; mutable ones only for the visit (`'_`).
walks!(blocks_ref, inlines_ref, ['a] 'a);
walks!(blocks_mut, inlines_mut, [] '_, mut);

/// Visits every block in `blocks`, at any depth, each before its content.
pub fn walk_blocks<'a, F: FnMut(&'a Block)>(blocks: &'a [Block], f: &mut F) {
    blocks_ref(
        blocks,
        &mut |b| {
            f(b);
            Walk::Enter
        },
        &mut |_| {},
    );
}

/// Visits every block in `blocks`, at any depth, each before its content;
/// `f` may replace the block, and says whether to go into what is then
/// there.
pub fn walk_blocks_mut<F: FnMut(&mut Block) -> Walk>(blocks: &mut [Block], f: &mut F) {
    blocks_mut(blocks, f, &mut |_| {});
}

/// Visits each inline of `list` and those nested in it (emphasis, links).
pub fn walk_inlines<'a, F: FnMut(&'a Inline)>(list: &'a [Inline], f: &mut F) {
    inlines_ref(list, f);
}

/// Visits every inline in a list of blocks, in document order. Generic
/// rather than `dyn`, so the visitor is inlined: every chapter is walked
/// twice on loading (footnotes, links).
pub fn for_each_inline_mut<F: FnMut(&mut Inline)>(blocks: &mut [Block], f: &mut F) {
    blocks_mut(blocks, &mut |_| Walk::Enter, &mut |list| {
        inlines_mut(list, f)
    });
}

impl Document {
    /// Visits every block of the body and then of the footnotes.
    pub fn walk_blocks<'a, F: FnMut(&'a Block)>(&'a self, f: &mut F) {
        walk_blocks(&self.blocks, f);
        for note in &self.footnotes {
            walk_blocks(&note.blocks, f);
        }
    }

    /// Visits every block of the body and then of the footnotes; see
    /// [`walk_blocks_mut`].
    pub fn walk_blocks_mut<F: FnMut(&mut Block) -> Walk>(&mut self, f: &mut F) {
        walk_blocks_mut(&mut self.blocks, f);
        for note in &mut self.footnotes {
            walk_blocks_mut(&mut note.blocks, f);
        }
    }

    /// Visits every inline of the body and then of the footnotes.
    pub fn for_each_inline_mut<F: FnMut(&mut Inline)>(&mut self, f: &mut F) {
        for_each_inline_mut(&mut self.blocks, f);
        for note in &mut self.footnotes {
            for_each_inline_mut(&mut note.blocks, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn text(s: &str) -> Vec<Inline> {
        vec![Inline::Text(s.to_string())]
    }

    fn marker(s: &str) -> Block {
        Block::Paragraph {
            number: None,
            content: text(s),
        }
    }

    fn component(kind: ComponentKind, body: Vec<Block>) -> Block {
        Block::Component(Box::new(Component {
            kind,
            title: text("component title"),
            body,
            attribution: Some(text("attribution")),
            id: String::new(),
            heading_level: 2,
            offset: 0,
        }))
    }

    /// One block of every kind; each container holds a marker paragraph
    /// (`in …`), and there is a marker in a footnote.
    fn one_of_each() -> Document {
        let nested = |inner: Inline| {
            vec![
                Inline::Emphasis(vec![inner.clone()]),
                Inline::Strong(vec![inner.clone()]),
                Inline::Strikethrough(vec![inner.clone()]),
                Inline::Superscript(vec![inner.clone()]),
                Inline::Subscript(vec![inner.clone()]),
                Inline::Link(Box::new(Link {
                    dest: "x.md".into(),
                    title: String::new(),
                    content: vec![inner],
                    target: LinkTarget::Unresolved,
                    offset: 0,
                })),
            ]
        };
        let blocks = vec![
            Block::Heading {
                level: 2,
                id: String::new(),
                classes: Vec::new(),
                number: None,
                content: text("heading"),
                offset: 0,
            },
            Block::Paragraph {
                number: None,
                content: nested(Inline::Text("nested".into())),
            },
            Block::Plain(text("plain")),
            Block::List {
                ordered: false,
                start: 1,
                items: vec![ListItem {
                    task: None,
                    blocks: vec![marker("in list item")],
                }],
            },
            Block::BlockQuote(vec![marker("in block quote")]),
            component(ComponentKind::Quote, vec![marker("in component")]),
            Block::Code {
                lang: None,
                code: "code".into(),
            },
            Block::Table {
                align: vec![Align::None],
                head: vec![text("table head")],
                rows: vec![vec![text("table cell")]],
                offset: 0,
            },
            Block::DefinitionList(vec![
                Definition::Term(text("term")),
                Definition::Details(vec![marker("in definition")]),
            ]),
            Block::Tracker(Box::new(TrackerList {
                style: TrackerStyle::Table,
                caption: text("tracker caption"),
                item_label: "Recommendation".into(),
                groups: vec![TrackerGroup {
                    title: None,
                    id: String::new(),
                    rows: vec![TrackerRow {
                        number: "1".into(),
                        title: text("tracker row"),
                        leads: String::new(),
                        status_key: String::new(),
                        status_label: String::new(),
                    }],
                }],
                heading_level: 2,
            })),
            Block::DataTable(Box::new(DataTableBlock {
                id: String::new(),
                caption: String::new(),
                heads: Vec::new(),
                rows: Vec::new(),
                subtotal: Vec::new(),
                no_figures: Vec::new(),
                shorthands: Vec::new(),
                total_leaves_out: false,
                total: None,
                source: None,
                cell_notes: Vec::new(),
                layout: Default::default(),
                notes: Vec::new(),
                downloads: text("downloads"),
            })),
            Block::Chart(Box::new(ChartBlock {
                title: String::new(),
                kind: ChartKind::Bar,
                bars: Vec::new(),
                source: None,
            })),
            Block::Rule,
            Block::RawHtml("<b>".into()),
        ];
        Document {
            blocks,
            footnotes: vec![Footnote {
                label: "a".into(),
                number: 1,
                blocks: vec![marker("in footnote")],
                references: 1,
            }],
        }
    }

    /// Names a block's kind. No wildcard arm: a new kind of block does not
    /// compile here until it is named, and `every_container_is_walked`
    /// fails until `one_of_each` holds one (with a marker inside, if it is
    /// a container).
    fn kind(b: &Block) -> &'static str {
        match b {
            Block::Heading { .. } => "heading",
            Block::Paragraph { .. } => "paragraph",
            Block::Plain(_) => "plain",
            Block::List { .. } => "list",
            Block::BlockQuote(_) => "block quote",
            Block::Component(_) => "component",
            Block::Code { .. } => "code",
            Block::Table { .. } => "table",
            Block::DefinitionList(_) => "definition list",
            Block::Tracker(_) => "tracker",
            Block::DataTable(_) => "data table",
            Block::Chart(_) => "chart",
            Block::Rule => "rule",
            Block::RawHtml(_) => "raw html",
        }
    }

    const KINDS: &[&str] = &[
        "heading",
        "paragraph",
        "plain",
        "list",
        "block quote",
        "component",
        "code",
        "table",
        "definition list",
        "tracker",
        "data table",
        "chart",
        "rule",
        "raw html",
    ];

    const MARKERS: &[&str] = &[
        "in list item",
        "in block quote",
        "in component",
        "in definition",
        "in footnote",
    ];

    fn marker_text(b: &Block) -> Option<String> {
        match b {
            Block::Paragraph { content, .. } if plain_text(content).starts_with("in ") => {
                Some(plain_text(content))
            }
            _ => None,
        }
    }

    #[test]
    fn every_container_is_walked() {
        let doc = one_of_each();
        let (mut kinds, mut markers) = (Vec::new(), Vec::new());
        doc.walk_blocks(&mut |b| {
            if !kinds.contains(&kind(b)) {
                kinds.push(kind(b));
            }
            markers.extend(marker_text(b));
        });
        assert_eq!(kinds, KINDS, "one_of_each must hold every kind of block");
        assert_eq!(markers, MARKERS);

        let mut doc = one_of_each();
        let mut markers = Vec::new();
        doc.walk_blocks_mut(&mut |b| {
            markers.extend(marker_text(b));
            Walk::Enter
        });
        assert_eq!(markers, MARKERS);
    }

    #[test]
    fn a_skipped_block_is_not_entered() {
        let mut doc = one_of_each();
        let mut markers = Vec::new();
        doc.walk_blocks_mut(&mut |b| {
            markers.extend(marker_text(b));
            if matches!(b, Block::BlockQuote(_) | Block::Component(_)) {
                Walk::Skip
            } else {
                Walk::Enter
            }
        });
        assert_eq!(markers, ["in list item", "in definition", "in footnote"]);
    }

    #[test]
    fn a_replaced_block_is_what_the_walk_goes_on_with() {
        let mut doc = one_of_each();
        doc.walk_blocks_mut(&mut |b| {
            if let Block::BlockQuote(_) = b {
                *b = Block::BlockQuote(vec![marker("in replacement")]);
            }
            Walk::Enter
        });
        let mut markers = Vec::new();
        doc.walk_blocks(&mut |b| markers.extend(marker_text(b)));
        assert!(markers.contains(&"in replacement".to_string()));
        assert!(!markers.contains(&"in block quote".to_string()));
    }

    #[test]
    fn every_inline_is_visited_in_document_order() {
        let mut doc = one_of_each();
        let mut seen = Vec::new();
        doc.for_each_inline_mut(&mut |i| {
            seen.push(match i {
                Inline::Text(t) => t.clone(),
                Inline::Emphasis(_) => "emphasis".into(),
                Inline::Strong(_) => "strong".into(),
                Inline::Strikethrough(_) => "strikethrough".into(),
                Inline::Superscript(_) => "superscript".into(),
                Inline::Subscript(_) => "subscript".into(),
                Inline::Link(_) => "link".into(),
                other => format!("{other:?}"),
            })
        });
        assert_eq!(
            seen,
            [
                "heading",
                "emphasis",
                "nested",
                "strong",
                "nested",
                "strikethrough",
                "nested",
                "superscript",
                "nested",
                "subscript",
                "nested",
                "link",
                "nested",
                "plain",
                "in list item",
                "in block quote",
                "component title",
                "in component",
                "attribution",
                "table head",
                "table cell",
                "term",
                "in definition",
                "tracker caption",
                "tracker row",
                "downloads",
                "in footnote",
            ]
        );

        // The read-only walk of nested inlines agrees.
        let doc = one_of_each();
        let Block::Paragraph { content, .. } = &doc.blocks[1] else {
            unreachable!()
        };
        let mut texts = 0;
        walk_inlines(content, &mut |i| {
            texts += matches!(i, Inline::Text(_)) as usize
        });
        assert_eq!(texts, 6);
    }
}
