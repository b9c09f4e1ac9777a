//! The text of a spreadsheet export, in whichever encoding Excel saved it.
//!
//! Excel's "CSV UTF-8 (comma delimited)" writes UTF-8 (with a byte order
//! mark, which the CSV reader skips), but its plain "CSV (comma delimited)"
//! writes the Windows code page, Windows-1252 on British machines, and that
//! is the one finance officers pick. A file that is not UTF-8 is read as
//! Windows-1252 (a superset of Latin-1, so `£` and `é` come out right) with
//! a warning, rather than refused: every byte means something in it, so no
//! figure is lost. Text with zero bytes is not an export at all (a workbook
//! renamed, or "Unicode text").

/// What a data file's bytes turned out to be.
pub enum Export {
    Utf8(String),
    /// Read as Windows-1252.
    Windows1252(String),
    /// Not text: zero bytes, as in a workbook or a picture.
    NotText,
}

pub fn decode(bytes: Vec<u8>) -> Export {
    if memchr::memchr(0, &bytes).is_some() {
        return Export::NotText;
    }
    match String::from_utf8(bytes) {
        Ok(text) => Export::Utf8(text),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(e.as_bytes());
            Export::Windows1252(text.into_owned())
        }
    }
}

/// The warning for a file read as Windows-1252.
pub fn windows_1252_warning(path: &str) -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::warning(
        "not-utf8",
        "this file is not saved as UTF-8, so rapport read it as Windows-1252 (what Excel's \"CSV (comma delimited)\" writes)",
    )
    .in_file(path)
    .with_hint("check that £ signs and accented letters look right on the page; to be sure, save it from Excel as \"CSV UTF-8 (comma delimited)\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excel_csv_in_the_windows_code_page_is_read_with_its_pound_signs() {
        // "Area,Spent\nCafé,£1,200" as Excel's plain CSV writes it.
        let bytes = b"Area,Spent\nCaf\xe9,\"\xa31,200\"\n".to_vec();
        match decode(bytes) {
            Export::Windows1252(t) => assert_eq!(t, "Area,Spent\nCafé,\"£1,200\"\n"),
            _ => panic!("not read as Windows-1252"),
        }
        assert!(matches!(decode("£1".as_bytes().to_vec()), Export::Utf8(t) if t == "£1"));
        assert!(matches!(
            decode(b"PK\x03\x04\0\0".to_vec()),
            Export::NotText
        ));
    }
}
