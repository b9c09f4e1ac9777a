//! The one check every image passes before rapport uses it.
//!
//! An image file's header says how many pixels it holds, and the PDF
//! engine decodes every one of them: a 74-byte PNG can declare
//! 2,147,483,647 pixels square, and decoding it asks for exabytes of
//! memory, which ends the process with no message at all. So every image a
//! site uses (in a chapter or a recommendation, the logo in `site.yaml`,
//! and whatever the PDF engine itself is asked to read: images linked from
//! an SVG or from a site's own Typst template) is measured here from its
//! header, without decoding it, and refused beyond [`MAX_PIXELS`] or
//! [`MAX_BYTES`], when its header cannot be read, or when it is in a format
//! the PDF cannot hold. An SVG is parsed, and the pictures it embeds or
//! links to are measured the same way.
//!
//! The result is a [`Refusal`], which the caller turns into a diagnostic at
//! the place the image is named.

use std::io::Read;

use crate::diagnostics::{Diagnostic, thousands};
use crate::vfs::{self, FileSystem};

/// The most pixels an image may have: 50 megapixels, a photograph from a
/// good camera (8,660 × 5,770). Decoded, that is 200 MB, which the PDF
/// engine holds while it writes the image; a page printed edge to edge at
/// 300 dots per inch needs under 9 megapixels, so nothing a reader sees is
/// lost by resizing a larger image first.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The largest image file: 50 MB. The PDF engine reads the whole file into
/// memory, and web readers download it; a 50-megapixel photograph saved as
/// a good JPEG is well under this.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;

/// The width of a page printed edge to edge at 300 dots per inch, offered
/// in hints as the size that loses nothing.
const PRINT_WIDTH: u64 = 2_500;

/// How much of a file is read to tell its format.
const HEAD: u64 = 512;

/// Why an image cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// More than [`MAX_PIXELS`]; `inside` names the SVG's embedded or
    /// linked picture when it is that which is too large.
    Pixels {
        width: u64,
        height: u64,
        inside: Option<String>,
    },
    /// More than [`MAX_BYTES`].
    Bytes(u64),
    /// Its header cannot be read, or it is not an image at all.
    Unreadable(String),
    /// An image, but in a format the PDF cannot include.
    Unsupported(String),
}

/// The pixel size of a raster image, `None` for an SVG.
pub type Size = Option<(u32, u32)>;

/// Measures the image at site-relative `path`.
pub fn check(fs: &dyn FileSystem, path: &str) -> Result<Size, Refusal> {
    let unreadable = || Refusal::Unreadable("the file cannot be read".into());
    let len = vfs::file_len(fs, path).ok_or_else(unreadable)?;
    if len > MAX_BYTES {
        return Err(Refusal::Bytes(len));
    }
    let head = read_head(fs, path).ok_or_else(unreadable)?;
    if looks_like_svg(&head) {
        let bytes = fs.read(path).map_err(|_| unreadable())?;
        let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        return svg(&bytes, Some((fs, dir))).map(|()| None);
    }
    let format = raster_format(&head)?;
    let dim = match fs.disk_path(path) {
        Some(p) => imagesize::size(p),
        None => imagesize::blob_size(&fs.read(path).map_err(|_| unreadable())?),
    }
    .map_err(|_| truncated(format))?;
    pixels(dim.width as u64, dim.height as u64, None).map(Some)
}

/// Measures an image already in memory: what the PDF engine is given.
pub fn check_bytes(bytes: &[u8]) -> Result<Size, Refusal> {
    if bytes.len() as u64 > MAX_BYTES {
        return Err(Refusal::Bytes(bytes.len() as u64));
    }
    if looks_like_svg(bytes) {
        return svg(bytes, None).map(|()| None);
    }
    let format = raster_format(bytes)?;
    let dim = imagesize::blob_size(bytes).map_err(|_| truncated(format))?;
    pixels(dim.width as u64, dim.height as u64, None).map(Some)
}

/// Whether the file at `path` holding `bytes` is an image, by its first
/// bytes or its name, so that the PDF engine's other files (fonts, a
/// template's data) pass unchecked.
pub fn is_image(path: &str, bytes: &[u8]) -> bool {
    use imagesize::ImageType::{Gif, Jpeg, Png, Webp};
    let lower = path.to_ascii_lowercase();
    // The formats the PDF engine tells by their bytes; a loose match
    // (TGA has no signature) must not catch a template's data file.
    matches!(imagesize::image_type(bytes), Ok(Png | Jpeg | Gif | Webp))
        || [".svg", ".svgz", ".png", ".jpg", ".jpeg", ".gif", ".webp"]
            .iter()
            .any(|ext| lower.ends_with(ext))
        || (looks_like_svg(bytes)
            && memchr::memmem::find(&bytes[..bytes.len().min(4096)], b"<svg").is_some())
}

impl Refusal {
    /// The problem, for the image at `path` (site-relative); the caller
    /// adds where the image is named.
    pub fn diagnostic(&self, path: &str) -> Diagnostic {
        match self {
            Refusal::Pixels {
                width,
                height,
                inside,
            } => {
                let what = match inside {
                    Some(inner) => format!("image `{path}` holds a picture ({inner}) of"),
                    None => format!("image `{path}` is"),
                };
                Diagnostic::error(
                    "image-too-large",
                    format!(
                        "{what} {} × {} pixels ({} pixels); the limit is {} pixels",
                        thousands(*width),
                        thousands(*height),
                        thousands(width.saturating_mul(*height)),
                        thousands(MAX_PIXELS)
                    ),
                )
                .with_hint(format!(
                    "resize it to at most {} pixels wide before adding it (a page printed edge to edge needs about {} pixels across, so nothing is lost)",
                    thousands(widest(*width, *height)),
                    thousands(PRINT_WIDTH)
                ))
            }
            Refusal::Bytes(len) => Diagnostic::error(
                "image-too-large",
                format!(
                    "image `{path}` is {:.1} MB; the limit is {} MB",
                    *len as f64 / (1024.0 * 1024.0),
                    MAX_BYTES / (1024 * 1024)
                ),
            )
            .with_hint(format!(
                "make the file smaller before adding it: resize it to at most {} pixels wide, and save photographs as JPEG",
                thousands(PRINT_WIDTH)
            )),
            Refusal::Unreadable(why) => {
                Diagnostic::error("bad-image", format!("image `{path}` cannot be read: {why}"))
                    .with_hint("open it in an image editor and save it again as PNG or JPEG")
            }
            Refusal::Unsupported(format) => Diagnostic::error(
                "bad-image",
                format!("image `{path}` is a {format} image, which the PDF cannot include"),
            )
            .with_hint("save it as PNG or JPEG (WebP, GIF and SVG also work)"),
        }
    }
}

fn pixels(width: u64, height: u64, inside: Option<String>) -> Result<(u32, u32), Refusal> {
    if width == 0 || height == 0 {
        return Err(Refusal::Unreadable(
            "its header says it has no pixels".into(),
        ));
    }
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(Refusal::Pixels {
            width,
            height,
            inside,
        });
    }
    // Within the budget, each side fits in 32 bits.
    Ok((width as u32, height as u32))
}

/// The widest the image can be, at its proportions, within the budget.
fn widest(width: u64, height: u64) -> u64 {
    let w = (MAX_PIXELS as f64 * width as f64 / height.max(1) as f64).sqrt();
    (w.floor() as u64).clamp(1, width)
}

fn truncated(format: &str) -> Refusal {
    Refusal::Unreadable(format!(
        "it starts like a {format} image but its header is cut short or damaged"
    ))
}

/// The formats the PDF can hold, by the file's first bytes.
fn raster_format(head: &[u8]) -> Result<&'static str, Refusal> {
    use imagesize::ImageType;
    if head.starts_with(&[0x1f, 0x8b]) {
        // Unpacked in full by the PDF engine, however large it unpacks to.
        return Err(Refusal::Unsupported("compressed SVG (.svgz)".into()));
    }
    let unsupported = |name: &str| Err(Refusal::Unsupported(name.into()));
    match imagesize::image_type(head) {
        Ok(ImageType::Png) => Ok("PNG"),
        Ok(ImageType::Jpeg) => Ok("JPEG"),
        Ok(ImageType::Gif) => Ok("GIF"),
        Ok(ImageType::Webp) => Ok("WebP"),
        Ok(ImageType::Heif(_)) => unsupported("HEIF or AVIF"),
        Ok(ImageType::Jxl) => unsupported("JPEG XL"),
        Ok(ImageType::Psd) => unsupported("Photoshop (PSD)"),
        Ok(other) => unsupported(&format!("{other:?}").to_uppercase()),
        Err(_) => Err(Refusal::Unreadable(
            "it is not a PNG, JPEG, GIF, WebP or SVG image".into(),
        )),
    }
}

/// An SVG is XML text: its first character (after a byte order mark and
/// white space) is `<`, which no raster format begins with. Whether it is
/// really an SVG is for the parser to say.
fn looks_like_svg(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Parses an SVG and measures the pictures it embeds (`data:` addresses)
/// or links to (files beside it, when `linked` gives the site and the
/// SVG's folder; the PDF engine's own reads are checked one by one).
fn svg(bytes: &[u8], linked: Option<(&dyn FileSystem, &str)>) -> Result<(), Refusal> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Refusal::Unreadable("it is not an SVG saved as UTF-8 text".into()))?;
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        Refusal::Unreadable(format!(
            "it is not a well-formed SVG file (the fault is at line {} of it)",
            e.pos().row
        ))
    })?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(Refusal::Unreadable("it is XML but not an SVG image".into()));
    }
    const XLINK: &str = "http://www.w3.org/1999/xlink";
    for node in doc
        .descendants()
        .filter(|n| n.is_element() && matches!(n.tag_name().name(), "image" | "feImage"))
    {
        let Some(href) = node
            .attribute("href")
            .or_else(|| node.attribute((XLINK, "href")))
            .map(str::trim)
        else {
            continue;
        };
        if href.starts_with("data:") {
            embedded(href)?;
        } else if let Some((fs, dir)) = linked
            && let Some(target) = vfs::resolve_relative(dir, href)
            && fs.is_file(&target)
        {
            linked_raster(fs, &target)?;
        }
    }
    Ok(())
}

/// A picture written into the SVG as a `data:` address.
fn embedded(href: &str) -> Result<(), Refusal> {
    let Ok(url) = data_url::DataUrl::process(href) else {
        return Ok(());
    };
    let Ok((bytes, _)) = url.decode_to_vec() else {
        return Ok(());
    };
    // The PDF engine reads only raster pictures from `data:` addresses.
    if imagesize::image_type(&bytes).is_err() {
        return Ok(());
    }
    let dim = imagesize::blob_size(&bytes).map_err(|_| truncated("embedded"))?;
    let inside = format!("embedded {}", url.mime_type().subtype);
    pixels(dim.width as u64, dim.height as u64, Some(inside)).map(drop)
}

/// A raster picture beside the SVG, named in it.
fn linked_raster(fs: &dyn FileSystem, path: &str) -> Result<(), Refusal> {
    let Some(head) = read_head(fs, path) else {
        return Ok(());
    };
    if imagesize::image_type(&head).is_err() {
        return Ok(());
    }
    let dim = match fs.disk_path(path) {
        Some(p) => imagesize::size(p),
        None => imagesize::blob_size(&fs.read(path).unwrap_or_default()),
    }
    .map_err(|_| truncated("linked"))?;
    pixels(
        dim.width as u64,
        dim.height as u64,
        Some(format!("`{path}`")),
    )
    .map(drop)
}

fn read_head(fs: &dyn FileSystem, path: &str) -> Option<Vec<u8>> {
    match fs.disk_path(path) {
        Some(p) => {
            let mut head = Vec::new();
            std::fs::File::open(p)
                .ok()?
                .take(HEAD)
                .read_to_end(&mut head)
                .ok()?;
            Some(head)
        }
        None => {
            let mut bytes = fs.read(path).ok()?;
            bytes.truncate(HEAD as usize);
            Some(bytes)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG signature and an IHDR chunk declaring `w` × `h`.
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        b.extend(w.to_be_bytes());
        b.extend(h.to_be_bytes());
        b.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
        b
    }

    #[test]
    fn pixels_over_the_budget_are_refused_and_the_hint_keeps_the_proportions() {
        assert_eq!(check_bytes(&png_header(800, 600)), Ok(Some((800, 600))));
        let err = check_bytes(&png_header(20_000, 10_000)).unwrap_err();
        assert!(matches!(err, Refusal::Pixels { width: 20_000, .. }));
        assert_eq!(widest(20_000, 10_000), 10_000);
        assert_eq!(widest(u32::MAX as u64, u32::MAX as u64), 7_071);
    }

    #[test]
    fn the_budget_is_inclusive() {
        assert!(check_bytes(&png_header(10_000, 5_000)).is_ok());
        assert!(check_bytes(&png_header(10_001, 5_000)).is_err());
    }

    #[test]
    fn cut_short_or_foreign_files_are_unreadable_not_images() {
        assert!(matches!(
            check_bytes(b"\x89PNG\r\n\x1a\n"),
            Err(Refusal::Unreadable(_))
        ));
        assert!(matches!(
            check_bytes(b"just some text, not a picture"),
            Err(Refusal::Unreadable(_))
        ));
        assert!(matches!(
            check_bytes(&png_header(0, 10)),
            Err(Refusal::Unreadable(_))
        ));
    }

    #[test]
    fn an_svg_is_refused_for_the_picture_it_embeds() {
        // A `data:` address may percent-encode its bytes instead of base64.
        let encoded: String = png_header(100_000, 100_000)
            .iter()
            .map(|b| format!("%{b:02X}"))
            .collect();
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="data:image/png,{encoded}"/></svg>"#
        );
        let err = check_bytes(svg.as_bytes()).unwrap_err();
        assert!(
            matches!(
                &err,
                Refusal::Pixels {
                    inside: Some(_),
                    ..
                }
            ),
            "{err:?}"
        );
        let plain = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>"#;
        assert_eq!(check_bytes(plain.as_bytes()), Ok(None));
        assert!(matches!(
            check_bytes(b"<svg><unclosed></svg>"),
            Err(Refusal::Unreadable(_))
        ));
    }
}
