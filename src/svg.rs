//! Whether an SVG file is safe to publish on the site's own origin.
//!
//! An SVG is an XML document: opened at its own address it can run script
//! with the site's cookies and storage, and shown anywhere it can load
//! files from other servers. Sanitising SVG by rewriting it is hard to get
//! right (namespaces, entities, animation, CSS), so rapport does not
//! rewrite: it parses the file with a real XML parser (`roxmltree`, used
//! only here) and refuses any SVG that has something that can run, hide
//! something that can run, or fetch something:
//!
//! - DTD declarations (`<!ENTITY>`, `<!ATTLIST>`...): browsers apply them,
//!   and an entity or a default attribute could carry what the tree
//!   checked here does not show;
//! - an encoding other than UTF-8, which could make a browser read
//!   different markup from the same bytes;
//! - processing instructions (`<?xml-stylesheet?>` can load XSLT or CSS);
//! - `script`, `foreignObject` and `handler` elements, and any element in
//!   the HTML, MathML, XSLT or XInclude namespace;
//! - event-handler attributes (`onload`, `onclick`...), and `xml:base`;
//! - a link (`href`, `xlink:href`) or CSS `url(...)` that is not a
//!   `#fragment` of the same file, or a picture or font carried inside it
//!   as a `data:` URL ([`INLINE_DATA`]: charts exported from office
//!   software and chart tools embed them that way);
//! - animation of a link or an event handler;
//! - CSS with `@import`, escapes or the old script forms (`expression()`,
//!   `-moz-binding`, `behavior`).
//!
//! What is left is drawing: shapes, paths, text, gradients, filters,
//! clip paths, markers and `<use>` of the file's own parts, which is what
//! charts and diagrams exported from Excel, Illustrator, Inkscape or
//! matplotlib contain.

use roxmltree::{Document, Node, ParsingOptions};

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Namespaces whose elements browsers give behaviour to (HTML's `script`
/// and `iframe` run inside any XML document) or that transform the file.
const ACTIVE_NAMESPACES: &[(&str, &str)] = &[
    ("http://www.w3.org/1999/xhtml", "HTML"),
    ("http://www.w3.org/1998/Math/MathML", "MathML"),
    ("http://www.w3.org/1999/XSL/Transform", "XSLT"),
    ("http://www.w3.org/2001/XInclude", "XInclude"),
];

/// Elements that run code or embed another document.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script",
    "foreignobject",
    "handler",
    "listener",
    "iframe",
    "embed",
    "object",
];

const ANIMATIONS: &[&str] = &[
    "animate",
    "set",
    "animatemotion",
    "animatetransform",
    "animatecolor",
];

/// Attributes whose values are CSS, where `url(...)` and escapes work:
/// `style`, the presentation attributes that take a URL, and animation
/// values (which become the animated property's value).
const CSS_ATTRIBUTES: &[&str] = &[
    "style",
    "fill",
    "stroke",
    "clip-path",
    "mask",
    "filter",
    "marker",
    "marker-start",
    "marker-mid",
    "marker-end",
    "cursor",
    "values",
    "from",
    "to",
    "by",
];

/// Pictures and fonts an SVG may carry inside itself as `data:` URLs:
/// raster pictures (on `<image>`, or in CSS), which office software embeds
/// that way, and fonts (in CSS `@font-face`), which chart tools embed.
/// None of them can run script, and none is fetched from anywhere.
const INLINE_DATA: &[&str] = &[
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
    "data:font/woff2",
    "data:font/woff",
    "data:font/ttf",
    "data:font/otf",
];

/// The largest SVG rapport checks. The check holds the file and its tree in
/// memory; charts and maps for reports are far smaller, and anything larger
/// is better published as a PNG or a PDF.
pub const MAX_SVG_BYTES: usize = 16 * 1024 * 1024;

/// Why an SVG is refused, and where in it (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsafe {
    pub reason: String,
    pub line: u32,
    pub column: u32,
}

/// Checks an SVG file's bytes. `Ok` means it may be published as it is.
pub fn check(bytes: &[u8]) -> Result<(), Unsafe> {
    let at_start = |reason: String| Unsafe {
        reason,
        line: 1,
        column: 1,
    };
    if bytes.len() > MAX_SVG_BYTES {
        return Err(at_start(format!(
            "it is larger than {} MiB, the most rapport checks",
            MAX_SVG_BYTES / (1024 * 1024)
        )));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| at_start("it is not saved as UTF-8 text".into()))?;
    check_prologue(text)?;
    let opts = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, opts).map_err(|e| {
        let pos = e.pos();
        Unsafe {
            reason: "it is not well-formed XML, so browsers would not show it".into(),
            line: pos.row,
            column: pos.col,
        }
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(at(
            &doc,
            root,
            "its top element is not an SVG `<svg>`".into(),
        ));
    }
    for node in doc.root().descendants() {
        check_node(node).map_err(|reason| at(&doc, node, reason))?;
    }
    Ok(())
}

fn at(doc: &Document, node: Node, reason: String) -> Unsafe {
    let pos = doc.text_pos_at(node.range().start);
    Unsafe {
        reason,
        line: pos.row,
        column: pos.col,
    }
}

/// What the tree does not show: the declared encoding, and DTD
/// declarations (the parser skips `<!ATTLIST>`, which browsers apply).
fn check_prologue(text: &str) -> Result<(), Unsafe> {
    let at_offset = |offset: usize, reason: String| {
        let before = &text[..offset];
        Unsafe {
            reason,
            line: before.matches('\n').count() as u32 + 1,
            column: before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1,
        }
    };
    let body = text.trim_start_matches('\u{feff}');
    if body.starts_with("<?xml")
        && let Some(end) = body.find("?>")
        && let Some(enc) = declared_encoding(&body[..end])
        && !matches!(enc.as_str(), "utf-8" | "utf8" | "us-ascii" | "ascii")
    {
        return Err(at_offset(
            0,
            format!("it declares the encoding `{enc}`, and rapport checks only UTF-8 SVGs"),
        ));
    }
    for decl in ["<!ENTITY", "<!ATTLIST", "<!ELEMENT", "<!NOTATION"] {
        if let Some(offset) = text.find(decl) {
            return Err(at_offset(
                offset,
                format!(
                    "it declares its own XML definitions (`{decl}`), which could hide script from this check"
                ),
            ));
        }
    }
    Ok(())
}

fn declared_encoding(decl: &str) -> Option<String> {
    let rest = &decl[decl.find("encoding")? + "encoding".len()..];
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    Some(value.trim().to_ascii_lowercase())
}

fn check_node(node: Node) -> Result<(), String> {
    if let Some(pi) = node.pi() {
        return Err(format!(
            "it has a processing instruction `<?{}?>`, which can load other files",
            pi.target
        ));
    }
    if !node.is_element() {
        return Ok(());
    }
    let tag = node.tag_name();
    let name = tag.name().to_ascii_lowercase();
    if let Some(ns) = tag.namespace()
        && let Some((_, what)) = ACTIVE_NAMESPACES.iter().find(|(n, _)| *n == ns)
    {
        return Err(format!(
            "it has a `<{}>` element from {what}, which browsers can run inside an SVG",
            tag.name()
        ));
    }
    if ACTIVE_ELEMENTS.contains(&name.as_str()) {
        return Err(format!(
            "it has a `<{}>` element, which can run code",
            tag.name()
        ));
    }
    if ANIMATIONS.contains(&name.as_str())
        && let Some(target) = node.attribute("attributeName")
    {
        let target = target.trim().to_ascii_lowercase();
        if target.contains("href") || target.starts_with("on") || target.ends_with("base") {
            return Err(format!(
                "it animates the `{target}` attribute, which can turn it into a script link"
            ));
        }
    }
    if name == "style" {
        let css: String = node
            .children()
            .filter_map(|c| c.text())
            .collect::<Vec<_>>()
            .concat();
        check_css(&css).map_err(|e| format!("its `<style>` element {e}"))?;
    }
    for attr in node.attributes() {
        check_attribute(&name, attr)?;
    }
    Ok(())
}

fn check_attribute(element: &str, attr: roxmltree::Attribute) -> Result<(), String> {
    let name = attr.name().to_ascii_lowercase();
    let value = attr.value();
    if name.starts_with("on") {
        return Err(format!(
            "it has an event handler (`{}`), which runs script",
            attr.name()
        ));
    }
    if name == "base" && attr.namespace() == Some(XML_NS) {
        return Err("it has an `xml:base` attribute, which redirects its links".into());
    }
    if name == "href" && !same_file(value) && !data_image(element, value) {
        return Err(format!(
            "it links to `{}`, outside the SVG file itself",
            shorten(value)
        ));
    }
    if attr.namespace().is_none() && CSS_ATTRIBUTES.contains(&name.as_str()) {
        check_css(value).map_err(|e| format!("its `{}` attribute {e}", attr.name()))?;
    } else if let Some(url) = foreign_url(value) {
        return Err(format!(
            "its `{}` attribute refers to `{}`, outside the SVG file itself",
            attr.name(),
            shorten(&url)
        ));
    }
    Ok(())
}

/// Checks CSS text; the error completes "its `<style>` element ...".
fn check_css(css: &str) -> Result<(), String> {
    let lower = css.to_ascii_lowercase();
    if css.contains('\\') {
        return Err("uses CSS escapes (`\\`), which can disguise a link".into());
    }
    for (needle, what) in [
        ("@import", "`@import`s another style sheet"),
        ("expression(", "has a script `expression()`"),
        ("-moz-binding", "has a `-moz-binding`, which can run script"),
        ("behavior", "has a `behavior`, which can run script"),
        ("image-set(", "loads images with `image-set()`"),
        ("src(", "loads a file with `src()`"),
    ] {
        if lower.contains(needle) {
            return Err(what.into());
        }
    }
    if let Some(url) = foreign_url(css) {
        return Err(format!(
            "refers to `{}`, outside the SVG file itself",
            shorten(&url)
        ));
    }
    Ok(())
}

/// The first `url(...)` in a value that is not a `#fragment`.
fn foreign_url(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("url(") {
        let start = from + i + 4;
        let inner = &value[start..];
        let end = inner.find(')').unwrap_or(inner.len());
        let target = inner[..end].trim().trim_matches(['"', '\'']).trim();
        if !target.starts_with('#') && !inline_data(target) {
            return Some(target.to_string());
        }
        from = start;
    }
    None
}

fn same_file(href: &str) -> bool {
    href.trim().starts_with('#')
}

fn data_image(element: &str, href: &str) -> bool {
    matches!(element, "image" | "feimage")
        && inline_data(href)
        && href.trim().to_ascii_lowercase().starts_with("data:image/")
}

/// A `data:` URL of one of the [`INLINE_DATA`] types (exactly: the type is
/// followed by its parameters or the data).
fn inline_data(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    INLINE_DATA.iter().any(|p| {
        url.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with([';', ',']))
    })
}

/// A value short enough to quote in a message.
fn shorten(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(inner: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" viewBox=\"0 0 10 10\">{inner}</svg>"
        )
    }

    fn refused(text: &str) -> String {
        check(text.as_bytes())
            .expect_err(&format!("accepted: {text}"))
            .reason
    }

    #[test]
    fn drawings_with_their_own_references_pass() {
        let clean = svg(concat!(
            "<title>Funding</title><defs><linearGradient id=\"g\"><stop offset=\"0\"/></linearGradient>",
            "<clipPath id=\"c\"><rect width=\"5\" height=\"5\"/></clipPath></defs>",
            "<style>.bar { fill: url(#g); }</style>",
            "<rect class=\"bar\" width=\"4\" height=\"8\" fill=\"url('#g')\" clip-path=\"url(#c)\" style=\"stroke:#000\"/>",
            "<use xlink:href=\"#c\"/><a href=\"#c\"><text>Funding</text></a>",
            "<image href=\"data:image/png;base64,iVBORw0KGgo=\" width=\"1\" height=\"1\"/>",
            "<style>@font-face { font-family: F; src: url(data:font/woff2;base64,d09GMgABAAAA) }</style>",
        ));
        assert_eq!(check(clean.as_bytes()), Ok(()));
        let with_doctype = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n{}",
            svg("<circle r=\"1\"/>")
        );
        assert_eq!(check(with_doctype.as_bytes()), Ok(()));
    }

    #[test]
    fn script_in_any_disguise_is_refused() {
        for (text, says) in [
            (svg("<script>alert(1)</script>"), "`<script>`"),
            (
                svg("<h:script xmlns:h=\"http://www.w3.org/1999/xhtml\">alert(1)</h:script>"),
                "HTML",
            ),
            (
                svg("<foreignObject><p>x</p></foreignObject>"),
                "foreignObject",
            ),
            (svg("<rect onclick=\"alert(1)\"/>"), "event handler"),
            (
                svg("<a href=\"javascript:alert(1)\"><text>x</text></a>"),
                "javascript:",
            ),
            (
                svg("<a href=\"#x\"><set attributeName=\"href\" to=\"javascript:alert(1)\"/></a>"),
                "animates",
            ),
            (
                format!(
                    "<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?>{}",
                    svg("")
                ),
                "processing instruction",
            ),
            (
                format!(
                    "<!DOCTYPE svg [<!ENTITY x \"&#60;script&#62;\">]>{}",
                    svg("<text>&x;</text>")
                ),
                "<!ENTITY",
            ),
            (
                format!(
                    "<!DOCTYPE svg [<!ATTLIST svg onload CDATA \"alert(1)\">]>{}",
                    svg("")
                ),
                "<!ATTLIST",
            ),
            (
                svg("<style>@import 'https://x.example/a.css';</style>"),
                "@import",
            ),
            (
                svg("<style>rect { fill: \\75 rl(https://x.example/) }</style>"),
                "escapes",
            ),
        ] {
            let reason = refused(&text);
            assert!(reason.contains(says), "{says}: {reason}");
        }
    }

    #[test]
    fn references_to_other_files_are_refused() {
        for text in [
            svg("<use href=\"other.svg#icon\"/>"),
            svg("<image xlink:href=\"https://tracker.example/pixel.png\"/>"),
            svg("<image href=\"data:image/svg+xml;base64,PHN2Zz4=\"/>"),
            svg("<image href=\"data:image/pngx;base64,AAAA\"/>"),
            svg("<rect style=\"fill:url(data:image/svg+xml,%3Csvg%3E)\"/>"),
            svg("<use href=\"data:font/woff2;base64,AAAA\"/>"),
            svg("<rect fill=\"URL( 'https://x.example/p.svg#p' )\"/>"),
            svg("<rect style=\"fill:url(x.svg#p)\"/>"),
            svg("<style>rect{fill:url(https://x.example/)}</style>"),
            svg(
                "<rect><animate attributeName=\"fill\" values=\"url(https://x.example/#a)\"/></rect>",
            ),
            svg("<g xml:base=\"https://x.example/\"/>"),
        ] {
            refused(&text);
        }
    }

    #[test]
    fn refusals_say_where() {
        let e = check(svg("\n\n  <script/>").as_bytes()).unwrap_err();
        assert_eq!((e.line, e.column), (3, 3));
        let e = check(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect></svg>").unwrap_err();
        assert!(e.reason.contains("not well-formed"), "{}", e.reason);
        let e = check(b"<?xml version=\"1.0\" encoding=\"ISO-2022-JP\"?><svg/>").unwrap_err();
        assert!(e.reason.contains("iso-2022-jp"), "{}", e.reason);
        let e = check(b"<html xmlns=\"http://www.w3.org/1999/xhtml\"/>").unwrap_err();
        assert!(e.reason.contains("not an SVG"), "{}", e.reason);
    }
}
