// Screenshots of what readers see, for reviewers: each report's home page, one of its
// chapters and its page with a table (if any), at a phone's width (375 px) and a desktop's
// (1280 px), and the first page of its PDF. Written to docs/screenshots/ with an index,
// docs/screenshots/README.md, so a change to the theme shows up in review as changed
// pictures.
//
//   cargo run --release -- build --output /tmp/site
//   node tests/quality/screenshots.mjs /tmp/site
//
// Needs Chromium (CHROMIUM=/path to override /usr/bin/chromium) and poppler's pdftoppm.

import { createServer } from 'node:http';
import { readFile, readdir, mkdir, writeFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join, extname, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const site = resolve(process.argv[2] ?? 'output');
const out = resolve('docs/screenshots');
const TYPES = { '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.pdf': 'application/pdf' };

const server = createServer(async (req, res) => {
  let path = join(site, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
    res.end(await readFile(path));
  } catch {
    res.writeHead(404); res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

// The reports are the folders with an index.html and a PDF of their own name.
const reports = [];
for (const entry of await readdir(site, { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  try {
    await stat(join(site, entry.name, `${entry.name}.pdf`));
    reports.push(entry.name);
  } catch { /* not a report */ }
}
reports.sort();

await mkdir(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
const lines = ['# Screenshots', '', 'What readers see, made by `node tests/quality/screenshots.mjs <built site>` (see docs/testing.md). Phone: 375 px wide; desktop: 1280 px.', ''];
for (const slug of reports) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}${slug}/`);
  const title = await page.textContent('h1');
  const chapters = await page.$$eval('.report-contents a, .contents a, ol a', (as) => as.map((a) => a.getAttribute('href')).filter((h) => h && !h.startsWith('#') && !h.includes('://') && !h.endsWith('.pdf')));
  let tablePage = null;
  for (const href of chapters) {
    await page.goto(new URL(href, `${base}${slug}/`).href);
    if (await page.$('figure.data-table')) { tablePage = page.url(); break; }
  }
  const shots = [['home', `${base}${slug}/`, null], ['chapter', chapters[0] ? new URL(chapters[0], `${base}${slug}/`).href : null, null]];
  if (tablePage) shots.push(['table', tablePage, 'figure.data-table']);
  lines.push(`## ${title.trim()}`, '');
  for (const [what, url, element] of shots) {
    if (!url) continue;
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(url);
      const file = `${slug}-${what}-${width}.png`;
      if (element) {
        const el = await page.$(element);
        await el.screenshot({ path: join(out, file) });
      } else {
        await page.screenshot({ path: join(out, file) });
      }
      lines.push(`- ${what}, ${width} px: ![${title.trim()}, ${what} at ${width} px](${file})`);
    }
  }
  execFileSync('pdftoppm', ['-r', '50', '-png', '-singlefile', '-f', '1', '-l', '1', join(site, slug, `${slug}.pdf`), join(out, `${slug}-pdf-cover`)]);
  lines.push(`- PDF cover: ![${title.trim()}, PDF cover](${slug}-pdf-cover.png)`, '');
  await page.close();
}
await writeFile(join(out, 'README.md'), lines.join('\n'));
await browser.close();
server.close();
console.log(`wrote screenshots of ${reports.length} reports to ${out}`);
