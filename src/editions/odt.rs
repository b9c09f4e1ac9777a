//! A [`Doc`] as an OpenDocument text file (ODF 1.2), the UK government's
//! standard for documents to edit.
//!
//! The package is `mimetype` (first, stored), `META-INF/manifest.xml`,
//! `meta.xml` (the properties), `styles.xml` (the named styles a reader
//! can apply and a screen reader announces: Heading 1 to 6 with their
//! outline levels, Quotations, Caption...), `content.xml` and the
//! pictures under `Pictures/`.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::doc::*;
use super::package::{Package, esc, is_compressed, timestamp};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

const NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2""#;

/// The .odt file's bytes.
pub fn write(doc: &Doc) -> std::io::Result<Vec<u8>> {
    let mut p = Package::new(doc.meta.date);
    p.add("mimetype", MIMETYPE.as_bytes(), true)?;
    p.add("META-INF/manifest.xml", manifest(doc).as_bytes(), false)?;
    p.add("meta.xml", meta(&doc.meta).as_bytes(), false)?;
    p.add("styles.xml", styles(&doc.meta.language).as_bytes(), false)?;
    p.add("content.xml", content(doc).as_bytes(), false)?;
    for pic in &doc.pictures {
        let name = format!("Pictures/{}", pic.name);
        p.add(&name, &pic.bytes, is_compressed(pic.mime))?;
    }
    p.finish()
}

fn manifest(doc: &Doc) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>"#
    );
    for part in ["content.xml", "styles.xml", "meta.xml"] {
        let _ = write!(
            s,
            r#"<manifest:file-entry manifest:full-path="{part}" manifest:media-type="text/xml"/>"#
        );
    }
    for pic in &doc.pictures {
        let _ = write!(
            s,
            r#"<manifest:file-entry manifest:full-path="Pictures/{}" manifest:media-type="{}"/>"#,
            esc(&pic.name),
            pic.mime
        );
    }
    s.push_str("</manifest:manifest>");
    s
}

fn meta(m: &Meta) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta><meta:generator>rapport/{}</meta:generator><dc:title>{}</dc:title>"#,
        env!("CARGO_PKG_VERSION"),
        esc(&m.title)
    );
    if let Some(subject) = &m.subject {
        let _ = write!(s, "<dc:subject>{}</dc:subject>", esc(subject));
    }
    if let Some(d) = &m.description {
        let _ = write!(s, "<dc:description>{}</dc:description>", esc(d.trim()));
    }
    let when = timestamp(m.date);
    let _ = write!(
        s,
        r#"<meta:initial-creator>{c}</meta:initial-creator><dc:creator>{c}</dc:creator><meta:creation-date>{when}</meta:creation-date><dc:date>{when}</dc:date><dc:language>{}</dc:language><meta:user-defined meta:name="Publisher">{}</meta:user-defined></office:meta></office:document-meta>"#,
        esc(&m.language),
        esc(&m.publisher),
        c = esc(&m.creator),
    );
    s
}

/// A paragraph style's name in the file (`Heading_20_2`: ODF spells a
/// space in a style name as `_20_`), and the name people see.
fn style_name(style: Style) -> String {
    match style {
        Style::Body => "Text_20_body".into(),
        Style::Title => "Title".into(),
        Style::Subtitle => "Subtitle".into(),
        Style::Heading(n) => format!("Heading_20_{n}"),
        Style::Quote => "Quotations".into(),
        Style::Code => "Preformatted_20_Text".into(),
        Style::Caption => "Caption".into(),
    }
}

/// The named styles, with the document's language on the default style
/// so spelling and speech use it.
fn styles(language: &str) -> String {
    let (lang, country) = match language.split_once('-') {
        Some((l, c)) => (l, c),
        None => (language, ""),
    };
    let country = if country.is_empty() {
        String::new()
    } else {
        format!(r#" fo:country="{}""#, esc(&country.to_ascii_uppercase()))
    };
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}><office:styles><style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.2cm"/><style:text-properties fo:font-family="'Liberation Sans', Arial, sans-serif" fo:font-size="11pt" fo:language="{}"{country}/></style:default-style><style:style style:name="Standard" style:family="paragraph" style:class="text"/><style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text"><style:paragraph-properties fo:margin-bottom="0.25cm" fo:line-height="115%"/></style:style><style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard" style:next-style-name="Text_20_body" style:class="text"><style:paragraph-properties fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold"/></style:style>"#,
        esc(&lang.to_ascii_lowercase())
    );
    for (n, size) in [(1, 20), (2, 16), (3, 14), (4, 12), (5, 11), (6, 11)] {
        let _ = write!(
            s,
            r#"<style:style style:name="Heading_20_{n}" style:display-name="Heading {n}" style:family="paragraph" style:parent-style-name="Heading" style:next-style-name="Text_20_body" style:default-outline-level="{n}" style:class="text"><style:text-properties fo:font-size="{size}pt"/></style:style>"#
        );
    }
    s.push_str(concat!(
        r#"<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"><style:text-properties fo:font-size="26pt"/></style:style>"#,
        r#"<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Heading" style:class="chapter"><style:text-properties fo:font-size="16pt" fo:font-weight="normal"/></style:style>"#,
        r#"<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-left="1cm" fo:margin-right="1cm"/><style:text-properties fo:font-style="italic"/></style:style>"#,
        r#"<style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph" style:parent-style-name="Standard" style:class="html"><style:paragraph-properties fo:margin-bottom="0cm"/><style:text-properties fo:font-family="'Liberation Mono', monospace" fo:font-size="10pt"/></style:style>"#,
        r#"<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="10pt" fo:font-style="italic"/></style:style>"#,
        r#"<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:margin-bottom="0cm"/></style:style>"#,
        r#"<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:text-properties fo:font-size="9pt"/></style:style>"#,
        r##"<style:style style:name="Internet_20_link" style:display-name="Internet link" style:family="text"><style:text-properties fo:color="#1d4f91" style:text-underline-style="solid" style:text-underline-width="auto" style:text-underline-color="font-color"/></style:style>"##,
        r#"<text:notes-configuration text:note-class="footnote" style:num-format="1" text:start-value="0" text:footnotes-position="page" text:start-numbering-at="document"/>"#,
        r#"</office:styles><office:automatic-styles><style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2.5cm" fo:margin-bottom="2.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/></style:page-layout></office:automatic-styles><office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles></office:document-styles>"#,
    ));
    s
}

/// The automatic style of a run's look (`T5`), by its bits.
fn fmt_bits(f: Fmt) -> u8 {
    [f.bold, f.italic, f.code, f.strike, f.sup, f.sub]
        .iter()
        .enumerate()
        .map(|(i, on)| (*on as u8) << i)
        .sum()
}

fn fmt_style(bits: u8) -> String {
    let mut props = String::new();
    let on = |i: u8| bits & (1 << i) != 0;
    if on(0) {
        props.push_str(r#" fo:font-weight="bold""#);
    }
    if on(1) {
        props.push_str(r#" fo:font-style="italic""#);
    }
    if on(2) {
        props.push_str(r#" fo:font-family="'Liberation Mono', monospace""#);
    }
    if on(3) {
        props.push_str(r#" style:text-line-through-style="solid""#);
    }
    if on(4) {
        props.push_str(r#" style:text-position="super 58%""#);
    } else if on(5) {
        props.push_str(r#" style:text-position="sub 58%""#);
    }
    format!(
        r#"<style:style style:name="T{bits}" style:family="text"><style:text-properties{props}/></style:style>"#
    )
}

/// The list styles: bullets, and numbers `1.` at every level.
fn list_styles() -> String {
    let mut s = String::new();
    for (name, ordered) in [("LB", false), ("LN", true)] {
        let _ = write!(s, r#"<text:list-style style:name="{name}">"#);
        for level in 1..=9 {
            let indent = 0.635 * level as f64;
            let place = format!(
                r#"<style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="{indent:.3}cm" fo:text-indent="-0.635cm" fo:margin-left="{indent:.3}cm"/></style:list-level-properties>"#
            );
            if ordered {
                let _ = write!(
                    s,
                    r#"<text:list-level-style-number text:level="{level}" style:num-suffix="." style:num-format="1">{place}</text:list-level-style-number>"#
                );
            } else {
                let bullet = ["•", "◦", "▪"][(level - 1) % 3];
                let _ = write!(
                    s,
                    r#"<text:list-level-style-bullet text:level="{level}" text:bullet-char="{bullet}">{place}</text:list-level-style-bullet>"#
                );
            }
        }
        s.push_str("</text:list-style>");
    }
    s
}

fn content(doc: &Doc) -> String {
    let mut w = Writer {
        doc,
        out: String::new(),
        fmts: BTreeSet::new(),
        open: Vec::new(),
        notes: 0,
        tables: 0,
    };
    for part in &doc.body {
        match part {
            Part::Para(p) => w.para(p),
            Part::Table(t) => {
                w.close_lists(0);
                w.table(t);
            }
        }
    }
    w.close_lists(0);
    let mut auto = String::new();
    for bits in &w.fmts {
        auto.push_str(&fmt_style(*bits));
    }
    auto.push_str(concat!(
        r#"<style:style style:name="P_end" style:family="paragraph" style:parent-style-name="Table_20_Contents"><style:paragraph-properties fo:text-align="end"/></style:style>"#,
        r#"<style:style style:name="Tbl" style:family="table"><style:table-properties style:width="16cm" table:align="margins"/></style:style>"#,
        r#"<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #505a5f"/></style:style>"#,
        r#"<style:style style:name="fr1" style:family="graphic"><style:graphic-properties style:vertical-pos="top" style:vertical-rel="baseline"/></style:style>"#,
    ));
    auto.push_str(&list_styles());
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {NS}><office:automatic-styles>{auto}</office:automatic-styles><office:body><office:text>{}</office:text></office:body></office:document-content>"#,
        w.out
    )
}

struct Writer<'a> {
    doc: &'a Doc,
    out: String,
    /// The looks of the runs written, for their automatic styles.
    fmts: BTreeSet<u8>,
    /// The lists open, outermost first, each with an item open.
    open: Vec<usize>,
    notes: usize,
    tables: usize,
}

impl Writer<'_> {
    /// Closes open lists until `keep` are left.
    fn close_lists(&mut self, keep: usize) {
        while self.open.len() > keep {
            self.open.pop();
            self.out.push_str("</text:list-item></text:list>");
        }
    }

    /// Puts the writer in list item place for `p`: lists nest in their
    /// items, so the flat paragraphs of a [`Doc`] are folded back into a
    /// tree here.
    fn enter_list(&mut self, p: &Para) {
        let Some((id, first)) = p.list.filter(|_| !matches!(p.style, Style::Heading(_))) else {
            self.close_lists(0);
            return;
        };
        let kind = self.doc.lists[id];
        let depth = kind.level as usize + 1;
        self.close_lists(depth);
        if self.open.len() == depth && self.open[depth - 1] != id {
            self.close_lists(depth - 1);
        }
        if self.open.len() == depth {
            if first {
                self.out.push_str("</text:list-item><text:list-item>");
            }
            return;
        }
        while self.open.len() < depth {
            let style = if kind.ordered { "LN" } else { "LB" };
            let _ = write!(self.out, r#"<text:list text:style-name="{style}">"#);
            if kind.ordered && kind.start != 1 && self.open.len() + 1 == depth {
                let _ = write!(
                    self.out,
                    r#"<text:list-item text:start-value="{}">"#,
                    kind.start
                );
            } else {
                self.out.push_str("<text:list-item>");
            }
            self.open.push(id);
        }
    }

    fn para(&mut self, p: &Para) {
        self.enter_list(p);
        self.para_in(p, None);
    }

    /// A paragraph; `style` overrides its own (table cells, notes).
    fn para_in(&mut self, p: &Para, style: Option<&str>) {
        let name = style.map_or_else(|| style_name(p.style), str::to_string);
        let (tag, level) = match p.style {
            Style::Heading(n) if style.is_none() => {
                ("text:h", format!(r#" text:outline-level="{n}""#))
            }
            _ => ("text:p", String::new()),
        };
        let _ = write!(self.out, r#"<{tag} text:style-name="{name}"{level}>"#);
        let code = p.style == Style::Code;
        for (i, run) in p.runs.iter().enumerate() {
            self.run(run, code && i == 0);
        }
        let _ = write!(self.out, "</{tag}>");
    }

    fn run(&mut self, run: &Run, at_start: bool) {
        match run {
            Run::Text(t, f) => {
                let bits = fmt_bits(*f);
                let text = spaces(t, at_start);
                if bits == 0 {
                    self.out.push_str(&text);
                } else {
                    self.fmts.insert(bits);
                    let _ = write!(
                        self.out,
                        r#"<text:span text:style-name="T{bits}">{text}</text:span>"#
                    );
                }
            }
            Run::Link(url, runs) => {
                let _ = write!(
                    self.out,
                    r#"<text:a xlink:type="simple" xlink:href="{}" text:style-name="Internet_20_link">"#,
                    esc(url)
                );
                for r in runs {
                    self.run(r, false);
                }
                self.out.push_str("</text:a>");
            }
            Run::Note(paras) => {
                self.notes += 1;
                let n = self.notes;
                let _ = write!(
                    self.out,
                    r#"<text:note text:id="ftn{n}" text:note-class="footnote"><text:note-citation>{n}</text:note-citation><text:note-body>"#
                );
                for p in paras {
                    self.para_in(p, Some("Footnote"));
                }
                self.out.push_str("</text:note-body></text:note>");
            }
            Run::Picture(i) => self.picture(*i),
            Run::Break => self.out.push_str("<text:line-break/>"),
        }
    }

    /// A picture in the line, with its text alternative as the frame's
    /// title and description (what assistive technology reads).
    fn picture(&mut self, i: usize) {
        let pic = &self.doc.pictures[i];
        let (w, h) = pic.size_mm();
        let alt = esc(&pic.alt);
        let _ = write!(
            self.out,
            r#"<draw:frame draw:style-name="fr1" draw:name="Picture {n}" text:anchor-type="as-char" svg:width="{w:.1}mm" svg:height="{h:.1}mm" draw:z-index="0"><draw:image xlink:href="Pictures/{}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad" draw:mime-type="{}"/><svg:title>{alt}</svg:title><svg:desc>{alt}</svg:desc></draw:frame>"#,
            esc(&pic.name),
            pic.mime,
            n = i + 1,
        );
    }

    /// A table whose first row is its header, repeated on every page it
    /// runs over; its caption goes above it.
    fn table(&mut self, t: &Table) {
        self.tables += 1;
        if let Some(c) = &t.caption {
            let _ = write!(
                self.out,
                r#"<text:p text:style-name="Caption">{}</text:p>"#,
                esc(c)
            );
        }
        let cols = t
            .rows
            .iter()
            .map(Vec::len)
            .chain([t.head.len()])
            .max()
            .unwrap_or(1)
            .max(1);
        let _ = write!(
            self.out,
            r#"<table:table table:name="Table{}" table:style-name="Tbl"><table:table-column table:number-columns-repeated="{cols}"/>"#,
            self.tables
        );
        if !t.head.is_empty() {
            self.out.push_str("<table:table-header-rows>");
            self.row(&t.head, cols, &[], "Table_20_Heading");
            self.out.push_str("</table:table-header-rows>");
        }
        for r in &t.rows {
            self.row(r, cols, &t.right, "Table_20_Contents");
        }
        self.out.push_str("</table:table>");
    }

    fn row(&mut self, cells: &[Vec<Para>], cols: usize, right: &[bool], style: &str) {
        self.out.push_str("<table:table-row>");
        for i in 0..cols {
            self.out.push_str(
                r#"<table:table-cell table:style-name="Cell" office:value-type="string">"#,
            );
            let style = if right.get(i) == Some(&true) {
                "P_end"
            } else {
                style
            };
            match cells.get(i) {
                Some(paras) if !paras.is_empty() => {
                    for p in paras {
                        self.para_in(p, Some(style));
                    }
                }
                _ => {
                    let _ = write!(self.out, r#"<text:p text:style-name="{style}"/>"#);
                }
            }
            self.out.push_str("</table:table-cell>");
        }
        self.out.push_str("</table:table-row>");
    }
}

/// Text with the spaces ODF would otherwise collapse kept: a space after
/// another, or at the start of a line of code, is `<text:s/>`, and a tab
/// is `<text:tab/>`.
fn spaces(text: &str, at_start: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_space = at_start;
    for c in esc(text).chars() {
        match c {
            ' ' if after_space => out.push_str("<text:s/>"),
            '\t' => out.push_str("<text:tab/>"),
            '\n' => out.push_str("<text:line-break/>"),
            c => out.push(c),
        }
        after_space = c == ' ';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_that_would_collapse_are_kept() {
        assert_eq!(spaces("a  b", false), "a <text:s/>b");
        assert_eq!(spaces("  x<y", true), "<text:s/><text:s/>x&lt;y");
        assert_eq!(spaces("a\tb", false), "a<text:tab/>b");
    }
}
