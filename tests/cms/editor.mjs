// The editor in a real browser (issue #25): Debian's Chromium, through playwright-core,
// opens /admin/ under `rapport serve --cms`, checks that every collection lists the site's
// entries, adds a progress update to a recommendation through the form (its status chosen
// from the select), saves it, and tries a save that rapport refuses. Run by
// tests/it/cms.rs, which then reads the file on disk, the rebuilt tracker page and
// `rapport check`; with a folder as its second argument it also takes the screenshots
// for docs/cms.md.
//
//   node tests/cms/editor.mjs http://127.0.0.1:1111/admin/ [SCREENSHOT_DIR]
//
// Prints one JSON object on its last line: what it found.

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const [admin, shots] = process.argv.slice(2);
const result = { collections: {}, errors: [], pageErrors: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
// Decap throws once more after a refused save; kept apart from this script's own errors.
page.on('pageerror', (e) => result.pageErrors.push(String(e)));
page.setDefaultTimeout(20000);

async function shot(name) {
  if (!shots) return;
  await mkdir(shots, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

try {
  await page.goto(admin);
  // With a local backend, Decap shows one button to go in.
  await page.getByRole('button', { name: /log ?in/i }).click();
  await page.waitForSelector('a[href*="#/collections/"]');
  await shot('cms-1-collections');

  const config = await (await fetch(new URL('config.yml', admin))).text();
  const names = [...config.matchAll(/^ {4}name: (\S+)$/gm)].map((m) => m[1]);
  for (const name of names) {
    await page.goto(`${admin}#/collections/${name}`);
    const entries = page.locator(`a[href*="/collections/${name}/entries/"]`);
    try {
      await entries.first().waitFor();
      result.collections[name] = await entries.count();
    } catch {
      result.collections[name] = 0;
    }
  }

  // A file that is a list at its top (the board's decisions), shown under `items:`, and
  // the site's settings.
  await page.goto('about:blank');
  await page.goto(`${admin}#/collections/vru-establishment-2019-files/entries/items`);
  const decisions = page.getByText(/\d+ decisions/i).first();
  await decisions.waitFor();
  result.decisions = await decisions.textContent();
  await page.goto('about:blank');
  await page.goto(`${admin}#/collections/site/entries/site`);
  const title = page.locator('input[type="text"]').first();
  await title.waitFor();
  result.siteTitle = await title.inputValue();

  // A quarterly update: recommendation 1 of the progress report, a new progress update.
  await open('gvc-progress-report-items/entries/01');
  await shot('cms-2-recommendation');
  await page.getByRole('button', { name: /add progress update/i }).click();
  const dates = page.locator('input[type="date"], input[type="datetime-local"], input[type="text"][value=""]');
  const date = page.locator('input[type="date"]').last();
  if (await date.count()) {
    await date.fill('2026-12-01');
  } else {
    result.errors.push(`no date input (${await dates.count()} candidates)`);
  }
  // The status select (react-select): open it and pick a label.
  const status = page.locator('[class*="-control"]').last();
  await status.click();
  await page.getByText('Implemented', { exact: true }).last().click();
  // The new update's text: the editor before the recommendation's own text.
  const editors = page.locator('[contenteditable="true"]');
  const text = editors.nth((await editors.count()) - 2);
  await text.click();
  await page.keyboard.type('The data-sharing agreement was signed by every partner.');
  await shot('cms-3-progress-update');
  await publish();
  result.saved = await saved();
  await shot('cms-4-saved');

  // A save rapport refuses: a number another recommendation has.
  await open('gvc-progress-report-items/entries/02');
  const number = page.locator('input[type="text"]').first();
  await number.waitFor();
  await number.fill('1');
  await publish();
  result.refused = await refusal();
  await shot('cms-5-refused');
} catch (e) {
  result.errors.push(String(e.stack ?? e));
  await shot('cms-failed');
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));

// An entry, loaded afresh (signing in again if asked).
async function open(path) {
  await page.goto('about:blank');
  await page.goto(`${admin}#/collections/${path}`);
  const login = page.getByRole('button', { name: /log ?in/i });
  const entry = page.getByText('Progress updates', { exact: false }).first();
  await Promise.race([login.waitFor(), entry.waitFor()]);
  if (await login.isVisible()) await login.click();
  await entry.waitFor();
}

// Simple mode's "Publish" menu, then "Publish now".
async function publish() {
  await page.getByRole('button', { name: /^publish$/i }).click();
  await page.getByText(/publish now/i).click();
}

async function saved() {
  try {
    await page.getByText(/entry (saved|published)/i).first().waitFor();
    return true;
  } catch {
    return false;
  }
}

async function refusal() {
  try {
    const note = page.getByText(/not saved/i).first();
    await note.waitFor();
    return await note.textContent();
  } catch {
    return null;
  }
}
