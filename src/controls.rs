//! Control characters in a site's text.
//!
//! Text pasted from other programs can carry invisible control characters:
//! a NUL from a database export, the vertical tab Word copies for a line
//! break, a form feed from a PDF, or curly quotes from a Windows-1252 file
//! read as the C1 codes U+0080 to U+009F. A browser shows nothing or a box;
//! the PDF engine cannot set them at all, and failed with no position. So
//! each is a `control-character` error where it is written.
//!
//! Every source text (site.yaml, report.yaml, chapters and their front
//! matter, recommendation files, data tables' YAML and CSV) enters rapport
//! through [`crate::sources::read_text`], which calls [`check`] with the
//! text's double-quoted YAML, so no field can be missed. Tab, line feed and carriage return
//! (CRLF files) are allowed. Two ways of writing a control character
//! without typing it are found where they are decoded: a YAML escape in
//! double quotes (`"\0"`, `"\x07"`, `"\b"`; here) and a Markdown character
//! reference (`&#1;`; in [`crate::markdown`]). Workbook cells are checked
//! where the workbook is read.

use std::ops::Range;

use crate::diagnostics::{Diagnostic, Diagnostics, LineIndex};

/// At most this many control characters are reported per file; a file
/// full of them (one saved as UTF-16, say) says so once, not thousands of
/// times.
const MAX_REPORTED: usize = 5;

/// Whether `c` is a control character a site's text may not hold.
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Pushes a `control-character` error for each control character in
/// `text`, the contents of the site file `path`, at its line and column:
/// each typed as itself, and each written by an escape inside `quoted`, the
/// byte ranges YAML reads as double-quoted scalars.
pub fn check(path: &str, text: &str, quoted: &[Range<usize>], diags: &Diagnostics) {
    let mut found: Vec<(usize, char, Option<&str>)> = typed(text.as_bytes())
        .into_iter()
        .map(|(i, c)| (i, c, None))
        .collect();
    found.extend(yaml_escapes(text, quoted));
    if found.is_empty() {
        return;
    }
    found.sort_by_key(|f| f.0);
    let index = LineIndex::new(text);
    let nuls = found.iter().filter(|f| f.1 == '\0').count();
    let utf16 = nuls > 16 && nuls * 8 > text.len();
    for &(offset, c, escape) in found.iter().take(MAX_REPORTED) {
        let span = index.span(text, offset..offset + escape.map_or(c.len_utf8(), str::len));
        diags.push(diagnostic(c, escape, utf16).in_file(path).at(span));
    }
    if found.len() > MAX_REPORTED {
        let (offset, _, _) = found[MAX_REPORTED];
        diags.push(
            Diagnostic::error(
                "control-character",
                format!(
                    "{} more control characters in this file",
                    found.len() - MAX_REPORTED
                ),
            )
            .in_file(path)
            .at(index.span(text, offset..offset))
            .with_hint(if utf16 {
                "the file looks saved as UTF-16: save it again as UTF-8"
            } else {
                "delete them; they often come from pasting from another program"
            }),
        );
    }
}

/// `text` with each control character blanked out, byte for byte (a space
/// for C0 and DEL, a no-break space for the two-byte C1 codes), for the
/// YAML reader: each was reported when the file was read, and the reader
/// would stop at the first with a second, less clear, error.
pub fn blanked(text: &str) -> std::borrow::Cow<'_, str> {
    if !holds_controls(text.as_bytes()) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            c if !forbidden(c) => c,
            '\u{80}'..='\u{9f}' => '\u{a0}',
            _ => ' ',
        })
        .collect::<String>()
        .into()
}

/// The problem with one control character, written as `escape` when it
/// was not typed as itself.
pub fn diagnostic(c: char, escape: Option<&str>, utf16: bool) -> Diagnostic {
    let name = name(c);
    let message = match escape {
        Some(e) => format!("`{e}` writes the control character {name}, which text may not hold"),
        None => format!("this text holds the invisible control character {name}"),
    };
    let hint = if utf16 {
        "the file looks saved as UTF-16: save it again as UTF-8".to_string()
    } else if let Some(e) = escape {
        if e.starts_with('&') {
            format!("delete `{e}`")
        } else {
            format!(
                "delete `{e}`; in \"double quotes\" a backslash starts a special character, so write `\\\\` for a backslash, or use 'single quotes'"
            )
        }
    } else {
        match c {
            '\u{b}' => {
                "delete it and start a new line instead: it is a line break pasted from Word"
                    .to_string()
            }
            '\u{80}'..='\u{9f}' => match windows_1252(c) {
                Some(meant) => format!(
                    "type `{meant}` in its place: it was garbled by a program that saved the text as Windows-1252"
                ),
                None => "delete it; it often comes from pasting from another program".to_string(),
            },
            _ => "delete it; it often comes from pasting from another program".to_string(),
        }
    };
    Diagnostic::error("control-character", message).with_hint(hint)
}

/// "U+0000 (NUL)".
fn name(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL",
        "start of heading",
        "start of text",
        "end of text",
        "end of transmission",
        "enquiry",
        "acknowledge",
        "bell",
        "backspace",
        "tab",
        "line feed",
        "vertical tab",
        "form feed",
        "carriage return",
        "shift out",
        "shift in",
        "data link escape",
        "device control 1",
        "device control 2",
        "device control 3",
        "device control 4",
        "negative acknowledge",
        "synchronous idle",
        "end of transmission block",
        "cancel",
        "end of medium",
        "substitute",
        "escape",
        "file separator",
        "group separator",
        "record separator",
        "unit separator",
    ];
    let what = match c as u32 {
        n @ 0..=0x1f => C0[n as usize],
        0x7f => "DEL",
        _ => "a C1 control",
    };
    format!("U+{:04X} ({what})", c as u32)
}

/// What a C1 code stands for in Windows-1252, the usual source of one:
/// a curly quote or dash decoded with the wrong character set.
fn windows_1252(c: char) -> Option<char> {
    const TABLE: [char; 32] = [
        '€', '\0', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\0', 'Ž', '\0', '\0',
        '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\0', 'ž', 'Ÿ',
    ];
    let i = (c as u32).checked_sub(0x80)? as usize;
    TABLE.get(i).copied().filter(|&m| m != '\0')
}

/// A C0 control (but tab, LF and CR) or DEL: one byte in UTF-8, which
/// never occurs inside another character's bytes.
fn single(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')) | (b == 0x7f)
}

/// The two bytes of a C1 control, U+0080 to U+009F (`£` is 0xC2 0xA3).
fn pair(a: u8, b: u8) -> bool {
    (a == 0xc2) & (b & 0xe0 == 0x80)
}

/// Whether `bytes` hold a control character: one pass over the bytes (and
/// the bytes one along, for the pairs) in blocks of a fixed size, which
/// the compiler turns into vector instructions. Every source file passes
/// through here, so it runs at memory speed; decoding the characters did
/// not (docs/hardening.md).
fn holds_controls(bytes: &[u8]) -> bool {
    const BLOCK: usize = 64;
    let Some((&last, _)) = bytes.split_last() else {
        return false;
    };
    let (this, next) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let mut these = this.chunks_exact(BLOCK);
    let mut nexts = next.chunks_exact(BLOCK);
    for (a, b) in (&mut these).zip(&mut nexts) {
        let mut hit = false;
        for k in 0..BLOCK {
            hit |= single(a[k]) | pair(a[k], b[k]);
        }
        if hit {
            return true;
        }
    }
    single(last)
        || (these.remainder().iter())
            .zip(nexts.remainder())
            .any(|(&a, &b)| single(a) | pair(a, b))
}

/// Each control character typed in `bytes` (UTF-8 text): its offset and
/// the character.
fn typed(bytes: &[u8]) -> Vec<(usize, char)> {
    if !holds_controls(bytes) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        if single(b) {
            out.push((i, b as char));
        } else if let Some(&next) = bytes.get(i + 1)
            && pair(b, next)
        {
            out.push((i, char::from(next)));
        }
    }
    out
}

/// Escapes in the double-quoted scalars `quoted` of the YAML `text` that
/// write a control character: their offset, the character, and the escape
/// as written.
fn yaml_escapes<'a>(text: &'a str, quoted: &[Range<usize>]) -> Vec<(usize, char, Option<&'a str>)> {
    let mut found = Vec::new();
    for range in quoted {
        let start = range.start;
        let Some(scalar) = text.get(range.clone()) else {
            continue;
        };
        found.extend(
            escapes_in(scalar)
                .into_iter()
                .map(|(i, c, e)| (start + i, c, Some(e))),
        );
    }
    found
}

/// The control characters written by escapes in a double-quoted YAML
/// scalar as typed: (offset, character, the escape).
fn escapes_in(quoted: &str) -> Vec<(usize, char, &str)> {
    let mut out = Vec::new();
    let bytes = quoted.as_bytes();
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'\\', &bytes[i..]).map(|p| i + p) {
        let Some(&kind) = bytes.get(at + 1) else {
            break;
        };
        let hex_digits = match kind {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => 0,
        };
        let (len, c) = match kind {
            b'0' => (2, Some('\0')),
            b'a' => (2, Some('\u{7}')),
            b'b' => (2, Some('\u{8}')),
            b'v' => (2, Some('\u{b}')),
            b'f' => (2, Some('\u{c}')),
            b'e' => (2, Some('\u{1b}')),
            b'N' => (2, Some('\u{85}')),
            _ if hex_digits > 0 => {
                let hex = quoted.get(at + 2..at + 2 + hex_digits);
                let c = hex
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32);
                (2 + hex_digits, c)
            }
            // `\\`, `\"`, `\n`, `\t` and the rest: skipped whole, so the
            // second backslash of `\\0` does not start an escape.
            _ => (2, None),
        };
        if let Some(c) = c.filter(|&c| forbidden(c)) {
            out.push((at, c, &quoted[at..(at + len).min(quoted.len())]));
        }
        i = (at + len).min(bytes.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems found in `text` read as the file `path`, the way every
    /// site text is read (so YAML escapes are found too).
    fn found(path: &str, text: &str) -> Vec<String> {
        let diags = Diagnostics::new();
        let mut fs = crate::vfs::MemoryFs::new();
        fs.add(path, text);
        crate::sources::read_text(&Default::default(), &fs, path, &diags).unwrap();
        diags
            .sorted()
            .iter()
            .map(|d| format!("{} {}", d.location(), d.message))
            .collect()
    }

    #[test]
    fn typed_controls_are_found_at_their_line_and_column_and_named() {
        let got = found("a.md", "ok\r\n\tfine £5\nbad\u{0}here\u{b}\n");
        assert_eq!(
            got,
            [
                "a.md:3:4 this text holds the invisible control character U+0000 (NUL)",
                "a.md:3:9 this text holds the invisible control character U+000B (vertical tab)",
            ]
        );
        assert!(found("b.csv", "a,b\n£1,©\n").is_empty());
        let c1 = found("c.md", "said \u{93}hi\u{94}\n");
        assert_eq!(c1.len(), 2, "{c1:?}");
        assert!(c1[0].contains("U+0093 (a C1 control)"), "{c1:?}");
    }

    #[test]
    fn yaml_escapes_count_only_in_double_quotes() {
        let yaml =
            "a: \"x\\0y\"\nb: C:\\0data\nc: 'q\\0'\nd: \"back\\\\0slash \\x07 \\n \\u001B\"\n";
        let got = found("r.yaml", yaml);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].starts_with("r.yaml:1:6 `\\0` writes the control character U+0000 (NUL)"));
        assert!(got[1].starts_with("r.yaml:4:18 `\\x07`"), "{got:?}");
        assert!(got[2].contains("`\\u001B` writes the control character U+001B (escape)"));
        let front = "---\ntitle: \"T\\a\"\n---\nBody \\0 is text\n";
        let got = found("c.md", front);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].starts_with("c.md:2:10 `\\a`"), "{got:?}");
    }

    #[test]
    fn the_quick_look_sees_controls_in_every_place_of_a_block() {
        for len in [1, 63, 64, 65, 200] {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0;
                assert!(holds_controls(&bytes), "{len} {at}");
                if at + 1 < len {
                    bytes[at] = 0xc2;
                    bytes[at + 1] = 0x93;
                    assert!(holds_controls(&bytes), "C1 {len} {at}");
                    bytes[at + 1] = 0xa3;
                    assert!(!holds_controls(&bytes), "£ {len} {at}");
                }
            }
        }
        assert!(!holds_controls(b""));
    }

    #[test]
    fn blanking_keeps_every_offset() {
        let text = "a: x\u{0}y\u{85}z\n";
        let blank = blanked(text);
        assert_eq!(blank, "a: x y\u{a0}z\n");
        assert_eq!(blank.len(), text.len());
        assert!(matches!(blanked("a: £1\n"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn a_file_full_of_nuls_is_reported_once_as_utf16() {
        let text: String = "title: x\n"
            .repeat(4)
            .chars()
            .flat_map(|c| [c, '\0'])
            .collect();
        let diags = Diagnostics::new();
        check("site.yaml", &text, &[], &diags);
        let all = diags.sorted();
        assert_eq!(all.len(), MAX_REPORTED + 1);
        assert!(
            all[MAX_REPORTED]
                .hint
                .as_deref()
                .unwrap()
                .contains("UTF-16")
        );
    }
}
