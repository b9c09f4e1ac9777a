//! Percent-decoding (`my%20file.pdf`), one decoder for the whole crate.
//!
//! Links in chapters and the preview server's request paths both carry
//! `%XX` escapes. They were decoded by two functions with different rules,
//! so the same address could name one file in a link and another (or none)
//! in the server. Now there is one decoder; its result says what it met,
//! and each caller decides what to refuse: a link keeps a stray `%` as
//! typed (`100%`), the server answers 404.
//!
//! The rules:
//! - `%` and two hex digits (either case) is that byte, whatever it is:
//!   `%2F` becomes `/` and `%00` a NUL, so a caller checks the decoded text
//!   for what it refuses (an encoded form must not slip past a check made
//!   on the raw one).
//! - `+` stays `+`: it stands for a space only in form data, never in a
//!   path.
//! - A `%` not followed by two hex digits is kept as typed, and reported
//!   ([`Decoded::stray_percent`]).
//! - The decoded bytes must be UTF-8 text, or the result is [`NotUtf8`].

use std::borrow::Cow;

/// Decoded text, and whether a `%` was kept as typed.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// A `%` that was not followed by two hex digits, kept as it was.
    pub stray_percent: bool,
}

/// The escapes decode to bytes that are not UTF-8 text (`%FF`).
#[derive(Debug, PartialEq, Eq)]
pub struct NotUtf8;

/// Decodes the `%XX` escapes in `s` (see the module's rules).
pub fn percent_decode(s: &str) -> Result<Decoded<'_>, NotUtf8> {
    if !s.contains('%') {
        return Ok(Decoded {
            text: Cow::Borrowed(s),
            stray_percent: false,
        });
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut stray_percent = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                _ => stray_percent = true,
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let text = String::from_utf8(out).map_err(|_| NotUtf8)?;
    Ok(Decoded {
        text: Cow::Owned(text),
        stray_percent,
    })
}

fn hex(b: Option<&u8>) -> Option<u8> {
    match *b? {
        b @ b'0'..=b'9' => Some(b - b'0'),
        b @ b'a'..=b'f' => Some(b - b'a' + 10),
        b @ b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        percent_decode(s).unwrap().text.into_owned()
    }

    #[test]
    fn escapes_decode_to_their_bytes() {
        assert_eq!(text("my%20file.pdf"), "my file.pdf");
        assert_eq!(text("caf%C3%A9"), "café");
        assert_eq!(text("caf%c3%a9"), "café");
        assert_eq!(text("plain/path.html"), "plain/path.html");
    }

    #[test]
    fn an_encoded_slash_becomes_a_slash() {
        assert_eq!(text("a%2Fb"), "a/b");
        assert_eq!(text("%2e%2e%2fsite.yaml"), "../site.yaml");
    }

    #[test]
    fn an_encoded_nul_becomes_a_nul_for_the_caller_to_refuse() {
        assert_eq!(text("a%00b"), "a\0b");
    }

    #[test]
    fn plus_is_not_a_space_in_a_path() {
        assert_eq!(text("a+b%2Bc"), "a+b+c");
    }

    #[test]
    fn invalid_utf8_is_an_error() {
        assert_eq!(percent_decode("%FF"), Err(NotUtf8));
        assert_eq!(percent_decode("caf%C3"), Err(NotUtf8));
    }

    #[test]
    fn a_stray_percent_is_kept_and_reported() {
        for (s, kept) in [
            ("100%", "100%"),
            ("%zz", "%zz"),
            ("%4", "%4"),
            ("a%20b%g1", "a b%g1"),
            // A sign is not a hex digit (integer parsing would take `+1`).
            ("%+1", "%+1"),
            ("%é", "%é"),
        ] {
            let d = percent_decode(s).unwrap();
            assert_eq!(d.text, kept, "{s}");
            assert!(d.stray_percent, "{s}");
        }
        assert!(!percent_decode("a%20b").unwrap().stray_percent);
    }

    #[test]
    fn double_encoding_decodes_once() {
        assert_eq!(text("%252e"), "%2e");
    }
}
