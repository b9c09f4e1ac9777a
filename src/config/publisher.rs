//! Who publishes a report: the organisation readers see in the header and
//! footer of every page, on the PDF's cover and in its footer, and whose
//! contacts make the back page.
//!
//! A public body puts its own name to a report, so the tool's name appears
//! nowhere a reader looks unless the site asks for it (`made_with: true`).
//! The back page always says how to ask for another format, because the
//! Public Sector Bodies Accessibility Regulations expect that route for
//! every PDF a public body publishes.
//!
//! A site that hosts a partner's report gives that report its own
//! `publisher:` in report.yaml. The partner's own marks (name, strapline,
//! logos, web address) are the report's alone; the contacts fall back to the
//! site's, because the team that runs the site is the one that answers a
//! request for a large-print copy unless the report names someone else.

use serde::Deserialize;

use crate::config::Problems;
use crate::diagnostics::Diagnostic;
use crate::vfs::FileSystem;
use crate::yaml::{self, Spanned};

/// `publisher:` in site.yaml or report.yaml, as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPublisher {
    pub name: Option<Spanned<String>>,
    strapline: Option<String>,
    logo: Option<Spanned<String>>,
    logo_on_dark: Option<Spanned<String>>,
    logo_alt: Option<String>,
    url: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    phone: Option<String>,
    address: Option<Lines>,
    other_formats: Option<String>,
}

/// An address written as a list of lines or as one block of text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Lines {
    Many(Vec<String>),
    One(String),
}

impl Lines {
    fn into_vec(self) -> Vec<String> {
        let lines = match self {
            Lines::Many(v) => v,
            Lines::One(s) => s.lines().map(str::to_string).collect(),
        };
        lines
            .into_iter()
            .map(|l| l.trim().trim_end_matches(',').to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// A publisher, checked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Publisher {
    pub name: String,
    /// A line the organisation prints on everything ("Working for a safer city").
    pub strapline: Option<String>,
    /// Site-relative path of the logo for light backgrounds (the PDF cover).
    pub logo: Option<String>,
    /// The logo for dark backgrounds (the web header, in the brand colour).
    pub logo_on_dark: Option<String>,
    pub logo_alt: Option<String>,
    /// The organisation's own website.
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Vec<String>,
    /// The site's own words for how to ask for another format, replacing
    /// the theme's sentence.
    pub other_formats: Option<String>,
    /// Whose contacts these are, when they are the site's rather than this
    /// publisher's own.
    pub contacts_from: Option<String>,
}

impl Publisher {
    /// A report's publisher over the site's: see the module docs for which
    /// fields fall back.
    pub fn over(self, site: &Publisher) -> Publisher {
        let has_contact = self.has_contact();
        Publisher {
            contacts_from: (!has_contact && site.has_contact()).then(|| site.name.clone()),
            email: if has_contact {
                self.email
            } else {
                site.email.clone()
            },
            phone: if has_contact {
                self.phone
            } else {
                site.phone.clone()
            },
            address: if has_contact {
                self.address
            } else {
                site.address.clone()
            },
            other_formats: self.other_formats.or_else(|| site.other_formats.clone()),
            ..self
        }
    }

    /// The name to put above the contacts.
    pub fn contact_name(&self) -> &str {
        self.contacts_from.as_deref().unwrap_or(&self.name)
    }

    /// Whether the back page can say how to ask for another format.
    pub fn has_contact(&self) -> bool {
        self.email.is_some() || self.phone.is_some() || !self.address.is_empty()
    }
}

/// Checks a `publisher:` block whose name the caller has settled. Each
/// problem is reported, and the field it is in is left out.
pub(crate) fn load(
    fs: &dyn FileSystem,
    raw: RawPublisher,
    name: String,
    p: &mut Problems,
) -> Publisher {
    let alt = raw.logo_alt.as_deref();
    let logo = |l: Option<Spanned<String>>, key: &str, p: &mut Problems| {
        let l = l?;
        match crate::config::logo_problem(fs, &l, alt, key) {
            Some(d) => {
                p.push(d);
                None
            }
            None => Some(l.value),
        }
    };
    let light = logo(raw.logo, "logo", p);
    let dark = logo(raw.logo_on_dark, "logo_on_dark", p);
    Publisher {
        name,
        strapline: raw.strapline.filter(|s| !s.trim().is_empty()),
        logo: light,
        logo_on_dark: dark,
        logo_alt: raw.logo_alt,
        url: raw.url.and_then(|u| web_address(u, p)),
        email: raw.email.and_then(|e| email(e, p)),
        phone: raw.phone.filter(|s| !s.trim().is_empty()),
        address: raw.address.map(Lines::into_vec).unwrap_or_default(),
        other_formats: raw.other_formats.filter(|s| !s.trim().is_empty()),
        contacts_from: None,
    }
}

fn web_address(u: Spanned<String>, p: &mut Problems) -> Option<String> {
    match crate::config::normalise_base_url(u.value.trim()) {
        Ok(_) => Some(u.value.trim().to_string()),
        Err(why) => {
            p.push(
                Diagnostic::error("bad-url", format!("the publisher's url: {why}"))
                    .at(yaml::span_of(&u, 0))
                    .with_hint(
                        "give the organisation's website, such as https://www.example.gov.uk/",
                    ),
            );
            None
        }
    }
}

fn email(e: Spanned<String>, p: &mut Problems) -> Option<String> {
    let v = e.value.trim();
    let ok = v.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !v.chars().any(char::is_whitespace)
    });
    if ok {
        return Some(v.to_string());
    }
    p.push(
        Diagnostic::error("bad-email", format!("`{v}` is not an email address"))
            .at(yaml::span_of(&e, 0))
            .with_hint("write one address, such as `email: reports@example.gov.uk`"),
    );
    None
}
