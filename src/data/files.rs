//! The file a table's schema names: where it may be, and reading it.
//!
//! A schema is a short text anyone who can edit the site can change, and the
//! file it names is read and published as a table. Resolving the name inside
//! the site folder is not enough: `file: ../../../.git/config` stays inside
//! it, and so do `site.yaml` and the themes. So a data file must be inside
//! the content folder (`content/`, where each report's `data/` folder is),
//! must not be hidden (no part of its path starts with `.`), must really be
//! there (a symbolic link into the rest of the site is refused too), and
//! must be the kind of file its key says: `.csv` for `file:`, `.xlsx` or
//! `.ods` for `workbook:`. A refused file is never read.
//!
//! Messages about a file quote only what the schema wrote. The text of a
//! refused file, or of one that is not the table it claims to be (binary,
//! not UTF-8), never reaches a message, a hint or the source map that shows
//! lines in the log.

use std::io::ErrorKind;

use super::schema::{RawSchema, RawWorkbook};
use super::source::{self, Grid};
use super::workbook::{self, Part};
use crate::config::CONTENT_DIR;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::sources::Export;
use crate::vfs::{self, FileSystem};
use crate::yaml::{self, Spanned};

/// What a table is read from.
pub struct Read<'a> {
    pub fs: &'a dyn FileSystem,
    /// The schema file, from the site root, and its text.
    pub schema_file: &'a str,
    pub schema_text: &'a str,
    pub diags: &'a Diagnostics,
    pub sources: &'a SourceMap,
}

impl Read<'_> {
    fn error(&self, at: Span, code: &'static str, message: String, hint: impl Into<String>) {
        self.diags.push(
            Diagnostic::error(code, message)
                .in_file(self.schema_file)
                .at(at)
                .with_hint(hint),
        );
    }

    /// The grid of the table, and the file its positions refer to; `None`
    /// once the problem is reported.
    pub fn grid(&self, raw: &RawSchema) -> Option<(Grid, String)> {
        if let Some(f) = &raw.file {
            self.csv(f)
        } else if let Some(w) = &raw.workbook {
            self.workbook(w)
        } else {
            let rows = raw.rows.clone().unwrap_or_default();
            // serde_json maps carry no positions: rows are found by order,
            // and messages point at the row's first line below `rows:`.
            let lines = row_lines(self.schema_text);
            let numbered: Vec<_> = rows
                .into_iter()
                .enumerate()
                .map(|(i, r)| (lines.get(i).copied().unwrap_or(1), r))
                .collect();
            Some((source::from_rows(&numbered), self.schema_file.to_string()))
        }
    }

    fn csv(&self, f: &Spanned<String>) -> Option<(Grid, String)> {
        let at = yaml::span_of(f, 0);
        let path = self.data_file(f, Kind::Csv)?;
        let bytes = self.read(f, &path, Kind::Csv)?;
        // Not text (a workbook or picture renamed, or a sheet saved as
        // "Unicode text", which is full of zero bytes): said without
        // showing any of it.
        let text = match crate::sources::decode(bytes) {
            Export::Utf8(t) => t,
            Export::Windows1252(t) => {
                self.diags.push(crate::sources::windows_1252_warning(&path));
                t
            }
            Export::NotText => {
                self.error(
                    at,
                    "bad-csv",
                    format!("`{}` is not a CSV file: it is not text", f.value),
                    "save the sheet as \"CSV UTF-8 (comma delimited)\" and name that file",
                );
                return None;
            }
        };
        crate::controls::check(&path, &text, &[], self.diags);
        self.sources.insert(&path, text.as_str().into());
        match source::from_csv(&path, &text) {
            Ok(g) => Some((g, path)),
            Err(d) => {
                self.diags.push(d);
                None
            }
        }
    }

    fn workbook(&self, w: &RawWorkbook) -> Option<(Grid, String)> {
        let path = self.data_file(&w.file, Kind::Workbook)?;
        let bytes = self.read(&w.file, &path, Kind::Workbook)?;
        let range = w.range.as_ref().map(|r| r.value.as_str());
        match workbook::read(bytes, &w.sheet.value, range) {
            Ok(g) => {
                self.workbook_controls(&path, &g);
                Some((g, path))
            }
            Err(refusal) => {
                let at = match (refusal.at, &w.range) {
                    (Part::File, _) => &w.file,
                    (Part::Range, Some(r)) => r,
                    _ => &w.sheet,
                };
                let message = match refusal.at {
                    Part::File => format!("`{}` {}", w.file.value, refusal.message),
                    _ => refusal.message,
                };
                self.error(yaml::span_of(at, 0), "bad-workbook", message, refusal.hint);
                None
            }
        }
    }

    /// Control characters in a workbook's cells (its text never passes
    /// the check every text file does, see crate::controls), each an error
    /// at its cell.
    fn workbook_controls(&self, path: &str, grid: &Grid) {
        let header = std::iter::once((grid.header_line, &grid.header_columns, &grid.header));
        let rows = grid.rows.iter().map(|r| (r.line, &r.columns, &r.cells));
        for (line, columns, cells) in header.chain(rows) {
            for (i, cell) in cells.iter().enumerate() {
                if let Some(c) = cell.chars().find(|&c| crate::controls::forbidden(c)) {
                    let column = columns.get(i).copied().unwrap_or(1);
                    let d = crate::controls::diagnostic(c, None, false);
                    self.diags.push(
                        Diagnostic::error(
                            d.code,
                            format!("{} (cell {})", d.message, source::cell_name(line, column)),
                        )
                        .in_file(path)
                        .at(Span::point(line, column))
                        .with_hint(d.hint.unwrap_or_default()),
                    );
                }
            }
        }
    }

    /// The site-relative path of the data file `f` names, or `None` (and an
    /// error at `f`) when it may not be read.
    fn data_file(&self, f: &Spanned<String>, kind: Kind) -> Option<String> {
        let at = yaml::span_of(f, 0);
        let dir = self
            .schema_file
            .rsplit_once('/')
            .map(|(d, _)| d)
            .unwrap_or("");
        let inside = |p: &String| {
            p.strip_prefix(CONTENT_DIR)
                .is_some_and(|rest| rest.starts_with('/'))
                && !p.split('/').any(|seg| seg.starts_with('.'))
        };
        let Some(path) = vfs::resolve_relative(dir, &f.value).filter(inside) else {
            self.outside(f);
            return None;
        };
        let lower = path.to_ascii_lowercase();
        if !kind.extensions().iter().any(|e| lower.ends_with(e)) {
            let (code, hint) = kind.wrong_kind();
            self.error(
                at,
                code,
                format!("`{}` is not {}", f.value, kind.described()),
                hint,
            );
            return None;
        }
        // A symbolic link inside `content/` to elsewhere in the site.
        if let (Some(real), Some(content)) =
            (self.fs.disk_path(&path), self.fs.disk_path(CONTENT_DIR))
            && !real.starts_with(&content)
        {
            self.outside(f);
            return None;
        }
        Some(path)
    }

    fn outside(&self, f: &Spanned<String>) {
        self.error(
            yaml::span_of(f, 0),
            "outside-site",
            format!(
                "`{}` is outside the content folder; data files are read only from `{CONTENT_DIR}/`",
                f.value
            ),
            "put the file in the report's data folder, beside this schema, and give its name (`file: funding.csv`); hidden files are never read",
        );
    }

    fn read(&self, f: &Spanned<String>, path: &str, kind: Kind) -> Option<Vec<u8>> {
        match self.fs.read(path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                self.outside(f);
                None
            }
            Err(e) => {
                let (message, hint) = if e.kind() == ErrorKind::NotFound {
                    (
                        format!("{} `{}` not found", kind.noun(), f.value),
                        format!(
                            "put the {} in the report's data folder and give its name",
                            kind.described_short()
                        ),
                    )
                } else {
                    (
                        format!("{} `{}` cannot be read", kind.noun(), f.value),
                        "check that it is a file, not a folder, and that you can open it".into(),
                    )
                };
                self.error(yaml::span_of(f, 0), "missing-file", message, hint);
                None
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Csv,
    Workbook,
}

impl Kind {
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Csv => &[".csv"],
            Kind::Workbook => &[".xlsx", ".ods"],
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Csv => "data file",
            Kind::Workbook => "workbook",
        }
    }

    fn described(self) -> &'static str {
        match self {
            Kind::Csv => "a CSV file (.csv)",
            Kind::Workbook => "a workbook (.xlsx or .ods)",
        }
    }

    fn described_short(self) -> &'static str {
        match self {
            Kind::Csv => "CSV file",
            Kind::Workbook => "workbook (.xlsx or .ods)",
        }
    }

    fn wrong_kind(self) -> (&'static str, &'static str) {
        match self {
            Kind::Csv => (
                "bad-csv",
                "`file:` names a CSV file, saved from the spreadsheet as \"CSV UTF-8\"; a workbook goes under `workbook:`",
            ),
            Kind::Workbook => (
                "bad-workbook",
                "`workbook:` names an .xlsx or .ods file; save older workbooks (.xls) from Excel or LibreOffice as \"Excel Workbook (.xlsx)\" or \"ODF Spreadsheet (.ods)\"",
            ),
        }
    }
}

/// Lines where each `- ` item under `rows:` starts.
fn row_lines(text: &str) -> Vec<u32> {
    let mut lines = Vec::new();
    let mut in_rows = false;
    let mut indent = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let ind = line.len() - trimmed.len();
        if ind == 0 && !trimmed.is_empty() && !trimmed.starts_with('#') {
            in_rows = trimmed.starts_with("rows:");
            continue;
        }
        if in_rows && trimmed.starts_with("- ") && indent.is_none_or(|x| x == ind) {
            indent = Some(ind);
            lines.push(i as u32 + 1);
        }
    }
    lines
}
