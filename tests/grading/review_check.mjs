// The grading view of `make review` in headless Chromium, driven by test_review_browser.py.
//
//   node review_check.mjs grade  URL   grades three answers by keyboard, adds one comment to two
//                                      selected answers at once, reloads, reads every card back
//   node review_check.mjs verify URL   reads every card back (after the server was restarted),
//                                      then reveals the names
//   node review_check.mjs axe URL      axe-core only, on a page on disk (feedback, class report)
// Both check that no file name or student id is in the page before the names are revealed, and
// run axe-core (WCAG 2.1 A and AA) one answer at a time and side by side. Prints one JSON object.
// Uses tests/site's node_modules (playwright-core, axe-core): `cd tests/site && npm ci`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'site', 'package.json'));
const { chromium } = require('playwright-core');
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_OPTIONS = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] };

const [phase, url] = process.argv.slice(2);
const screenshots = process.env.REVIEW_SCREENSHOTS || '';
const result = { phase, cards: [], axe: [], namesBeforeReveal: null, namesAfterReveal: null, consoleErrors: [], external: [] };

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  // The written pages forbid every script (their Content-Security-Policy); axe is let in by the test only.
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 }, bypassCSP: phase === 'axe' });
  tab.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  tab.on('request', (r) => { if (!r.url().startsWith(url.replace(/\/$/, ''))) result.external.push(r.url()); });
  const ready = async () => {
    await tab.waitForFunction(() => document.getElementById('status').textContent.startsWith('Ready'));
  };
  const settled = async () => {
    await tab.waitForTimeout(150);
    await tab.waitForFunction(() => window.reviewState.pending === 0);
  };
  const readCards = () => tab.evaluate(() => window.reviewState.data.answers.map((a) => ({
    label: a.label,
    ticked: [...a.node.querySelectorAll('fieldset.criteria input')].filter((b) => b.checked).map((b) => Number(b.dataset.criterion)),
    adjust: a.node._parts.adjust.value,
    points: a.node._parts.points.textContent,
    comment: a.node._parts.comment.value,
    name: a.node._parts.name.textContent,
  })));
  const axe = async (where) => {
    if (!(await tab.evaluate(() => typeof window.axe === 'object'))) await tab.addScriptTag({ content: AXE_SOURCE });
    const violations = await tab.evaluate(async (options) => (await window.axe.run(document, options)).violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), AXE_OPTIONS);
    result.axe.push(...violations.map((v) => `[${where}] ${v}`));
  };
  const pageText = () => tab.evaluate(() => document.documentElement.outerHTML + ' ' + [...document.querySelectorAll('textarea,input')].map((e) => e.value).join(' '));

  await tab.goto(url);
  if (phase === 'axe') {
    // A page written to disk (a feedback page, the class report): axe-core only.
    await axe(url.split('/').pop());
    result.images = await tab.evaluate(() => [...document.images].map((i) => ({ alt: i.alt, width: i.naturalWidth })));
    await browser.close();
    process.stdout.write(JSON.stringify(result));
    process.exit(0);
  }
  await ready();
  result.htmlBeforeReveal = await pageText();

  if (phase === 'grade') {
    const kb = tab.keyboard;
    // Answer 1: criteria 1 and 3, a comment. Everything from the keyboard, starting on the page body.
    await kb.press('p');
    const plan = [
      { keys: ['1', '3'], comment: 'Good comparison; say which document is silent.' },
      { keys: ['2'], comment: 'Attribute the population figure to 002.' },
      { keys: ['1', '2', '4'], comment: 'Strong; the omissions need an example.', adjust: '-0.5' },
    ];
    for (const [index, step] of plan.entries()) {
      for (const key of step.keys) await kb.press(key);
      await kb.press('c');
      await kb.type(step.comment);
      await kb.press('Escape');
      if (step.adjust) {
        await kb.press('a');
        await kb.press('Control+A');
        await kb.type(step.adjust);
        await kb.press('Tab');
        await kb.press('Escape');
        await tab.evaluate(() => window.reviewState.data.answers[window.reviewState.current].node.focus());
      }
      await settled();
      if (index < plan.length - 1) await kb.press('n');
    }
    // Answers 4 and 5 selected with x, then one comment added to both at once.
    await kb.press('n'); await kb.press('x');
    await kb.press('n'); await kb.press('x');
    await tab.focus('#bulk-comment');
    await kb.type('Cite documents by id.');
    await kb.press('Tab');
    await kb.press('Enter');
    await settled();
    result.cardsBeforeReload = await readCards();
    await tab.reload();
    await ready();
  }
  result.cards = await readCards();
  result.namesBeforeReveal = result.cards.map((c) => c.name);
  await axe('one at a time');
  if (screenshots) await tab.screenshot({ path: join(screenshots, `review-one-${phase}.png`), fullPage: false });
  await tab.click('#side');
  await tab.waitForTimeout(100);
  await axe('side by side');
  if (screenshots) await tab.screenshot({ path: join(screenshots, `review-side-${phase}.png`), fullPage: false });
  await tab.click('#one');
  await tab.click('#reveal');
  await tab.waitForFunction(() => window.reviewState.data.answers.every((a) => a.node._parts.name.textContent));
  result.namesAfterReveal = (await readCards()).map((c) => c.name);
  await axe('names revealed');
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(result));
