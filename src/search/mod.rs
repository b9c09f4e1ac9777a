//! Site search: a static index that the search page queries in the browser,
//! with no server and nothing to install.
//!
//! The index is made by pagefind, used as a library: it splits the index into
//! chunks that the browser fetches on demand, so a 10,000-page site costs a
//! reader a few small downloads, not one big file. Pagefind is used only
//! here: everything else sees [`index`] and the files it returns.
//!
//! What is indexed is decided by the theme's templates (pagefind reads the
//! rendered pages): only pages whose template marks the content with
//! `data-pagefind-body` (report home pages, chapters, tracked items) are
//! indexed, navigation inside them carries `data-pagefind-ignore`, and the
//! type, report, period, status and theme come from `data-pagefind-meta`
//! and `data-pagefind-filter`. Data tables have no page of their own, so
//! each is added here as a record of its own that links to the table in its
//! chapter (the chapter page leaves the table out, so a hit is not counted
//! twice). Drafts are never rendered without `--drafts`, and the print
//! edition carries no `data-pagefind-body`, so neither is in the index.

mod excluded;

use std::collections::BTreeMap;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::markdown::ast::Block;
use crate::model::Site;
use crate::output::OutputFile;
use crate::routes::Routes;

/// The folder of the index and its scripts in the output.
pub const DIR: &str = crate::addresses::SEARCH_INDEX;

/// The attribute that marks a page as indexed; pages without it are skipped
/// before pagefind parses them.
const BODY_MARK: &[u8] = b"data-pagefind-body";

/// Builds the search index of a rendered site: the files to publish under
/// [`DIR`], keyed by their output path.
pub fn index(
    site: &Site,
    files: &BTreeMap<String, OutputFile>,
) -> Result<BTreeMap<String, OutputFile>, Diagnostic> {
    let paths: Vec<&str> = files.keys().map(String::as_str).collect();
    index_pages(site, &paths, &|path| match files.get(path) {
        Some(OutputFile::Bytes(b)) => Some(b.clone()),
        _ => None,
    })
}

/// The index of each of a site's languages, from all its files in memory:
/// the default language's from the files outside the others' folders, and
/// each further language's (`translations`: folder and site) from the
/// files in its folder, written there.
pub fn index_languages(
    site: &Site,
    translations: &[(String, Site)],
    files: &BTreeMap<String, OutputFile>,
) -> Result<BTreeMap<String, OutputFile>, Diagnostic> {
    let in_other = |path: &str| {
        translations
            .iter()
            .any(|(p, _)| path.starts_with(p.as_str()))
    };
    let own: BTreeMap<String, OutputFile> = files
        .iter()
        .filter(|(path, _)| !in_other(path))
        .map(|(p, f)| (p.clone(), f.clone()))
        .collect();
    let mut all = index(site, &own)?;
    for (prefix, lang_site) in translations {
        let theirs: BTreeMap<String, OutputFile> = files
            .iter()
            .filter_map(|(path, f)| {
                Some((path.strip_prefix(prefix.as_str())?.to_string(), f.clone()))
            })
            .collect();
        for (path, file) in index(lang_site, &theirs)? {
            all.insert(format!("{prefix}{path}"), file);
        }
    }
    Ok(all)
}

/// Builds the search index from the pages at `paths`, each read by `read`
/// only when the indexer comes to it: `rapport build` renders each page
/// then, so the site is never all in memory. With a cache folder, the key
/// needs every page first, so the pages are read side by side and held,
/// as pagefind reads them (without what it would discard), until indexed.
pub fn index_pages(
    site: &Site,
    paths: &[&str],
    read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
) -> Result<BTreeMap<String, OutputFile>, Diagnostic> {
    let pages: Vec<&str> = paths
        .iter()
        .copied()
        .filter(|path| path.ends_with(".html") && !path.starts_with(&format!("{DIR}/")))
        .collect();
    // The index is made beside the PDF stage, and on its own by `rapport
    // serve`, from the loaded site alone: the table's chapter addresses
    // come from a route table of its own.
    let records = table_records(site, &Routes::new(site));
    let language = primary_language(&site.config.language);
    // With a cache, every page is read for the key, so each is read once,
    // side by side, and kept for the indexer; without one, each is read
    // when the indexer comes to it.
    let (kept, to_index): (_, Vec<(&str, Option<String>)>) = match &site.config.cache_dir {
        Some(dir) => {
            let read_all: Vec<(&str, String)> = pages
                .par_iter()
                .filter_map(|&path| Some((path, for_index(read(path)?)?)))
                .collect();
            let kept = IndexCache::open(dir, &language, &read_all, &records);
            if let Some(files) = kept.as_ref().and_then(IndexCache::get) {
                return Ok(published(files));
            }
            let to_index = read_all.into_iter().map(|(p, html)| (p, Some(html)));
            (kept, to_index.collect())
        }
        None => (None, pages.iter().map(|&p| (p, None)).collect()),
    };
    // Pagefind's indexing is blocking work behind an async API. It runs on
    // a thread of its own with its own small runtime, so this function can
    // be called from anywhere, including from inside `rapport serve`'s
    // runtime (where starting a nested runtime would panic).
    let files = std::thread::scope(|s| {
        s.spawn(|| run(language, to_index, read, records))
            .join()
            .unwrap_or_else(|_| Err("the indexer stopped unexpectedly".into()))
    })
    .map_err(|e| {
        Diagnostic::error("search-index", format!("cannot build the search index: {e}"))
            .config()
            .with_hint("this is a bug in rapport or pagefind; build with --no-search to publish without search, and report it")
    })?;
    if let Some(kept) = &kept {
        kept.put(&files);
    }
    Ok(published(files))
}

fn published(files: Vec<(String, Vec<u8>)>) -> BTreeMap<String, OutputFile> {
    files
        .into_iter()
        .map(|(name, bytes)| (format!("{DIR}/{name}"), OutputFile::Bytes(bytes)))
        .collect()
}

/// The index kept between builds (`--cache`): the whole of pagefind's
/// output, under a key made of every page it indexes (its path and the
/// bytes pagefind reads, see [`for_index`]), the tables' records, the
/// language and the build of rapport (which fixes pagefind's version). Pagefind's output depends on nothing else, so an
/// index with the same key is the one indexing would make. The entry holds
/// a digest of its contents, checked when it is read.
struct IndexCache {
    dir: std::path::PathBuf,
    key: String,
}

impl IndexCache {
    fn open(
        dir: &std::path::Path,
        language: &str,
        pages: &[(&str, String)],
        records: &[Record],
    ) -> Option<Self> {
        let dir = dir.join("search");
        std::fs::create_dir_all(&dir).ok()?;
        let mut key = crate::build_cache::Key::new("search");
        key.part(language.as_bytes());
        for (path, html) in pages {
            key.part(path.as_bytes()).part(html.as_bytes());
        }
        for r in records {
            key.part(r.url.as_bytes()).part(r.content.as_bytes());
            for (k, v) in &r.meta {
                key.part(k.as_bytes()).part(v.as_bytes());
            }
            for (k, vs) in &r.filters {
                key.part(k.as_bytes());
                for v in vs {
                    key.part(v.as_bytes());
                }
            }
        }
        Some(IndexCache {
            dir,
            key: key.finish(),
        })
    }

    fn file(&self) -> String {
        format!("{}.index", self.key)
    }

    /// The kept index: `digest \n` then, for each file, its name's length
    /// and name, its length and bytes.
    fn get(&self) -> Option<Vec<(String, Vec<u8>)>> {
        let bytes = std::fs::read(self.dir.join(self.file())).ok()?;
        let (head, body) = bytes.split_at_checked(65)?;
        if head[..64] != *crate::build_cache::hex(&crate::build_cache::digest(body)).as_bytes() {
            return None;
        }
        let mut files = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            let (name, r) = take(rest)?;
            let (contents, r) = take(r)?;
            files.push((String::from_utf8(name.to_vec()).ok()?, contents.to_vec()));
            rest = r;
        }
        self.keep_only_this();
        Some(files)
    }

    fn put(&self, files: &[(String, Vec<u8>)]) {
        let mut body = Vec::new();
        for (name, contents) in files {
            for part in [name.as_bytes(), contents] {
                body.extend((part.len() as u64).to_le_bytes());
                body.extend(part);
            }
        }
        let mut entry = crate::build_cache::hex(&crate::build_cache::digest(&body)).into_bytes();
        entry.push(b'\n');
        entry.extend(body);
        if crate::build_cache::write_atomically(&self.dir, &self.file(), &entry).is_ok() {
            self.keep_only_this();
        }
    }

    /// A site has one index: an older one is removed.
    fn keep_only_this(&self) {
        crate::build_cache::keep_only(&self.dir, &[self.file()].into_iter().collect());
    }
}

/// A length-prefixed part of a kept index, and what follows it.
fn take(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = bytes.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    rest.split_at_checked(len)
}

/// A data table as a search record of its own.
struct Record {
    url: String,
    content: String,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
}

/// A page as pagefind is given it, without what it would discard
/// ([`excluded`]), or `None` for a page without the body mark (redirects,
/// the 404 page), which pagefind would skip.
fn for_index(html: Vec<u8>) -> Option<String> {
    if !contains(&html, BODY_MARK) {
        return None;
    }
    let html = String::from_utf8(html)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Some(excluded::without_excluded(html))
}

/// Indexes `pages`, each given either as read already or as a path that
/// `read` renders when the indexer comes to it.
fn run(
    language: String,
    pages: Vec<(&str, Option<String>)>,
    read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    records: Vec<Record>,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let config = PagefindServiceConfig::builder()
            .force_language(language.clone())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| e.to_string())?;
        for (path, html) in pages {
            let Some(html) = html.or_else(|| for_index(read(path)?)) else {
                continue;
            };
            index
                .add_html_file(Some(path.to_string()), None, html)
                .await
                .map_err(|e| format!("{path}: {e}"))?;
        }
        for r in records {
            index
                .add_custom_record(
                    r.url.clone(),
                    r.content,
                    language.clone(),
                    Some(r.meta),
                    Some(r.filters),
                    None,
                )
                .await
                .map_err(|e| format!("{}: {e}", r.url))?;
        }
        let files = index.get_files().await.map_err(|e| e.to_string())?;
        Ok(files
            .into_iter()
            .map(|f| {
                let name = f.filename.to_string_lossy().replace('\\', "/");
                (name, f.contents)
            })
            .collect())
    })
}

/// `en-GB` -> `en`: pagefind stems words and picks its wasm by language.
fn primary_language(lang: &str) -> String {
    let p = lang.split(['-', '_']).next().unwrap_or("en").to_lowercase();
    if p.is_empty() { "en".into() } else { p }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// One record per data table placed in a chapter (the first placement, whose
/// figure carries the id), with the words a reader might look for: caption,
/// column headings, every cell, source and notes.
fn table_records(site: &Site, routes: &Routes) -> Vec<Record> {
    let word = |key: &str, places: &[(&str, &str)]| {
        site.config
            .strings
            .format(key, None, places)
            .unwrap_or_else(|e| e)
    };
    let kind = word("search_type_table", &[]);
    let mut out = Vec::new();
    for (r, rr) in site.reports.iter().zip(&routes.reports) {
        for (c, cr) in r.chapters.iter().zip(&rr.chapters) {
            let mut seen = std::collections::HashSet::new();
            let mut tables = Vec::new();
            c.doc.walk_blocks(&mut |b| {
                if let Block::DataTable(t) = b {
                    tables.push(t);
                }
            });
            for t in tables {
                if !seen.insert(t.id.clone()) {
                    continue;
                }
                let mut content = vec![t.caption.clone()];
                for h in &t.heads {
                    content.push(h.label.clone());
                }
                for row in t.rows.iter().chain(&t.total) {
                    let cells: Vec<&str> = row.iter().map(|c| c.text.as_str()).collect();
                    content.push(format!("{}.", cells.join(", ")));
                }
                content.extend(t.source.iter().map(|s| word("source", &[("source", s)])));
                content.extend(t.notes.iter().cloned());
                let mut meta = BTreeMap::new();
                meta.insert("title".to_string(), t.caption.clone());
                meta.insert("type".to_string(), kind.clone());
                meta.insert("report".to_string(), r.meta.title.clone());
                meta.insert("chapter".to_string(), c.title.clone());
                if let Some(p) = &r.meta.period {
                    meta.insert("period".to_string(), p.clone());
                }
                let mut filters = BTreeMap::new();
                filters.insert("type".to_string(), vec![kind.clone()]);
                filters.insert("report".to_string(), vec![r.meta.title.clone()]);
                out.push(Record {
                    url: format!("/{}#{}", cr.page.url(), t.id),
                    content: content.join(" "),
                    meta,
                    filters,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_is_the_primary_subtag() {
        assert_eq!(primary_language("en-GB"), "en");
        assert_eq!(primary_language("cy"), "cy");
        assert_eq!(primary_language(""), "en");
    }

    fn index_of(html: &str) -> Vec<(String, Vec<u8>)> {
        let page = html.to_string();
        let read = move |_: &str| Some(page.clone().into_bytes());
        run("en".into(), vec![("a/index.html", None)], &read, Vec::new()).unwrap()
    }

    fn page(excluded: &str) -> String {
        format!(
            concat!(
                r#"<html lang="en"><body><main data-pagefind-body><h1 id="t">Title</h1>"#,
                "{}",
                r#"<h2 id="later">Later heading</h2><p>Words to find.</p></main>"#,
                r#"<footer data-pagefind-ignore="all"><p id="f">Footer</p></footer></body></html>"#
            ),
            excluded
        )
    }

    /// Pagefind counts the elements with ids inside an excluded element as
    /// it reads, so cutting one might have renumbered the headings after
    /// it; the count keys pagefind's own tables and is not in the index.
    #[test]
    fn cutting_an_excluded_element_with_ids_inside_changes_nothing_in_the_index() {
        let marked = r#"<div data-pagefind-ignore="all"><h2 id="x">Skipped</h2></div>"#;
        assert!(!excluded::without_excluded(page(marked)).contains("Skipped"));
        let spelt_otherwise = marked.replace(r#""all""#, "'all'");
        let whole = index_of(&page(&spelt_otherwise));
        assert_eq!(index_of(&page(marked)), whole);
        assert_ne!(
            index_of(&page(r#"<div><h2 id="x">Not skipped</h2></div>"#)),
            whole,
            "the words of an element that is read are in the index"
        );
    }

    #[test]
    fn an_excluded_element_without_ids_is_cut_and_the_index_is_the_same() {
        let marked = r#"<div data-pagefind-ignore="all"><h2>Skipped</h2><p>x</p></div>"#;
        assert_eq!(
            excluded::without_excluded(page(marked)),
            page("").replace(
                r#"<footer data-pagefind-ignore="all"><p id="f">Footer</p></footer>"#,
                ""
            )
        );
        let spelt_otherwise = marked.replace(r#""all""#, "'all'");
        assert_eq!(index_of(&page(marked)), index_of(&page(&spelt_otherwise)));
    }
}
