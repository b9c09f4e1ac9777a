// Site search, over the index rapport builds with pagefind (pagefind/ at the
// site's root). The search forms work without this script: they go to
// search/?q=... which lists every report. With it, results appear as you
// type: in a panel under the header box on every page, and with filters on
// the search page, which also runs the query in its address on load (so a
// submitted or bookmarked search works).
//
// Everything is found relative to this file, so the site works under any
// sub-path and from `rapport serve`. Results are built with DOM methods, and
// pagefind's excerpts are parsed and reduced to text and <mark>, so no page
// text can become markup.

const root = new URL("../", import.meta.url);
let loading = null;

// The words the script shows come from the theme's interface strings
// (i18n/<language>.yaml): rapport writes them to assets/strings.js, which
// every page loads first; the English here is for a theme that leaves it
// out. `{name}` places are filled in; a string with forms per count has
// one entry per plural category (`...One`, `...Other`, and in Welsh
// `...Zero`, `...Two`, `...Few`, `...Many`), chosen as the browser's plural
// rules for the page's language say.
const STRINGS = window.rapportStrings || {};
const ENGLISH = {
  searchFilterType: "Type",
  searchFilterReport: "Report",
  searchFilterStatus: "Status",
  searchFilterTheme: "Theme",
  searchTypePage: "Page",
  searchSection: "Section: {title}",
  searchOffline: "Search works only when the site is opened from a web server, not from files on this computer.",
  searchUnavailable: "Search is not available: this copy of the site has no search index yet.",
  searchFor: " for “{query}”",
  searchNoResults: "No results{for}.",
  searchResultsOne: "{n} result{for}.",
  searchResultsOther: "{n} results{for}.",
  searchResultsFirstOne: "{n} result{for}, showing the first {shown}.",
  searchResultsFirstOther: "{n} results{for}, showing the first {shown}.",
  searchAllResults: "All {n} results, with filters",
};
const plurals = new Intl.PluralRules(document.documentElement.lang || "en");

function say(key, vars, n) {
  let k = key;
  if (n !== undefined) {
    const cat = plurals.select(n);
    k = key + cat.charAt(0).toUpperCase() + cat.slice(1);
    if (STRINGS[k] === undefined && ENGLISH[k] === undefined) k = key + "Other";
  }
  const text = STRINGS[k] !== undefined ? STRINGS[k] : ENGLISH[k];
  return text.replace(/\{(\w+)\}/g, (all, name) => (vars && name in vars ? String(vars[name]) : all));
}

function pagefind() {
  if (!loading) {
    loading = import(new URL("pagefind/pagefind.js", root).href).then(async (pf) => {
      await pf.options({ baseUrl: root.pathname, excerptLength: 24 });
      pf.init();
      return pf;
    });
    // A failed load (no index in this build, or a page opened from disk) may
    // be retried on the next keystroke.
    loading.catch(() => { loading = null; });
  }
  return loading;
}

const FILTERS = [
  ["type", say("searchFilterType")],
  ["report", say("searchFilterReport")],
  ["status", say("searchFilterStatus")],
  ["theme", say("searchFilterTheme")],
];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined && c !== "") e.append(c);
  }
  return e;
}

// Pagefind's excerpt is HTML with <mark> around matches: keep the text and
// the marks, drop anything else.
function excerpt(html) {
  const p = el("p", { class: "search-result-excerpt" });
  const doc = new DOMParser().parseFromString(html || "", "text/html");
  for (const n of doc.body.childNodes) {
    if (n.nodeName === "MARK") p.append(el("mark", {}, n.textContent));
    else p.append(n.textContent);
  }
  return p;
}

// The section that matched best, so the result links to the exact heading.
function bestSection(data) {
  const subs = (data.sub_results || []).filter((s) => s.url && s.url.includes("#"));
  if (!subs.length) return null;
  return subs.reduce((a, b) => ((b.locations || []).length > (a.locations || []).length ? b : a));
}

function result(data, headingLevel) {
  const m = data.meta || {};
  const section = bestSection(data);
  const url = section ? section.url : data.url;
  const facts = el("p", { class: "search-result-facts" }, el("span", { class: "search-result-type" }, m.type || say("searchTypePage")));
  if (m.status) {
    facts.append(" ", el("span", { class: `status status-${m.status_key || ""}` }, m.status));
  }
  const where = [m.report, m.period].filter(Boolean).join(", ");
  const li = el("li", { class: "search-result" },
    facts,
    el(`h${headingLevel}`, { class: "search-result-title" }, el("a", { href: url }, m.title || data.url)),
  );
  if (where) li.append(el("p", { class: "search-result-where" }, where));
  if (section && section.title && section.title !== m.title) {
    li.append(el("p", { class: "search-result-section" }, say("searchSection", { title: section.title })));
  }
  li.append(excerpt(section ? section.excerpt : data.excerpt));
  return li;
}

function setup(form) {
  const input = form.querySelector("input[name=q]");
  const status = document.getElementById(form.dataset.status);
  const list = document.getElementById(form.dataset.results);
  const filterBox = form.dataset.filters ? document.getElementById(form.dataset.filters) : null;
  const full = form.dataset.search === "page";
  const limit = full ? 30 : 6;
  const chosen = {};
  let seq = 0;
  let timer = null;

  function filters() {
    const out = {};
    for (const [k, set] of Object.entries(chosen)) {
      if (set.size) out[k] = { any: [...set] };
    }
    return out;
  }

  function clear() {
    list.replaceChildren();
    list.hidden = true;
    status.textContent = "";
  }

  async function run() {
    const q = input.value.trim();
    const mine = ++seq;
    const f = filters();
    if (!q && !Object.keys(f).length) {
      clear();
      return;
    }
    let pf;
    try {
      pf = await pagefind();
    } catch (e) {
      if (mine === seq) {
        status.textContent = location.protocol === "file:"
          ? say("searchOffline")
          : say("searchUnavailable");
      }
      return;
    }
    if (full && filterBox && filterBox.hidden) await showFilters(pf);
    const search = await pf.search(q || null, { filters: f });
    if (mine !== seq || !search) return;
    const shown = search.results.slice(0, limit);
    const data = await Promise.all(shown.map((r) => r.data()));
    if (mine !== seq) return;
    const n = search.results.length;
    const words = q ? say("searchFor", { query: q }) : "";
    status.textContent = n === 0
      ? say("searchNoResults", { for: words })
      : n > shown.length
        ? say("searchResultsFirst", { n, for: words, shown: shown.length }, n)
        : say("searchResults", { n, for: words }, n);
    list.replaceChildren(...data.map((d) => result(d, full ? 2 : 3)));
    list.hidden = n === 0;
    if (!full && n > shown.length) {
      const more = new URL("search/", root);
      more.searchParams.set("q", q);
      list.append(el("li", { class: "search-more" }, el("a", { href: more.href }, say("searchAllResults", { n }))));
    }
  }

  async function showFilters(pf) {
    const available = await pf.filters();
    filterBox.replaceChildren();
    for (const [key, label] of FILTERS) {
      const values = available[key];
      if (!values || !Object.keys(values).length) continue;
      chosen[key] = chosen[key] || new Set();
      const fs = el("fieldset", { class: "search-filter" }, el("legend", {}, label));
      Object.keys(values).sort().forEach((value, i) => {
        const id = `search-filter-${key}-${i}`;
        const box = el("input", { type: "checkbox", id, value });
        box.addEventListener("change", () => {
          if (box.checked) chosen[key].add(value);
          else chosen[key].delete(value);
          run();
        });
        fs.append(el("div", { class: "search-filter-option" }, box, el("label", { for: id }, `${value} (${values[value]})`)));
      });
      filterBox.append(fs);
    }
    filterBox.hidden = !filterBox.childElementCount;
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  // Down arrow moves from the box to the first result; Escape clears the
  // results under the header box.
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      const first = list.querySelector("a");
      if (first) {
        e.preventDefault();
        first.focus();
      }
    } else if (e.key === "Escape" && !full) {
      clear();
    }
  });
  if (full) {
    const needsJs = status.querySelector(".search-needs-js");
    if (needsJs) needsJs.remove();
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const url = new URL(location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url.href);
      run();
    });
    const q = new URLSearchParams(location.search).get("q");
    if (q) input.value = q;
    if (input.value.trim()) run();
    else pagefind().then(showFilters).catch(() => {});
  }
}

for (const form of document.querySelectorAll("form[data-search]")) setup(form);
