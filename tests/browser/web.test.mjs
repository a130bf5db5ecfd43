// Web UI end to end in headless Chromium against a running skillvet (see run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const base = process.env.SKILLVET_URL;
const fixture = process.env.FIXTURE_REPO;
const artifacts = process.env.ARTIFACTS;
let browser;
const cspViolations = [];

before(async () => {
  assert.ok(base, 'SKILLVET_URL is set');
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM, args: ['--no-sandbox'] });
});
after(async () => { await browser?.close(); });

async function newPage(viewport = { width: 1200, height: 900 }) {
  const page = await browser.newPage({ viewport });
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
  });
  page.on('pageerror', (err) => cspViolations.push(String(err)));
  return page;
}

const shot = (page, name) => page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });

test('search finds seeded skills, live, with exact counts', async () => {
  const page = await newPage();
  const response = await page.goto(`${base}/`);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await assert.doesNotReject(page.locator('#results-count').waitFor());
  assert.match(await page.locator('#results-count').innerText(), /^3 skills/);
  // Typing searches live (htmx) and updates the URL.
  await page.getByLabel('Search skills').fill('tables');
  await page.waitForFunction(() => /^1 skill\b/.test(document.querySelector('#results-count')?.innerText ?? ''));
  assert.match(page.url(), /q=tables/);
  assert.equal(await page.locator('ol.cards > li').count(), 1);
  await shot(page, '01-search-live');
  // Repository substring and filters through the form.
  await page.goto(`${base}/skills?q=demo-org%2Fagent-skills&tier=certified`);
  assert.match(await page.locator('#results-count').innerText(), /^1 skill\b/);
  await page.goto(`${base}/skills?q=nothing-matches-this`);
  assert.match(await page.locator('#results-count').innerText(), /^0 skills/);
  // Phone-sized screen: no horizontal scrolling of the page.
  const phone = await newPage({ width: 375, height: 740 });
  await phone.goto(`${base}/skills`);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `page overflows a phone screen by ${overflow}px`);
  await shot(phone, '02-search-phone');
  await phone.close();
  await page.close();
});

test('skill page shows install commands, report and safely rendered SKILL.md', async () => {
  const page = await newPage();
  await page.goto(`${base}/skills?q=pdf`);
  await page.getByRole('link', { name: 'pdf-tools' }).first().click();
  await page.waitForURL(/\/skills\/demo-org\/agent-skills\/pdf-tools$/);
  assert.equal(await page.locator('h1').innerText(), 'pdf-tools');
  assert.match(await page.getByLabel('With the skills CLI').inputValue(), /^npx skills add http:\/\/127\.0\.0\.1:\d+\/demo-org\/agent-skills/);
  assert.equal(await page.getByLabel(/With skillvet/).inputValue(), 'skillvet install demo-org/agent-skills/pdf-tools');
  const report = await page.locator('section[aria-labelledby="report-h"]').innerText();
  assert.match(report, /scripts\/extract\.py:12/);
  assert.match(report, /Reads files outside the skill folder/);
  const readme = page.locator('article.markdown');
  assert.match(await readme.innerText(), /<script>document.title='pwned'<\/script>/, 'raw HTML shown as text');
  assert.notEqual(await page.title(), 'pwned');
  assert.equal(await readme.locator('script').count(), 0);
  assert.equal(await readme.locator('a[href^="javascript:"]').count(), 0);
  await shot(page, '03-skill-page');
  const missing = await page.goto(`${base}/skills/nobody/nothing/none`);
  assert.equal(missing.status(), 404);
  assert.match(await page.locator('h1').innerText(), /Not found/);
  await shot(page, '04-not-found');
  await page.close();
});

test('submit flow: discover, pre-selection, bulk submit, live progress', async () => {
  const page = await newPage();
  await page.goto(`${base}/submit`);
  await page.getByLabel('Repository URL').fill(fixture);
  await page.getByRole('button', { name: 'Find skills' }).click();
  await page.waitForSelector('table.discovered');
  await shot(page, '05-discovered');
  const hello = page.getByRole('checkbox', { name: /hello-world/ });
  const count = page.getByRole('checkbox', { name: /word-count/ });
  const bad = page.getByRole('checkbox', { name: /Bad_Name/ });
  assert.ok(await hello.isChecked());
  assert.ok(await count.isChecked());
  assert.ok(await bad.isDisabled(), 'invalid skill cannot be selected');
  assert.match(await page.locator('table.discovered').innerText(), /error:/);
  await count.uncheck();
  await page.getByRole('button', { name: 'Submit selected skills' }).click();
  await page.waitForURL(/\/submit\/batch\?ids=\d+$/);
  assert.match(await page.locator('#progress').innerText(), /hello-world/);
  assert.doesNotMatch(await page.locator('#progress').innerText(), /word-count/);
  // Live progress: htmx polls until the in-process workers have fetched, scanned and
  // decided; then polling stops.
  await page.locator('#progress').filter({ hasText: '1 of 1 finished' }).waitFor({ timeout: 90000 });
  assert.equal(await page.locator('#progress').getAttribute('hx-trigger'), null);
  await shot(page, '06-progress');
  await page.locator('#progress a[href^="/submit/"]').first().click();
  await page.waitForURL(/\/submit\/\d+$/);
  assert.match(await page.locator('h1').innerText(), /Submission #\d+/);
  assert.match(await page.locator('main').innerText(), /PUBLISHED/);
  await shot(page, '07-submission');
  // Submitting again: the pending skill is no longer pre-selected.
  await page.goto(`${base}/submit`);
  await page.getByLabel('Repository URL').fill(fixture);
  await page.getByRole('button', { name: 'Find skills' }).click();
  await page.waitForSelector('table.discovered');
  assert.ok(!(await page.getByRole('checkbox', { name: /hello-world/ }).isChecked()));
  await page.goto(`${base}/queue`);
  assert.match(await page.locator('#counts').innerText(), /PUBLISHED\s+[1-9]/);
  await shot(page, '08-queue');
  await page.goto(`${base}/trust`);
  assert.match(await page.locator('main').innerText(), /Recently verified/);
  await shot(page, '09-trust');
  await page.close();
});

test('forms refuse requests without the CSRF token', async () => {
  const response = await fetch(`${base}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    body: `repo_url=${encodeURIComponent(fixture)}`,
  });
  assert.equal(response.status, 403);
});

test('no CSP violations or script errors on any page', () => {
  assert.deepEqual(cspViolations, []);
});
