#!/usr/bin/env node
// Quality gates over a BUILT rapport site (the output folder, not the sources).
//
//   node tests/quality/check-site.mjs <built-site-dir> [--only=axe,keyboard,reflow,vnu,data,links]
//                                                      [--jobs=N]
//
// Why a Node script and not a Rust test: the tools that measure what DESIGN.md §8 promises
// are the reference implementations a reviewer or auditor would use themselves (axe-core
// inside a real Chromium, the Nu HTML Checker), and they ship on npm. The Rust suite keeps
// its own link check (tests/it/links.rs); the crawler here is the independent second
// opinion, built on a different HTML parser (parse5) and resolving links over HTTP.
//
// Gates (each prints every failure with page, rule and element):
//   axe       axe-core, tags wcag2a wcag2aa wcag21a wcag21aa wcag22aa, at 320 and 1280 px
//   keyboard  Tab through the page: every link and control receives focus, and each one
//             shows a focus indicator (its outline or box-shadow differs from unfocused)
//   reflow    at 320 and 375 px the page does not scroll sideways; content wider than the
//             screen only scrolls inside its own region, which must be focusable and labelled;
//             every chart's text is drawn at 12 CSS px or more, none outside its chart;
//             every table's caption is fully in view (never clipped by its scrolling region);
//             a scrolled table keeps its row labels in view; no row label of three words
//             or more wraps to one word a line; a stacked table does not scroll, shows
//             every cell on screen beside its column's name, and is still a table (with
//             cells and row headers) in Chromium's accessibility tree; no heading breaks
//             a word of up to 16 letters across two lines
//   vnu       the Nu HTML Checker over every HTML page in one run: zero errors
//   data      every .xml parses as XML (Chromium's parser), every .json as JSON
//   links     every internal href/src and #fragment resolves (served over HTTP)
//
// Needs: Node 20+, `npm ci` (playwright-core, axe-core, vnu-jar, parse5), Java 11+ on PATH,
// Chromium at /usr/bin/chromium (override with CHROMIUM=/path). See docs/testing.md.

import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseHtml } from 'parse5';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

const WIDTHS = [320, 375, 1280];
// The phone widths: reflow and tables are checked at each; axe and the keyboard walk
// run at the narrowest and at the desktop width only.
const PHONES = [320, 375];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const ALL_GATES = ['axe', 'keyboard', 'reflow', 'vnu', 'data', 'links'];

// ---------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv) {
  const opts = { dir: null, gates: new Set(ALL_GATES), jobs: 2 };
  for (const a of argv) {
    if (a.startsWith('--only=')) opts.gates = new Set(a.slice(7).split(',').filter(Boolean));
    else if (a.startsWith('--jobs=')) opts.jobs = Math.max(1, Number(a.slice(7)) || 1);
    else if (a === '--help' || a === '-h') opts.help = true;
    else if (!opts.dir) opts.dir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  for (const g of opts.gates) {
    if (!ALL_GATES.includes(g)) throw new Error(`unknown gate ${g}; gates: ${ALL_GATES.join(',')}`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------
// Results: every check is one line in the tally; failures keep their details.

class Tally {
  constructor() { this.passed = 0; this.failed = 0; this.byGate = new Map(); this.failures = []; }
  record(gate, ok, page, details = []) {
    const g = this.byGate.get(gate) ?? { passed: 0, failed: 0 };
    if (ok) { this.passed++; g.passed++; } else { this.failed++; g.failed++; }
    this.byGate.set(gate, g);
    if (!ok) {
      this.failures.push({ gate, page, details });
      // Print as we go: a long run shows its problems early.
      console.log(`FAIL [${gate}] ${page}`);
      for (const d of details) console.log(`    ${d}`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Files of the built site

async function walk(dir, rel = '') {
  const out = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...await walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

// The URL path a reader would use for a file: `a/b/index.html` is served as `/a/b/`.
function urlPathOf(rel) {
  if (rel === 'index.html') return '/';
  if (rel.endsWith('/index.html')) return `/${rel.slice(0, -'index.html'.length)}`;
  return `/${rel}`;
}

// ---------------------------------------------------------------------------------------
// A tiny static server, close to what a static host does: directories serve index.html,
// a directory without its trailing slash redirects, anything else is 404.

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.xml': 'application/xml', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.pdf': 'application/pdf', '.csv': 'text/csv; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
};

async function resolveFile(root, urlPath) {
  let decoded;
  try { decoded = decodeURIComponent(urlPath); } catch { return { status: 400 }; }
  const file = path.join(root, path.normalize(decoded));
  if (file !== root && !file.startsWith(root + path.sep)) return { status: 403 };
  try {
    const st = await stat(file);
    if (st.isDirectory()) {
      if (!decoded.endsWith('/')) return { status: 301, location: `${urlPath}/` };
      const index = path.join(file, 'index.html');
      await stat(index);
      return { status: 200, file: index };
    }
    return { status: 200, file };
  } catch {
    return { status: 404 };
  }
}

// The site is served under the path of its base_url (`/reports/` for
// https://example.org/reports/), as it will be in production: the 404 page has to use
// links from the root of the host, since a host serves it at any address.
async function startServer(root, basePath) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const r = url.pathname.startsWith(basePath)
      ? await resolveFile(root, '/' + url.pathname.slice(basePath.length))
      : url.pathname === basePath.slice(0, -1) ? { status: 301, location: basePath } : { status: 404 };
    if (r.status === 200) {
      res.writeHead(200, { 'content-type': TYPES[path.extname(r.file).toLowerCase()] ?? 'application/octet-stream' });
      res.end(await readFile(r.file));
    } else if (r.status === 301) {
      const location = r.location === basePath ? basePath : basePath + r.location.slice(1);
      res.writeHead(301, { location: location + url.search });
      res.end();
    } else {
      res.writeHead(r.status, { 'content-type': 'text/plain' });
      res.end(String(r.status));
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, siteRoot: origin + basePath };
}

// The site's own address: the home page's canonical link is its base_url.
async function siteBaseUrl(root) {
  let html;
  try { html = await readFile(path.join(root, 'index.html'), 'utf8'); } catch { return null; }
  for (const el of elements(parseHtml(html))) {
    if (el.tagName === 'link' && attr(el, 'rel') === 'canonical' && attr(el, 'href')) {
      const href = attr(el, 'href');
      return href.endsWith('/') ? href : `${href}/`;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Gate: data files parse

async function checkData(root, files, browserPage, tally) {
  for (const rel of files.filter((f) => f.endsWith('.json'))) {
    try {
      JSON.parse(await readFile(path.join(root, rel), 'utf8'));
      tally.record('data', true, rel);
    } catch (e) {
      tally.record('data', false, rel, [`JSON does not parse: ${e.message}`]);
    }
  }
  const xmls = files.filter((f) => f.endsWith('.xml'));
  for (const rel of xmls) {
    const text = await readFile(path.join(root, rel), 'utf8');
    // Chromium's DOMParser is a conforming XML parser (libxml2): a well-formedness error
    // gives a document holding <parsererror>.
    const error = await browserPage.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'application/xml');
      const err = doc.getElementsByTagName('parsererror')[0];
      return err ? err.textContent.trim().replace(/\s+/g, ' ') : null;
    }, text);
    tally.record('data', error === null, rel, error ? [`XML does not parse: ${error}`] : []);
  }
}

// ---------------------------------------------------------------------------------------
// Gate: the Nu HTML Checker, every page in one Java run

function run(cmd, args) {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', fail);
    child.on('close', (code) => ok({ code, stdout, stderr }));
  });
}

async function checkVnu(root, htmlFiles, tally) {
  const jar = require('vnu-jar');
  const java = process.env.JAVA ?? 'java';
  const files = htmlFiles.map((f) => path.join(root, f));
  const { stdout, stderr } = await run(java, ['-jar', jar, '--format', 'json', '--stdout', ...files]);
  let messages;
  try {
    messages = JSON.parse(stdout || stderr).messages;
  } catch {
    throw new Error(`the Nu HTML Checker did not give JSON (is Java 11+ installed?):\n${stderr || stdout}`);
  }
  const byFile = new Map(htmlFiles.map((f) => [f, { errors: [], warnings: [] }]));
  for (const m of messages) {
    const rel = m.url ? path.relative(root, decodeURIComponent(new URL(m.url).pathname)) : '(checker)';
    const entry = byFile.get(rel) ?? { errors: [], warnings: [] };
    byFile.set(rel, entry);
    const line = `${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${m.message}` +
      (m.extract ? `  «${m.extract.replace(/\s+/g, ' ').trim().slice(0, 120)}»` : '');
    if (m.type === 'error' || m.type === 'non-document-error') entry.errors.push(line);
    else if (m.type === 'info' && m.subType === 'warning') entry.warnings.push(line);
  }
  let errors = 0, warnings = 0;
  for (const [rel, e] of byFile) {
    errors += e.errors.length;
    warnings += e.warnings.length;
    tally.record('vnu', e.errors.length === 0, rel, e.errors.map((l) => `error ${l}`));
    for (const w of e.warnings) console.log(`warn  [vnu] ${rel}: ${w}`);
  }
  console.log(`vnu: ${byFile.size} pages, ${errors} errors, ${warnings} warnings`);
}

// ---------------------------------------------------------------------------------------
// Gate: links, by an independent crawler: parse5 for the HTML, HTTP for the resolution.

function* elements(node) {
  if (node.tagName) yield node;
  for (const c of node.childNodes ?? []) yield* elements(c);
  if (node.content) yield* elements(node.content); // <template>
}

const attr = (el, name) => el.attrs?.find((a) => a.name === name)?.value;

// Which attributes point somewhere, per element. `srcset` lists several URLs.
const LINK_ATTRS = {
  a: ['href'], area: ['href'], link: ['href'], img: ['src', 'srcset'], source: ['src', 'srcset'],
  script: ['src'], iframe: ['src'], video: ['src', 'poster'], audio: ['src'], track: ['src'],
  form: ['action'], object: ['data'], embed: ['src'],
};

function linksOf(doc) {
  const links = [];
  const ids = new Set();
  for (const el of elements(doc)) {
    const id = attr(el, 'id');
    if (id) ids.add(id);
    // The HTML spec also lets a fragment point at <a name>.
    if (el.tagName === 'a' && attr(el, 'name')) ids.add(attr(el, 'name'));
    for (const a of LINK_ATTRS[el.tagName] ?? []) {
      const v = attr(el, a);
      if (v === undefined) continue;
      const rel = attr(el, 'rel') ?? '';
      // Resource hints to other hosts are not links a reader follows.
      if (el.tagName === 'link' && /\b(preconnect|dns-prefetch)\b/.test(rel)) continue;
      const urls = a === 'srcset' ? v.split(',').map((s) => s.trim().split(/\s+/)[0]).filter(Boolean) : [v];
      for (const u of urls) links.push({ tag: el.tagName, attr: a, value: u });
    }
  }
  return { links, ids };
}

async function checkLinks(root, origin, siteRoot, baseUrl, htmlFiles, tally) {
  // Pages by their full path on the local server.
  const basePath = new URL(siteRoot).pathname;
  const parsed = new Map();
  for (const rel of htmlFiles) {
    const doc = parseHtml(await readFile(path.join(root, rel), 'utf8'));
    parsed.set(basePath + urlPathOf(rel).slice(1), linksOf(doc));
  }

  const fetched = new Map(); // url -> Promise<{status, path}>
  const fetchOnce = (url) => {
    if (!fetched.has(url)) {
      fetched.set(url, (async () => {
        let u = url;
        for (let hops = 0; hops < 5; hops++) {
          const res = await fetch(u, { method: 'GET', redirect: 'manual' });
          await res.arrayBuffer();
          if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
            u = new URL(res.headers.get('location'), u).href;
            continue;
          }
          return { status: res.status, path: new URL(u).pathname, type: res.headers.get('content-type') ?? '' };
        }
        return { status: 'too many redirects' };
      })());
    }
    return fetched.get(url);
  };

  let checked = 0, skipped = 0;
  for (const rel of htmlFiles) {
    const pageUrl = siteRoot + urlPathOf(rel).slice(1);
    const problems = [];
    for (const l of parsed.get(new URL(pageUrl).pathname).links) {
      let target;
      let raw = l.value.trim();
      if (raw === '') { problems.push(`<${l.tag} ${l.attr}=""> is empty`); continue; }
      // The site's own absolute address (canonical links) is checked like a relative link.
      if (baseUrl && raw.startsWith(baseUrl)) raw = siteRoot + raw.slice(baseUrl.length);
      try { target = new URL(raw, pageUrl); } catch {
        problems.push(`<${l.tag} ${l.attr}="${l.value}"> is not a valid URL`);
        continue;
      }
      if (target.origin !== origin) { skipped++; continue; } // external, mailto:, tel:, data:
      checked++;
      const res = await fetchOnce(target.origin + target.pathname + target.search);
      if (res.status !== 200) {
        problems.push(`<${l.tag} ${l.attr}="${l.value}"> -> ${target.pathname}: HTTP ${res.status}`);
        continue;
      }
      if (target.hash && target.hash !== '#' && res.type.startsWith('text/html')) {
        const id = decodeURIComponent(target.hash.slice(1));
        const ids = parsed.get(res.path)?.ids;
        if (!ids || !ids.has(id)) {
          problems.push(`<${l.tag} ${l.attr}="${l.value}"> -> no element with id "${id}" on ${res.path}`);
        }
      }
    }
    tally.record('links', problems.length === 0, rel, problems);
  }
  console.log(`links: ${checked} internal links and fragments followed, ${skipped} external skipped`);
}

// ---------------------------------------------------------------------------------------
// Gates in the browser: axe, keyboard, reflow

// Runs in the page. Lists what should take keyboard focus and records, on each focus,
// whether the element looks different from its unfocused self.
function installFocusProbe() {
  const KEYS = ['outlineStyle', 'outlineWidth', 'outlineColor', 'boxShadow'];
  const look = (el) => {
    const cs = getComputedStyle(el);
    return KEYS.map((k) => cs[k]).join('|');
  };
  const describe = (el) => {
    const text = (el.getAttribute('aria-label') || el.textContent || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 60);
    const id = el.id ? `#${el.id}` : '';
    const href = el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : '';
    return `<${el.tagName.toLowerCase()}${id}${href}> "${text}"`;
  };
  const focusable = 'a[href], area[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=""], [contenteditable="true"]';
  const expected = [];
  let n = 0;
  for (const el of document.querySelectorAll(focusable)) {
    if (el.matches(':disabled') || el.closest('[inert]')) continue;
    if (el.getAttribute('tabindex') !== null && el.tabIndex < 0) continue;
    if (el.tagName === 'INPUT' && el.type === 'hidden') continue;
    // A <summary> is only interactive as the first summary of its <details>.
    if (el.tagName === 'SUMMARY' && el.parentElement?.querySelector(':scope > summary') !== el) continue;
    // Not rendered (display:none, closed <details>, visibility:hidden): not expected.
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    el.dataset.qaFocus = String(n++);
    expected.push({ key: el.dataset.qaFocus, what: describe(el), unfocused: look(el) });
  }
  // Move focus off anything, to the top of the document.
  document.activeElement?.blur?.();
  window.__qa = { expected, seen: [] };
  document.addEventListener('focusin', (e) => {
    const el = e.target;
    window.__qa.seen.push({
      key: el.dataset?.qaFocus ?? null,
      what: describe(el),
      focused: look(el),
      focusVisible: el.matches(':focus-visible'),
    });
  }, true);
  return expected.length;
}

// Runs in the page: is there sideways scrolling, and are wide regions focusable and named?
function reflowProbe() {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  const describe = (el) => {
    const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}>`;
  };
  if (sw > vw) {
    // Name the widest culprits: elements sticking out of the viewport whose own scroll
    // container is the page.
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right <= vw + 0.5 || r.width === 0) continue;
      // Clipped by a scrolling ancestor, unless it is absolutely positioned and that
      // ancestor is not its containing block (then it escapes the clip and widens the page).
      const absolute = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      let p = el.parentElement, clipped = false;
      while (p && p !== document.body) {
        const cs = getComputedStyle(p);
        if (cs.overflowX !== 'visible' && (!absolute || cs.position !== 'static')) { clipped = true; break; }
        p = p.parentElement;
      }
      if (!clipped) culprits.push(`${describe(el)} right edge at ${Math.round(r.right)}px`);
    }
    problems.push(`the page scrolls sideways at ${vw}px: content is ${sw}px wide; ${culprits.slice(0, 5).join('; ')}`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      const focusable = el.tabIndex >= 0 || el.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
      if (!focusable || !named) {
        problems.push(`${describe(el)} scrolls sideways but is not ${!focusable ? 'focusable' : ''}${!focusable && !named ? ' or ' : ''}${!named ? 'labelled (aria-label/aria-labelledby)' : ''}`);
      }
    }
  }
  // Tables: the caption (the <caption>, or what aria-labelledby names) must be wholly
  // inside the screen and inside any region that scrolls it; row labels stay in view
  // when the figures scroll; a label of several words never stands one word a line.
  const clipBox = (el) => {
    let left = 0, right = vw;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') {
        const r = p.getBoundingClientRect();
        left = Math.max(left, r.left); right = Math.min(right, r.right);
      }
    }
    return { left, right };
  };
  for (const table of document.querySelectorAll('main table')) {
    const named = table.getAttribute('aria-labelledby');
    const caption = table.caption || (named && document.getElementById(named.split(/\s+/)[0]));
    if (caption) {
      const r = caption.getBoundingClientRect();
      const box = clipBox(caption);
      if (r.left < box.left - 1 || r.right > box.right + 1) {
        problems.push(`the caption "${caption.textContent.trim().slice(0, 50)}" is clipped: it spans ${Math.round(r.left)}-${Math.round(r.right)}px, the visible part ${Math.round(box.left)}-${Math.round(box.right)}px`);
      }
    }
    const region = table.closest('.table-wrap');
    // A stacked table is a card per row on a phone: nothing scrolls, every cell is on
    // screen beside its column's name, and the table keeps its table semantics.
    if (table.closest('.data-table-stacked')) {
      const name = (caption?.textContent ?? '').trim().slice(0, 40);
      if (region && region.scrollWidth > region.clientWidth + 1) {
        problems.push(`the stacked table "${name}" still scrolls sideways (${region.scrollWidth}px in ${region.clientWidth}px)`);
      }
      for (const td of table.querySelectorAll('td')) {
        const r = td.getBoundingClientRect();
        if (r.width === 0) continue;
        const label = getComputedStyle(td, '::before').content;
        if (r.left < -1 || r.right > vw + 1) {
          problems.push(`a cell of the stacked table "${name}" spans ${Math.round(r.left)}-${Math.round(r.right)}px, off the screen`);
          break;
        }
        if (!td.classList.contains('no-figures') && (!label || label === 'none' || label === '""')) {
          problems.push(`a cell of the stacked table "${name}" ("${td.textContent.trim().slice(0, 20)}") shows no column name`);
          break;
        }
      }
      continue;
    }
    if (region && region.scrollWidth > region.clientWidth + 1) {
      const before = region.scrollLeft;
      region.scrollLeft = region.scrollWidth;
      const edge = region.getBoundingClientRect();
      for (const th of table.querySelectorAll('tbody th[scope="row"]:first-child')) {
        const r = th.getBoundingClientRect();
        if (r.left < edge.left - 1) {
          problems.push(`scrolled to its end, the table "${(caption?.textContent ?? '').trim().slice(0, 40)}" hides its row label "${th.textContent.trim().slice(0, 30)}"`);
          break;
        }
      }
      region.scrollLeft = before;
    }
    for (const th of table.querySelectorAll('th[scope="row"]')) {
      const words = th.textContent.trim().split(/\s+/).filter(Boolean).length;
      if (words < 3) continue;
      const range = document.createRange();
      range.selectNodeContents(th);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      if (lines >= words) {
        problems.push(`the row label "${th.textContent.trim().slice(0, 40)}" wraps to one word a line (${lines} lines)`);
        break;
      }
    }
  }
  // A heading never breaks an ordinary word (up to 16 letters) across two lines: the
  // page-wide `overflow-wrap: break-word` splits a word only when it is wider than the
  // line, so a split one means the heading's type is too large for a phone
  // ("Recommendation / s"). A line may still end after a hyphen or a dash.
  for (const h of document.querySelectorAll('h1, h2, h3, h4')) {
    if (!h.checkVisibility()) continue;
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    let broken = null;
    for (let node = walker.nextNode(); node && !broken; node = walker.nextNode()) {
      // A word, up to and with a hyphen or dash: a line may end after one.
      for (const m of node.data.matchAll(/[^\s\-\u2010-\u2014/]+[\-\u2010-\u2014/]?/g)) {
        if (m[0].length > 16) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const lines = new Set(rects.map((r) => Math.round(r.top))).size;
        if (lines > 1) { broken = m[0]; break; }
      }
    }
    if (broken) {
      problems.push(`the heading "${h.textContent.trim().slice(0, 40)}" breaks the word "${broken}" across lines`);
    }
  }
  // Charts are SVG scaled to fit: text drawn at 14px in a wide drawing shrinks with it on
  // a phone. Each text's drawn size is its font size times the drawing's scale.
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    const view = svg.viewBox && svg.viewBox.baseVal;
    if (!view || !view.width || !box.width) continue;
    const scale = box.width / view.width;
    for (const text of svg.querySelectorAll('text')) {
      const size = parseFloat(getComputedStyle(text).fontSize) * scale;
      const r = text.getBoundingClientRect();
      if (size < 12) {
        problems.push(`chart text "${text.textContent.slice(0, 40)}" is drawn at ${size.toFixed(1)}px, under 12px`);
        break;
      }
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        problems.push(`chart text "${text.textContent.slice(0, 40)}" runs outside its chart`);
        break;
      }
    }
  }
  return problems;
}

async function checkInBrowser(page, pageUrl, rel, width, gates, axeSource, tally) {
  await page.setViewportSize({ width, height: 900 });
  // The search page adds its filters once the index has loaded: wait for
  // that, so the gates see the page as a reader does by then.
  const resp = await page.goto(pageUrl, { waitUntil: rel.startsWith('search/') ? 'networkidle' : 'load' });
  const expectStatus = rel === '404.html' ? 404 : 200;
  if (!resp || (resp.status() !== 200 && resp.status() !== expectStatus)) {
    tally.record('axe', false, `${rel} @${width}px`, [`HTTP ${resp?.status()}`]);
    return;
  }
  const label = `${rel} @${width}px`;

  if (gates.has('axe') && width !== 375) {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async (tags) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
      }));
    }, AXE_TAGS);
    const details = [];
    for (const v of result) {
      for (const n of v.nodes) {
        details.push(`${v.id} (${v.impact}): ${v.help} — ${n.target} ${n.html.replace(/\s+/g, ' ').slice(0, 160)}` +
          (n.summary ? `\n        ${n.summary.replace(/\n\s*/g, ' ').slice(0, 300)}` : ''));
      }
    }
    tally.record('axe', details.length === 0, label, details);
  }

  if (gates.has('reflow') && PHONES.includes(width)) {
    const problems = await page.evaluate(reflowProbe);
    problems.push(...(await stackedTableSemantics(page)));
    tally.record('reflow', problems.length === 0, label, problems);
  }

  if (gates.has('keyboard') && width !== 375) {
    const count = await page.evaluate(installFocusProbe);
    // Tab through twice the number of stops: a page may add stops after it loads (the
    // search page's filters appear once its index has answered), and every stop counted
    // at the start must still be reached.
    for (let i = 0; i < 2 * count + 3; i++) await page.keyboard.press('Tab');
    const { expected, seen } = await page.evaluate(() => window.__qa);
    const problems = [];
    const reached = new Set(seen.map((s) => s.key));
    for (const e of expected) {
      if (!reached.has(e.key)) problems.push(`not reachable with Tab: ${e.what}`);
    }
    const byKey = new Map(expected.map((e) => [e.key, e]));
    const reported = new Set();
    for (const s of seen) {
      const e = byKey.get(s.key);
      if (!e || reported.has(s.key)) continue;
      // Visible: focus changes the outline or box-shadow, and what it ends with is an
      // outline that is drawn or a shadow that is there.
      const [style, width, , shadow] = s.focused.split('|');
      const outlineDrawn = style !== 'none' && style !== 'hidden' && parseFloat(width) > 0;
      const changed = s.focused !== e.unfocused;
      if (!changed || !(outlineDrawn || shadow !== 'none')) {
        reported.add(s.key);
        problems.push(`no visible focus indicator (outline/box-shadow unchanged or none): ${s.what}`);
      }
    }
    tally.record('keyboard', problems.length === 0, label, problems);
  }
}

// A table drawn as cards (display: block on its parts) must still be a table to a screen
// reader: Chromium's accessibility tree, read over CDP, must have a table with cells and
// row headers for each stacked table on the page.
async function stackedTableSemantics(page) {
  const stacked = await page.evaluate(() => document.querySelectorAll('.data-table-stacked table').length);
  if (stacked === 0) return [];
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const count = (role) => nodes.filter((n) => !n.ignored && n.role && n.role.value === role).length;
    const problems = [];
    const tables = count('table');
    const expected = await page.evaluate(() => document.querySelectorAll('main table').length);
    if (tables < expected) {
      problems.push(`a stacked table is not a table to assistive technology: ${tables} tables in the accessibility tree for ${expected} on the page`);
    }
    if (count('rowheader') === 0 || count('cell') + count('gridcell') === 0) {
      problems.push('a stacked table has lost its row headers or cells in the accessibility tree');
    }
    return problems;
  } finally {
    await cdp.detach();
  }
}

async function checkPages(browser, siteRoot, htmlFiles, gates, jobs, tally) {
  const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const queue = [];
  for (const rel of htmlFiles) for (const w of WIDTHS) queue.push({ rel, width: w });
  // A pool of `jobs` tabs in one browser, each taking the next page from the queue.
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const worker = async () => {
    const page = await context.newPage();
    let current = null;
    // A script error in our own theme is a failure too: the page may not work.
    page.on('pageerror', (e) => tally.record('axe', false, `${current?.rel} @${current?.width}px`, [`script error: ${e}`]));
    for (let item = queue.shift(); item; item = queue.shift()) {
      current = item;
      try {
        await checkInBrowser(page, siteRoot + urlPathOf(item.rel).slice(1), item.rel, item.width, gates, axeSource, tally);
      } catch (e) {
        tally.record('axe', false, `${item.rel} @${item.width}px`, [`the check itself failed: ${e.message}`]);
      }
    }
    await page.close();
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  await context.close();
}

// ---------------------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help || !opts.dir) {
    console.log('usage: node tests/quality/check-site.mjs <built-site-dir> [--only=axe,keyboard,reflow,vnu,data,links] [--jobs=N]');
    process.exit(opts.help ? 0 : 2);
  }
  const root = path.resolve(opts.dir);
  const files = await walk(root);
  const htmlFiles = files.filter((f) => f.endsWith('.html'));
  if (htmlFiles.length === 0) {
    console.error(`no HTML pages under ${root}: build the site first`);
    process.exit(2);
  }
  const started = Date.now();
  const tally = new Tally();
  const baseUrl = await siteBaseUrl(root);
  const basePath = baseUrl ? new URL(baseUrl).pathname : '/';
  const { server, origin, siteRoot } = await startServer(root, basePath);
  console.log(`serving ${root} at ${siteRoot}`);
  const needBrowser = ['axe', 'keyboard', 'reflow', 'data'].some((g) => opts.gates.has(g));
  const browser = needBrowser
    ? await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS })
    : null;
  try {
    // The checker runs in Java while Chromium works: they use different cores.
    const vnu = opts.gates.has('vnu') ? checkVnu(root, htmlFiles, tally) : Promise.resolve();
    if (opts.gates.has('data')) {
      const p = await browser.newPage();
      await checkData(root, files, p, tally);
      await p.close();
    }
    if (opts.gates.has('links')) await checkLinks(root, origin, siteRoot, baseUrl, htmlFiles, tally);
    if (['axe', 'keyboard', 'reflow'].some((g) => opts.gates.has(g))) {
      await checkPages(browser, siteRoot, htmlFiles, opts.gates, opts.jobs, tally);
    }
    await vnu;
  } finally {
    await browser?.close();
    server.close();
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log('');
  console.log(`Checked ${htmlFiles.length} HTML pages at ${WIDTHS.join(', ')} px in ${secs}s.`);
  for (const [gate, g] of tally.byGate) console.log(`  ${gate.padEnd(9)} ${g.passed} passed, ${g.failed} failed`);
  const violations = tally.failures.reduce((n, f) => n + Math.max(1, f.details.length), 0);
  console.log(`violations: ${violations}`);
  console.log(`${tally.passed} passed, ${tally.failed} failed`);
  process.exit(tally.failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(2);
});
