//! A [`Doc`] as a Word document (Office Open XML, .docx).
//!
//! Word's accessibility checker and screen readers look for what is
//! written here: built-in heading styles with outline levels (so the
//! navigation pane lists the report), a document language, table header
//! rows that repeat on each page, pictures with a description, and real
//! footnotes. Styles use Word's own built-in names (`heading 1`, `Quote`,
//! `footnote text`), so a reviewer's Word treats them as its own.

use std::fmt::Write;

use super::doc::*;
use super::package::{Package, esc, is_compressed, timestamp};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// The .docx file's bytes.
pub fn write(doc: &Doc) -> std::io::Result<Vec<u8>> {
    let mut w = Writer {
        doc,
        rels: [Rels::default(), Rels::default()],
        part: 0,
        notes: Vec::new(),
        pictures: 0,
        media: vec![None; doc.pictures.len()],
    };
    let mut body = String::new();
    for part in &doc.body {
        match part {
            Part::Para(p) => w.para(&mut body, p, None),
            Part::Table(t) => w.table(&mut body, t),
        }
    }
    let mut p = Package::new(doc.meta.date);
    p.add("[Content_Types].xml", content_types(doc).as_bytes(), false)?;
    p.add("_rels/.rels", package_rels().as_bytes(), false)?;
    p.add("docProps/core.xml", core(&doc.meta).as_bytes(), false)?;
    p.add("docProps/app.xml", app(&doc.meta).as_bytes(), false)?;
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>{body}<w:sectPr><w:footnotePr><w:numFmt w:val="decimal"/></w:footnotePr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    p.add("word/document.xml", document.as_bytes(), false)?;
    p.add(
        "word/styles.xml",
        styles(&doc.meta.language).as_bytes(),
        false,
    )?;
    p.add(
        "word/numbering.xml",
        numbering(&doc.lists).as_bytes(),
        false,
    )?;
    p.add(
        "word/settings.xml",
        settings(&doc.meta.language).as_bytes(),
        false,
    )?;
    p.add("word/footnotes.xml", footnotes(&w.notes).as_bytes(), false)?;
    let mut doc_rels = Rels::default();
    for (kind, target) in [
        ("styles", "styles.xml"),
        ("numbering", "numbering.xml"),
        ("settings", "settings.xml"),
        ("footnotes", "footnotes.xml"),
    ] {
        doc_rels.add(kind, target, false);
    }
    let [body_rels, note_rels] = w.rels;
    doc_rels.entries.extend(body_rels.entries);
    p.add(
        "word/_rels/document.xml.rels",
        doc_rels.xml("rIdD").as_bytes(),
        false,
    )?;
    p.add(
        "word/_rels/footnotes.xml.rels",
        note_rels.xml("rIdN").as_bytes(),
        false,
    )?;
    for (pic, name) in doc.pictures.iter().zip(&w.media) {
        if let Some(name) = name {
            p.add(
                &format!("word/media/{name}"),
                &pic.bytes,
                is_compressed(pic.mime),
            )?;
        }
    }
    p.finish()
}

/// A part's relationships: (type, target, external), numbered in order.
#[derive(Default)]
struct Rels {
    entries: Vec<(&'static str, String, bool)>,
}

impl Rels {
    /// Adds one (or finds it) and gives its number.
    fn add(&mut self, kind: &'static str, target: &str, external: bool) -> usize {
        let found = self
            .entries
            .iter()
            .position(|(k, t, _)| *k == kind && t == target);
        found.unwrap_or_else(|| {
            self.entries.push((kind, target.to_string(), external));
            self.entries.len() - 1
        }) + 1
    }

    fn xml(&self, prefix: &str) -> String {
        let mut s = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_REL}">"#
        );
        for (i, (kind, target, external)) in self.entries.iter().enumerate() {
            let mode = if *external {
                r#" TargetMode="External""#
            } else {
                ""
            };
            let _ = write!(
                s,
                r#"<Relationship Id="{prefix}{}" Type="{REL}/{kind}" Target="{}"{mode}/>"#,
                i + 1,
                esc(target)
            );
        }
        s.push_str("</Relationships>");
        s
    }
}

fn content_types(doc: &Doc) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#,
    );
    let mut seen = Vec::new();
    for pic in doc.pictures.iter().filter(|p| shown(p)) {
        let ext = pic.name.rsplit('.').next().unwrap_or("png");
        if !seen.contains(&ext) {
            seen.push(ext);
            let _ = write!(
                s,
                r#"<Default Extension="{ext}" ContentType="{}"/>"#,
                pic.mime
            );
        }
    }
    let ml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    for (part, kind) in [
        ("/word/document.xml", format!("{ml}.document.main+xml")),
        ("/word/styles.xml", format!("{ml}.styles+xml")),
        ("/word/numbering.xml", format!("{ml}.numbering+xml")),
        ("/word/settings.xml", format!("{ml}.settings+xml")),
        ("/word/footnotes.xml", format!("{ml}.footnotes+xml")),
        (
            "/docProps/core.xml",
            "application/vnd.openxmlformats-package.core-properties+xml".into(),
        ),
        (
            "/docProps/app.xml",
            "application/vnd.openxmlformats-officedocument.extended-properties+xml".into(),
        ),
    ] {
        let _ = write!(s, r#"<Override PartName="{part}" ContentType="{kind}"/>"#);
    }
    s.push_str("</Types>");
    s
}

fn package_rels() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="{PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

fn core(m: &Meta) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
    );
    let _ = write!(s, "<dc:title>{}</dc:title>", esc(&m.title));
    if let Some(subject) = &m.subject {
        let _ = write!(s, "<dc:subject>{}</dc:subject>", esc(subject));
    }
    let _ = write!(s, "<dc:creator>{}</dc:creator>", esc(&m.creator));
    if let Some(d) = &m.description {
        let _ = write!(s, "<dc:description>{}</dc:description>", esc(d.trim()));
    }
    let when = timestamp(m.date);
    let _ = write!(
        s,
        r#"<dc:language>{}</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>"#,
        esc(&m.language)
    );
    s
}

fn app(m: &Meta) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>rapport/{}</Application><Company>{}</Company></Properties>"#,
        env!("CARGO_PKG_VERSION"),
        esc(&m.publisher)
    )
}

/// The style ids paragraphs name; each is defined in [`styles`].
fn style_id(style: Style) -> String {
    match style {
        Style::Body => "Normal".into(),
        Style::Title => "Title".into(),
        Style::Subtitle => "Subtitle".into(),
        Style::Heading(n) => format!("Heading{n}"),
        Style::Quote => "Quote".into(),
        Style::Code => "HTMLPreformatted".into(),
        Style::Caption => "Caption".into(),
    }
}

fn styles(language: &str) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="{}"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="276" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>"#,
        esc(language)
    );
    for (n, size) in [(1, 40), (2, 32), (3, 28), (4, 24), (5, 22), (6, 22)] {
        let _ = write!(
            s,
            r#"<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="{}"/></w:pPr><w:rPr><w:b/><w:bCs/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"#,
            n - 1
        );
    }
    let para = |id: &str, name: &str, ppr: &str, rpr: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"#
        )
    };
    for style in [
        para(
            "Title",
            "Title",
            "<w:spacing w:after=\"240\"/>",
            "<w:b/><w:sz w:val=\"52\"/>",
        ),
        para("Subtitle", "Subtitle", "", "<w:sz w:val=\"32\"/>"),
        para(
            "Quote",
            "Quote",
            "<w:ind w:left=\"567\" w:right=\"567\"/>",
            "<w:i/>",
        ),
        para(
            "HTMLPreformatted",
            "HTML Preformatted",
            "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            "<w:rFonts w:ascii=\"Consolas\" w:hAnsi=\"Consolas\" w:cs=\"Consolas\"/><w:sz w:val=\"20\"/>",
        ),
        para(
            "Caption",
            "caption",
            "<w:keepNext/>",
            "<w:i/><w:sz w:val=\"20\"/>",
        ),
        para(
            "ListParagraph",
            "List Paragraph",
            "<w:ind w:left=\"720\"/><w:contextualSpacing/>",
            "",
        ),
        para(
            "FootnoteText",
            "footnote text",
            "<w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>",
            "<w:sz w:val=\"18\"/>",
        ),
        para("TableText", "Table Text", "<w:spacing w:after=\"0\"/>", ""),
        para(
            "TableHeading",
            "Table Heading",
            "<w:spacing w:after=\"0\"/>",
            "<w:b/>",
        ),
    ] {
        s.push_str(&style);
    }
    s.push_str(concat!(
        r#"<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>"#,
        r#"<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="1D4F91"/><w:u w:val="single"/></w:rPr></w:style>"#,
        r#"<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>"#,
        r#"<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="505A5F"/><w:left w:val="single" w:sz="4" w:space="0" w:color="505A5F"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="505A5F"/><w:right w:val="single" w:sz="4" w:space="0" w:color="505A5F"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="505A5F"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="505A5F"/></w:tblBorders></w:tblPr></w:style>"#,
        "</w:styles>"
    ));
    s
}

/// Two list designs (bullets; numbers `1.` at every level), and one
/// numbering per list, so each list counts from its own start.
fn numbering(lists: &[ListKind]) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">"#
    );
    for (id, ordered) in [(0, false), (1, true)] {
        let _ = write!(
            s,
            r#"<w:abstractNum w:abstractNumId="{id}"><w:multiLevelType w:val="hybridMultilevel"/>"#
        );
        for level in 0..9 {
            let (fmt, text) = if ordered {
                ("decimal", format!("%{}.", level + 1))
            } else {
                ("bullet", ["•", "◦", "▪"][level % 3].to_string())
            };
            let _ = write!(
                s,
                r#"<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{}" w:hanging="360"/></w:pPr></w:lvl>"#,
                720 * (level + 1)
            );
        }
        s.push_str("</w:abstractNum>");
    }
    for (i, l) in lists.iter().enumerate() {
        let _ = write!(
            s,
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="{}"/>"#,
            i + 1,
            l.ordered as u8
        );
        if l.ordered {
            let _ = write!(
                s,
                r#"<w:lvlOverride w:ilvl="{}"><w:startOverride w:val="{}"/></w:lvlOverride>"#,
                l.level, l.start
            );
        }
        s.push_str("</w:num>");
    }
    s.push_str("</w:numbering>");
    s
}

fn settings(language: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W}"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="{}"/></w:settings>"#,
        esc(language)
    )
}

/// The notes, after the two separators Word expects.
fn footnotes(notes: &[String]) -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}" xmlns:r="{R}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#
    );
    for (i, body) in notes.iter().enumerate() {
        let _ = write!(s, r#"<w:footnote w:id="{}">{body}</w:footnote>"#, i + 1);
    }
    s.push_str("</w:footnotes>");
    s
}

/// Whether Word can show a picture: an SVG needs a bitmap beside it,
/// which rapport does not draw, so it is given as its description.
fn shown(p: &Picture) -> bool {
    p.mime != "image/svg+xml"
}

struct Writer<'a> {
    doc: &'a Doc,
    /// The relationships of the document and of the footnotes.
    rels: [Rels; 2],
    /// Which part is being written: 0 the document, 1 a footnote.
    part: usize,
    /// Each footnote's paragraphs, written.
    notes: Vec<String>,
    /// Pictures placed, for their unique ids.
    pictures: usize,
    /// Each picture's file name in the package, once placed.
    media: Vec<Option<String>>,
}

impl Writer<'_> {
    /// A paragraph; `style` overrides its own (table cells).
    fn para(&mut self, out: &mut String, p: &Para, style: Option<&str>) {
        let id = style.map_or_else(|| style_id(p.style), str::to_string);
        let mut ppr = String::new();
        match p.list {
            Some((l, true)) if style.is_none() => {
                let _ = write!(
                    ppr,
                    r#"<w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{}"/><w:numId w:val="{}"/></w:numPr>"#,
                    self.doc.lists[l].level,
                    l + 1
                );
            }
            Some((l, false)) if style.is_none() && p.style == Style::Body => {
                let _ = write!(
                    ppr,
                    r#"<w:pStyle w:val="ListParagraph"/><w:ind w:left="{}"/>"#,
                    720 * (self.doc.lists[l].level as u32 + 1)
                );
            }
            _ => {
                let _ = write!(ppr, r#"<w:pStyle w:val="{id}"/>"#);
            }
        }
        if style == Some("TableRight") {
            ppr = r#"<w:pStyle w:val="TableText"/><w:jc w:val="right"/>"#.into();
        }
        let _ = write!(out, "<w:p><w:pPr>{ppr}</w:pPr>");
        for run in &p.runs {
            self.run(out, run, false);
        }
        out.push_str("</w:p>");
    }

    fn run(&mut self, out: &mut String, run: &Run, link: bool) {
        match run {
            Run::Text(t, f) => {
                let _ = write!(out, "<w:r>{}", rpr(*f, link));
                text(out, t);
                out.push_str("</w:r>");
            }
            Run::Link(url, runs) => {
                let id = self.rels[self.part].add("hyperlink", url, true);
                let prefix = ["rIdD", "rIdN"][self.part];
                // The document's own relationships come first (styles...).
                let id = if self.part == 0 { id + 4 } else { id };
                let _ = write!(out, r#"<w:hyperlink r:id="{prefix}{id}">"#);
                for r in runs {
                    self.run(out, r, true);
                }
                out.push_str("</w:hyperlink>");
            }
            Run::Note(paras) => {
                let n = self.notes.len() + 1;
                // Its place is taken now, so notes inside it come after.
                self.notes.push(String::new());
                let saved = std::mem::replace(&mut self.part, 1);
                let mut body = String::new();
                for (i, p) in paras.iter().enumerate() {
                    body.push_str(r#"<w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>"#);
                    if i == 0 {
                        body.push_str(r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>"#);
                    }
                    for r in &p.runs {
                        self.run(&mut body, r, false);
                    }
                    body.push_str("</w:p>");
                }
                if paras.is_empty() {
                    body.push_str(r#"<w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r></w:p>"#);
                }
                self.part = saved;
                self.notes[n - 1] = body;
                let _ = write!(
                    out,
                    r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{n}"/></w:r>"#
                );
            }
            Run::Picture(i) => self.picture(out, *i),
            Run::Break => out.push_str("<w:r><w:br/></w:r>"),
        }
    }

    /// A picture in the line, with its text alternative as its
    /// description (Word's "alt text").
    fn picture(&mut self, out: &mut String, i: usize) {
        let pic = &self.doc.pictures[i];
        if !shown(pic) {
            let f = Fmt {
                italic: true,
                ..Fmt::default()
            };
            let _ = write!(out, "<w:r>{}", rpr(f, false));
            text(out, &format!("[{}]", pic.alt));
            out.push_str("</w:r>");
            return;
        }
        let name = self.media[i]
            .get_or_insert_with(|| pic.name.clone())
            .clone();
        let rel = self.rels[self.part].add("image", &format!("media/{name}"), false);
        let id = if self.part == 0 {
            format!("rIdD{}", rel + 4)
        } else {
            format!("rIdN{rel}")
        };
        self.pictures += 1;
        let n = self.pictures;
        let (w, h) = pic.size_mm();
        let (cx, cy) = ((w * 36000.0) as u64, (h * 36000.0) as u64);
        let alt = esc(&pic.alt);
        let _ = write!(
            out,
            r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="Picture {n}" descr="{alt}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{n}" name="{}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="{id}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"#,
            esc(&name)
        );
    }

    /// A table whose first row is its header, repeated on each page
    /// (`tblHeader`), with its caption above it and as its title.
    fn table(&mut self, out: &mut String, t: &Table) {
        if let Some(c) = &t.caption {
            let _ = write!(
                out,
                r#"<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr><w:r>"#
            );
            text(out, c);
            out.push_str("</w:r></w:p>");
        }
        let cols = t
            .rows
            .iter()
            .map(Vec::len)
            .chain([t.head.len()])
            .max()
            .unwrap_or(1)
            .max(1);
        // The text width (9070 twentieths of a point) shared out evenly.
        let width = 9070 / cols;
        out.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>"#);
        if let Some(c) = &t.caption {
            let _ = write!(out, r#"<w:tblCaption w:val="{}"/>"#, esc(c));
        }
        out.push_str("</w:tblPr><w:tblGrid>");
        for _ in 0..cols {
            let _ = write!(out, r#"<w:gridCol w:w="{width}"/>"#);
        }
        out.push_str("</w:tblGrid>");
        if !t.head.is_empty() {
            self.row(out, &t.head, cols, &[], true);
        }
        for r in &t.rows {
            self.row(out, r, cols, &t.right, false);
        }
        out.push_str("</w:tbl>");
        // Word needs a paragraph between two tables, or it joins them.
        out.push_str("<w:p/>");
    }

    fn row(
        &mut self,
        out: &mut String,
        cells: &[Vec<Para>],
        cols: usize,
        right: &[bool],
        head: bool,
    ) {
        out.push_str("<w:tr>");
        if head {
            out.push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
        }
        for i in 0..cols {
            out.push_str("<w:tc>");
            let style = match (head, right.get(i) == Some(&true)) {
                (true, _) => "TableHeading",
                (false, true) => "TableRight",
                (false, false) => "TableText",
            };
            match cells.get(i) {
                Some(paras) if !paras.is_empty() => {
                    for p in paras {
                        self.para(out, p, Some(style));
                    }
                }
                _ => out.push_str(r#"<w:p><w:pPr><w:pStyle w:val="TableText"/></w:pPr></w:p>"#),
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
}

/// A run's properties, in the order Word's schema sets them.
fn rpr(f: Fmt, link: bool) -> String {
    if f == Fmt::default() && !link {
        return String::new();
    }
    let mut s = String::from("<w:rPr>");
    if link {
        s.push_str(r#"<w:rStyle w:val="Hyperlink"/>"#);
    }
    if f.code {
        s.push_str(r#"<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas" w:cs="Consolas"/>"#);
    }
    if f.bold {
        s.push_str("<w:b/>");
    }
    if f.italic {
        s.push_str("<w:i/>");
    }
    if f.strike {
        s.push_str("<w:strike/>");
    }
    if f.sup {
        s.push_str(r#"<w:vertAlign w:val="superscript"/>"#);
    } else if f.sub {
        s.push_str(r#"<w:vertAlign w:val="subscript"/>"#);
    }
    s.push_str("</w:rPr>");
    s
}

/// Text in a run: tabs and line breaks as Word's own elements.
fn text(out: &mut String, t: &str) {
    for (i, line) in t.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !piece.is_empty() {
                let _ = write!(out, r#"<w:t xml:space="preserve">{}</w:t>"#, esc(piece));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_tabs_breaks_and_escape_text() {
        let mut out = String::new();
        text(&mut out, "a<b\tc\nd");
        assert_eq!(
            out,
            r#"<w:t xml:space="preserve">a&lt;b</w:t><w:tab/><w:t xml:space="preserve">c</w:t><w:br/><w:t xml:space="preserve">d</w:t>"#
        );
    }
}
