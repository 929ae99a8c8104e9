// Check the built site the way a reader meets it: in a real browser, with no network.
//
// For every HTML page of the site (served here on 127.0.0.1), in headless Chromium:
//   * requests to any other host (must be 0: the site is read offline, in class, from _build/html);
//   * console errors, uncaught page errors and failed local requests (must be 0);
//   * axe-core, WCAG 2.1 A and AA plus landmark and heading-order rules (must be 0 violations),
//     at desktop and at phone width;
//   * every <img> has alt text, and the alt text is not a file name (myst-nb's default alt is the path);
//   * at 390 px wide, nothing makes the page body scroll sideways;
//   * every explorer (.static-explorer): each option of its dropdown shows a different view;
//   * every self-check quiz (jupyterquiz): a wrong answer and a right answer each give their feedback;
//   * every internal link and #anchor resolves;
// and writes a screenshot of every page at both widths to the screenshots folder.
//
// Usage: node site_check.mjs [--site _build/html] [--screenshots _build/screenshots] [--port 8704]
//                             [--report site-check.json] [--concurrency 2]
//        node site_check.mjs --self-test   (proves each check can fail, on a small broken site)
// Exit status 0 when every check passes, 1 when any fails, 2 when the check itself cannot run.

import { createServer } from 'node:http';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function fail(message) {
  console.error(`site-check: ${message}`);
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  fail('playwright-core is not installed: run `npm ci` in tests/site (make site-check does this).');
}
const AXE_SOURCE = (() => {
  try {
    return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    fail('axe-core is not installed: run `npm ci` in tests/site (make site-check does this).');
  }
})();

// ---------------------------------------------------------------------------------------------
// Settings

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps',
];
// WCAG 2.1 A and AA, plus the axe rules for landmarks and heading order (tagged best-practice).
const AXE_OPTIONS = {
  runOnly: {
    type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
  },
  rules: Object.fromEntries([
    'heading-order', 'page-has-heading-one', 'region', 'landmark-one-main', 'landmark-unique',
    'landmark-no-duplicate-banner', 'landmark-no-duplicate-contentinfo', 'landmark-no-duplicate-main',
    'landmark-banner-is-top-level', 'landmark-contentinfo-is-top-level', 'landmark-main-is-top-level',
    'landmark-complementary-is-top-level', 'empty-heading', 'image-redundant-alt',
  ].map((id) => [id, { enabled: true }])),
  resultTypes: ['violations'],
};
// Pages that are not part of the reading (Sphinx's copies of sources, static assets).
const SKIPPED_FOLDERS = ['_static', '_sources', '_images', '_downloads', 'reports'];
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.json': 'application/json', '.ipynb': 'application/x-ipynb+json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.svg': 'image/svg+xml', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.eot': 'application/vnd.ms-fontobject', '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8', '.inv': 'application/octet-stream', '.ico': 'image/x-icon',
};

function parseArgs(argv) {
  const args = { site: '_build/html', screenshots: '_build/screenshots', port: 8704, selfTest: false, report: null, concurrency: 2 };
  for (let i = 0; i < argv.length; i += 1) {
    const [key, inline] = argv[i].split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (key === '--site') args.site = value();
    else if (key === '--screenshots') args.screenshots = value();
    else if (key === '--port') args.port = Number(value());
    else if (key === '--report') args.report = value();
    else if (key === '--concurrency') args.concurrency = Number(value());
    else if (key === '--self-test') args.selfTest = true;
    else fail(`unknown argument ${argv[i]} (expected --site, --screenshots, --port, --report, --self-test)`);
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// A static server for the site, bound to 127.0.0.1 only

function serve(root, port) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    let file = resolve(root, `.${path}`);
    if (!file.startsWith(resolve(root))) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': MIME[extname(file).toLowerCase()] || 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', (error) => reject(new Error(`cannot serve on 127.0.0.1:${port}: ${error.message}`)));
    server.listen(port, '127.0.0.1', () => resolvePromise(server));
  });
}

function htmlPages(root) {
  const pages = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      const rel = relative(root, full).split(sep).join('/');
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.includes(rel.split('/')[0])) walk(full);
      } else if (entry.name.endsWith('.html')) {
        pages.push(rel);
      }
    }
  };
  walk(root);
  return pages.sort();
}

// A redirect stub (Jupyter Book's index.html) is checked only for where it points.
function redirectTarget(root, page) {
  const text = readFileSync(join(root, page), 'utf8');
  const match = text.match(/<meta[^>]+http-equiv=["']?refresh["']?[^>]+content=["'][^"']*url=([^"'>]+)["']/i);
  return match ? match[1].trim() : null;
}

// ---------------------------------------------------------------------------------------------
// The checks that run inside the page

// Images: alt text present, not empty (unless hidden from assistive technology), not a file name.
function imageProblems() {
  const fileName = /(^|[\\/])[^\s\\/]+\.(png|jpe?g|gif|svg|webp|bmp)$/i;
  const problems = [];
  document.querySelectorAll('img').forEach((img) => {
    const src = (img.getAttribute('src') || '').slice(0, 80);
    const hidden = img.closest('[aria-hidden="true"]') || img.getAttribute('role') === 'presentation';
    if (!img.hasAttribute('alt')) problems.push(`<img src="${src}"> has no alt attribute`);
    else if (!img.alt.trim() && !hidden) problems.push(`<img src="${src}"> has empty alt text`);
    else if (fileName.test(img.alt.trim()) || (img.alt && (img.getAttribute('src') || '').endsWith(img.alt.trim())))
      problems.push(`<img src="${src}"> has a file name for alt text: "${img.alt}"`);
  });
  return problems;
}

// Horizontal overflow at phone width: the page scrolls sideways, and which elements stick out
// (the innermost ones: an element wider than the screen, or text spilling out of its box).
function overflowProblems() {
  const width = document.documentElement.clientWidth;
  const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (scrollWidth <= width + 1) return [];
  const clippedOrScrolled = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(node).overflowX)) return true;
    }
    return false;
  };
  const candidates = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.position === 'fixed' || style.visibility === 'hidden' || style.display === 'none') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0) continue;
    const spills = style.overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
      ? box.left + el.scrollWidth : box.right;
    if (spills > width + 1 && !clippedOrScrolled(el)) candidates.push([el, spills]);
  }
  const innermost = candidates.filter(([el]) => !candidates.some(([other]) => other !== el && el.contains(other)));
  const describe = ([el, right]) => {
    const name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
      (typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).slice(0, 3).join('.')}` : '');
    const section = el.closest('section[id]');
    return `${name}${section ? ` in #${section.id}` : ''} "${el.textContent.trim().slice(0, 40)}" (reaches ${Math.round(right)} px)`;
  };
  return [`page is ${scrollWidth} px wide in a ${width} px viewport: ${innermost.slice(0, 5).map(describe).join('; ') || 'no single element found'}`];
}

// Menus (an explorer's dropdown) whose options do not fit the menu at phone width: a reader sees
// "2020 war: military dea" and cannot tell the options apart. Measured with the menu's own font,
// leaving room for its padding and arrow.
function cutOffMenuProblems() {
  const problems = [];
  const canvas = document.createElement('canvas').getContext('2d');
  document.querySelectorAll('select').forEach((menu) => {
    if (!menu.checkVisibility()) return;
    const style = getComputedStyle(menu);
    canvas.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = menu.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20;
    const cut = [...menu.options].map((option) => option.text).filter((text) => canvas.measureText(text).width > room);
    if (cut.length) problems.push(`menu "${(menu.labels?.[0]?.textContent || menu.id || 'select').trim().slice(0, 40)}" (${menu.clientWidth} px) cuts off: ${cut.slice(0, 3).map((t) => `"${t}"`).join(', ')}`);
  });
  return problems;
}

// Boxes a phone reader must swipe sideways (at 390 px): printed text (a stream or plain-text
// output, often a quote a question depends on) must wrap instead; code and wide tables may scroll
// but must say so (a visible ".course-scroll-hint" just above them). Returns the count and problems.
function sidewaysProblems() {
  const boxes = 'div.highlight pre, .cell_output .output, .table-wrapper, .source-document, pre';
  const problems = [];
  let count = 0;
  const seen = new Set();
  document.querySelectorAll(boxes).forEach((box) => {
    if (box.closest('.Quiz')) return;
    const style = getComputedStyle(box);
    if (!(box.scrollWidth > box.clientWidth + 1 && /(auto|scroll)/.test(style.overflowX))) return;
    if (!box.checkVisibility() || box.getBoundingClientRect().width === 0) return;
    const outer = [...seen].find((other) => other.contains(box));
    if (outer) return;
    seen.add(box);
    count += 1;
    const section = box.closest('section[id]');
    const where = `"${box.textContent.trim().slice(0, 40)}"${section ? ` in #${section.id}` : ''}`;
    if (box.closest('.cell_output .output.stream, .cell_output .output.text_plain')) {
      problems.push(`printed text needs sideways swiping instead of wrapping: ${where}`);
      return;
    }
    let hint = null;
    for (let node = box; node && !hint && node !== document.body; node = node.parentElement) {
      const before = node.previousElementSibling;
      if (before && before.classList.contains('course-scroll-hint')) hint = before;
    }
    if (!hint || !hint.checkVisibility()) problems.push(`a box scrolls sideways with no sign that it does: ${where}`);
  });
  return { count, problems };
}

// Phone fit (390 px), what a reader's thumb and eyes meet: a two-column table of text (a head
// note) cut at its box's edge, form controls whose text is under 16 px (iOS zooms the page into
// them), and controls or header buttons under 44 px (WCAG 2.5.5, where the theme allows it).
const PHONE_TARGETS = '.bd-header-article button, .bd-header-article a.btn, .static-explorer select, button.primary-toggle';
function phoneFitProblems(targets) {
  const problems = [];
  const where = (el) => { const s = el.closest('section[id]'); return s ? ` in #${s.id}` : ''; };
  document.querySelectorAll('main table, .bd-article table').forEach((table) => {
    if (!table.checkVisibility()) return;
    const columns = Math.max(0, ...[...table.rows].map((row) => row.cells.length));
    if (columns > 2) return; // a wide table of data may scroll, and says so (sidewaysProblems)
    const box = table.parentElement;
    const width = table.getBoundingClientRect().width;
    if (width > box.clientWidth + 1) problems.push(`a table of text is cut: ${Math.round(width)} px wide in a ${box.clientWidth} px box${where(table)} "${table.textContent.trim().slice(0, 40)}"`);
  });
  document.querySelectorAll('select, textarea, input:not([type=radio]):not([type=checkbox]):not([type=hidden])').forEach((control) => {
    if (!control.checkVisibility() || control.getBoundingClientRect().width === 0) return;
    const size = parseFloat(getComputedStyle(control).fontSize);
    if (size < 16) problems.push(`a control's text is ${size} px, under 16 px (a phone zooms in): ${control.tagName.toLowerCase()} "${(control.labels?.[0]?.textContent || control.getAttribute('aria-label') || control.id || '').trim().slice(0, 40)}"`);
  });
  document.querySelectorAll(targets).forEach((target) => {
    if (!target.checkVisibility()) return;
    const box = target.getBoundingClientRect();
    if (box.width === 0) return;
    if (box.height < 43.5 || box.width < 43.5) problems.push(`a target is ${Math.round(box.width)} x ${Math.round(box.height)} px, under 44 px: ${target.tagName.toLowerCase()} "${(target.getAttribute('aria-label') || target.textContent || '').trim().slice(0, 30)}"`);
  });
  return problems;
}

// The search field, with a word typed in: its icon must not sit over the text. Opens the theme's
// search dialog when the field is not on the page itself.
async function searchIconProblems(tab) {
  let field = tab.locator('input[type="search"]:visible').first();
  if (!(await field.count())) {
    const button = tab.locator('button.search-button__button:visible, button.search-button:visible').first();
    if (!(await button.count())) return [];
    await button.click();
    field = tab.locator('input[type="search"]:visible').first();
    try { await field.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS }); } catch { return ['the search button opens no search field']; }
  }
  await field.fill('Repetowicz');
  const problems = await field.evaluate((input) => {
    const style = getComputedStyle(input);
    const box = input.getBoundingClientRect();
    const textLeft = box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
    const form = input.closest('form') || input.parentElement;
    const found = [];
    form.querySelectorAll('svg, i, img, .icon').forEach((icon) => {
      if (!icon.checkVisibility()) return;
      const r = icon.getBoundingClientRect();
      const overlapsVertically = r.bottom > box.top + 2 && r.top < box.bottom - 2;
      if (r.width && overlapsVertically && r.right > textLeft + 1 && r.left < box.right) found.push(`the search field's icon (${Math.round(r.left - box.left)}-${Math.round(r.right - box.left)} px) sits over the typed text, which starts at ${Math.round(textLeft - box.left)} px`);
    });
    return found;
  });
  await tab.keyboard.press('Escape').catch(() => {});
  return problems;
}

// Print: the page printed to PDF (page.pdf, which prints with the print style sheet). Every
// explorer's every view must be printed (a captioned figure for each menu choice, its image
// loaded), no screen-only note ("scroll sideways") printed, and the PDF must hold at least as
// many images as the printed page shows.
async function printProblems(tab) {
  await tab.emulateMedia({ media: 'print' });
  await tab.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  try {
    // (A lazy image not yet asked for counts as complete: wait for its pixels.)
    await tab.waitForFunction(() => [...document.querySelectorAll('.course-print-views img')].every((img) => img.complete && img.naturalWidth > 0), null, { timeout: 20000 });
  } catch { /* reported below as views not loaded */ }
  const found = await tab.evaluate(() => {
    const problems = [];
    document.querySelectorAll('.static-explorer').forEach((explorer, index) => {
      // (ipywidgets writes an option's spaces as no-break spaces.)
      const words = (text) => text.replace(/\s+/g, ' ').trim();
      const choices = [...explorer.querySelectorAll('select option')].map((o) => words(o.textContent));
      const scope = explorer.closest('.cell_output') || explorer.parentElement;
      const block = scope && scope.querySelector('.course-print-views');
      const printed = block ? [...block.querySelectorAll('figure')].filter((f) => f.checkVisibility())
        .filter((f) => { const img = f.querySelector('img'); return img && img.complete && img.naturalWidth > 0 && img.checkVisibility(); })
        .map((f) => words(f.querySelector('figcaption')?.textContent || '')) : [];
      const missing = choices.filter((choice) => !printed.some((caption) => caption.includes(choice)));
      if (missing.length) problems.push(`explorer ${index + 1}: ${missing.length} of its ${choices.length} views not printed (${missing.slice(0, 3).map((m) => `"${m}"`).join(', ')})`);
    });
    document.querySelectorAll('.course-scroll-hint').forEach((hint) => {
      if (hint.checkVisibility() && hint.textContent.trim()) problems.push(`a screen-only note is printed: "${hint.textContent.trim().slice(0, 50)}"`);
    });
    const images = new Set([...document.querySelectorAll('main img, .bd-article img')]
      .filter((img) => img.checkVisibility() && img.complete && img.naturalWidth > 0).map((img) => img.currentSrc || img.src));
    return { problems, images: images.size };
  });
  const pdf = await tab.pdf({ format: 'A4', printBackground: false });
  const inPdf = (pdf.toString('latin1').match(/\/Subtype\s*\/Image/g) || []).length;
  if (inPdf < found.images) found.problems.push(`the PDF holds ${inPdf} images, the printed page shows ${found.images}`);
  await tab.emulateMedia({ media: 'screen' });
  return { problems: found.problems, pdfBytes: pdf.length, images: inPdf };
}

// The whole first visit: every request the page makes until the network is idle (theme files,
// scripts, fonts, images), from an empty cache. The widget manager (_static/widgets/) is counted
// apart: it may load only on a page with widgets.
const PAGE_BUDGET_BYTES = 1_200_000;
const WIDGET_MANAGER_PATH = '/_static/widgets/';
function pageWeight(requests, hasWidgets) {
  const total = requests.reduce((n, [, bytes]) => n + bytes, 0);
  const widgetManager = requests.filter(([url]) => new URL(url).pathname.includes(WIDGET_MANAGER_PATH)).reduce((n, [, bytes]) => n + bytes, 0);
  const weight = {
    requests: requests.length, total, widgetManager, withoutWidgetManager: total - widgetManager, hasWidgets,
    largest: [...requests].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([url, bytes]) => `${new URL(url).pathname} ${Math.round(bytes / 1024)} KB`),
  };
  const problems = [];
  if (weight.withoutWidgetManager > PAGE_BUDGET_BYTES)
    problems.push(`first visit loads ${Math.round(weight.withoutWidgetManager / 1024)} KB without the widget manager, over the ${Math.round(PAGE_BUDGET_BYTES / 1024)} KB budget (largest: ${weight.largest.join(', ')})`);
  if (widgetManager && !hasWidgets) problems.push(`loads the widget manager (${Math.round(widgetManager / 1024)} KB) but has no widgets`);
  return { weight, problems };
}

// Links: every internal href (and its #anchor) with the ids of this page.
function linksAndIds() {
  const links = [...document.querySelectorAll('a[href]')].map((a) => a.href);
  const ids = [...document.querySelectorAll('[id], a[name]')].map((el) => el.id || el.getAttribute('name'));
  return { links, ids };
}

// ---------------------------------------------------------------------------------------------
// Interactive parts
//
// Each step waits for the state it expects (polled, up to STEP_TIMEOUT_MS), never for a fixed
// number of milliseconds: on a loaded 2-core CI machine a fixed pause can end before a view
// switches or a sidebar's transition is over, and the check then fails a page that works.
const STEP_TIMEOUT_MS = 5000;
async function waitUntil(tab, condition, arg) {
  await tab.waitForFunction(condition, arg, { timeout: STEP_TIMEOUT_MS, polling: 50 }).catch(() => {});
}

// Finish every running CSS transition and animation (a finite one jumps to its end state) and
// let two frames paint, so axe and the screenshots see the colours a reader is left with, not a
// colour half-way through a fade.
async function settle(tab) {
  await tab.evaluate(async () => {
    for (const animation of document.getAnimations()) {
      const timing = animation.effect?.getComputedTiming?.();
      if (timing && Number.isFinite(timing.endTime)) animation.finish();
    }
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  });
}

async function checkExplorers(page) {
  const results = [];
  const explorers = page.locator('.static-explorer');
  const count = await explorers.count();
  for (let i = 0; i < count; i += 1) {
    const explorer = explorers.nth(i);
    const select = explorer.locator('select').first();
    const name = `explorer ${i + 1}`;
    if ((await select.count()) === 0) {
      results.push({ name, problems: ['has no dropdown (the widget manager did not render it?)'], options: 0 });
      continue;
    }
    const options = await select.locator('option').allTextContents();
    const problems = [];
    const seen = new Map();
    // The view a reader sees: the visible images inside the explorer, minus the dropdown.
    const viewOf = (box) => [...box.querySelectorAll('img')]
      .filter((img) => img.checkVisibility() && img.getBoundingClientRect().height > 0)
      .map((img) => `${img.alt}|${img.src.length}|${img.src.slice(-64)}`).join('\n');
    let previous = await explorer.evaluate(viewOf);
    for (let index = 0; index < options.length; index += 1) {
      await select.selectOption({ index });
      // The first option may be the one already shown; any other must bring a view of its own
      // (polled up to STEP_TIMEOUT_MS; an explorer that never changes is then reported below).
      let view = await explorer.evaluate(viewOf);
      for (const until = Date.now() + STEP_TIMEOUT_MS; index > 0 && (!view || view === previous) && Date.now() < until;) {
        await page.waitForTimeout(50);
        view = await explorer.evaluate(viewOf);
      }
      previous = view;
      if (!view) problems.push(`option "${options[index]}" shows no visible view`);
      else if (seen.has(view)) problems.push(`option "${options[index]}" shows the same view as "${seen.get(view)}"`);
      else seen.set(view, options[index]);
    }
    if (options.length < 2) problems.push(`has ${options.length} option(s): nothing to explore`);
    results.push({ name, problems, options: options.length });
  }
  return results;
}

// Self-check quizzes (jupyterquiz), answered as a reader would: a wrong answer and the right one
// are clicked, each must be marked and show its own feedback, in a live region a screen reader
// announces; an answer reached with the Tab key must show where the focus is. The right answer's
// position is recorded: on a page with several questions it must not always be the same option.
async function checkQuizzes(page) {
  const results = [];
  const quizzes = page.locator('.Quiz');
  const count = await quizzes.count();
  for (let i = 0; i < count; i += 1) {
    const quiz = quizzes.nth(i);
    const name = `quiz question ${i + 1}`;
    const wrong = quiz.locator('label.MCButton[data-correct="false"]').first();
    const right = quiz.locator('label.MCButton[data-correct="true"]').first();
    const feedback = quiz.locator('.Feedback').first();
    if ((await wrong.count()) === 0 || (await right.count()) === 0) {
      results.push({ name, problems: ['is not a multiple-choice question with a wrong and a right answer: not exercised'], skipped: true });
      continue;
    }
    const problems = [];
    const rightPosition = await quiz.evaluate((q) => [...q.querySelectorAll('label.MCButton')].findIndex((l) => l.dataset.correct === 'true'));
    const live = await feedback.evaluate((fb) => ['polite', 'assertive'].includes(fb.getAttribute('aria-live')) ||
      ['status', 'alert'].includes(fb.getAttribute('role')) || !!fb.closest('[aria-live="polite"], [aria-live="assertive"]'));
    if (!live) problems.push('its feedback is not in a live region: a screen reader does not announce the result');
    if (i === 0) problems.push(...(await quizFocusProblems(page, quiz)));
    for (const [label, answer, expectedClass] of [['wrong', wrong, 'incorrect'], ['right', right, 'correct']]) {
      const expectedText = (await answer.getAttribute('data-feedback')) || '';
      await answer.click();
      await waitUntil(page, ([fb, cls]) => fb.classList.contains(cls) && fb.textContent.trim() !== '', [await feedback.elementHandle(), expectedClass]);
      const shown = await feedback.evaluate((fb) => ({ text: fb.textContent.trim(), classes: [...fb.classList] }));
      if (!shown.classes.includes(expectedClass)) problems.push(`clicking a ${label} answer did not mark it ${expectedClass}`);
      if (!shown.text) problems.push(`clicking a ${label} answer showed no feedback`);
      else if (expectedText && shown.text !== expectedText.trim() && !shown.text.includes(expectedText.trim().slice(0, 20)))
        problems.push(`clicking a ${label} answer showed "${shown.text.slice(0, 60)}", not its own feedback`);
    }
    results.push({ name, problems, rightPosition });
  }
  const answered = results.filter((q) => !q.skipped);
  if (answered.length >= 2 && new Set(answered.map((q) => q.rightPosition)).size === 1)
    answered[0].problems.push(`the right answer is option ${answered[0].rightPosition + 1} in all ${answered.length} questions of the page: a pattern to learn instead of the content`);
  return results;
}

// Keyboard focus on an answer (WCAG 2.4.7): reach an answer with the Tab key, and its box must look
// different from an unfocused answer (outline or shadow).
async function quizFocusProblems(page, quiz) {
  const input = quiz.locator('label.MCButton input').first();
  if ((await input.count()) === 0) return ['its answers cannot be reached with the keyboard (no input in the answer)'];
  await input.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const look = await quiz.evaluate((q) => {
    const focused = document.activeElement && document.activeElement.closest('label.MCButton');
    if (!focused || !q.contains(focused)) return null;
    const other = [...q.querySelectorAll('label.MCButton')].find((l) => l !== focused);
    const ring = (el) => { const s = getComputedStyle(el); return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`; };
    return { focused: ring(focused), other: other ? ring(other) : '' };
  });
  if (!look) return ['the Tab key does not reach its answers'];
  if (look.focused === look.other) return [`keyboard focus on an answer is invisible (focused and unfocused answers look alike: ${look.focused})`];
  return [];
}

// Click the right answer, then a wrong one, on every quiz: the page is left with every question
// answered wrongly, the state whose feedback colours axe then checks (on the phone, in dark mode).
async function answerEveryQuizWrongly(page) {
  const quizzes = page.locator('.Quiz');
  for (let i = 0; i < (await quizzes.count()); i += 1) {
    for (const kind of ['true', 'false']) {
      const answer = quizzes.nth(i).locator(`label.MCButton[data-correct="${kind}"]`).first();
      if (await answer.count()) await answer.click();
    }
  }
  await waitUntil(page, () => [...document.querySelectorAll('.Quiz .Feedback')].every((fb) => fb.classList.contains('incorrect')));
  await settle(page);
}

// Site navigation, as a person uses it. On a phone (390 x 844, touch): tap the visible button that
// opens the site navigation, see the chapter list, tap a link in it and land on that page. On a
// desktop: click the visible button, the sidebar collapses; click again, it comes back.
// (Only the visible button counts: a reader cannot tap a hidden one.)
const NAVIGATION_TOGGLE = 'button.primary-toggle';
const NAVIGATION_SAMPLE = ['intro.html', 'chapters/the_battle.html', 'exercises/provenance_exercises.html'];
async function visibleToggle(tab) {
  const toggles = tab.locator(NAVIGATION_TOGGLE);
  for (let i = 0; i < (await toggles.count()); i += 1) if (await toggles.nth(i).isVisible()) return toggles.nth(i);
  return null;
}

async function checkPhoneNavigation(tab, base, result) {
  const problems = [];
  const toggle = await visibleToggle(tab);
  if (!toggle) return ['no visible site-navigation button at phone width'];
  await toggle.tap();
  // The chapter list the reader now sees: visible links to other pages of the site.
  const visibleLinks = (origin) => [...document.querySelectorAll('dialog[open] a[href], nav a[href], [role="navigation"] a[href]')]
    .filter((a) => a.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && a.getBoundingClientRect().width > 0 &&
      a.href.startsWith(origin) && a.href.split('#')[0] !== location.href.split('#')[0] && a.getBoundingClientRect().left < window.innerWidth &&
      a.getBoundingClientRect().right > 0 && !a.closest('header, .bd-header-article, footer, .prev-next-area'))
    .map((a) => ({ text: a.textContent.trim(), href: a.href, onScreen: a.getBoundingClientRect().top >= 0 && a.getBoundingClientRect().bottom <= window.innerHeight }));
  await waitUntil(tab, `(${visibleLinks.toString()})(${JSON.stringify(base)}).length >= 2`);
  await settle(tab);
  const links = await tab.evaluate(visibleLinks, base);
  if (links.length < 2) {
    problems.push(`tapping the site-navigation button shows ${links.length} link(s) to other pages, not the chapter list`);
    return problems;
  }
  // A link the reader can see without scrolling the drawer: the last one on screen.
  const target = [...links].reverse().find((link) => link.onScreen) || links[0];
  result.leftPage = true; // what the next page does is that page's own result
  await tab.getByRole('link', { name: target.text, exact: true }).filter({ visible: true }).first().tap().catch(() => {});
  await tab.waitForURL((url) => url.href.split('#')[0] === target.href.split('#')[0], { timeout: 3 * STEP_TIMEOUT_MS, waitUntil: 'domcontentloaded' }).catch(() => {});
  if (tab.url().split('#')[0] !== target.href.split('#')[0])
    problems.push(`tapping "${target.text}" in the navigation went to ${tab.url().replace(base, '')}, not ${target.href.replace(base, '')}`);
  return problems;
}

async function checkDesktopNavigation(tab) {
  const toggle = await visibleToggle(tab);
  if (!toggle) return ['no visible button to collapse the sidebar'];
  const shown = () => {
    const sidebar = document.getElementById('pst-primary-sidebar') || document.querySelector('nav, [role="navigation"]');
    return !!sidebar && sidebar.checkVisibility({ visibilityProperty: true, opacityProperty: true }) &&
      sidebar.getBoundingClientRect().right > 0 && !document.querySelector('dialog[open]');
  };
  const sidebarShown = () => tab.evaluate(shown);
  const problems = [];
  if (!(await sidebarShown())) return ['the sidebar is not shown on a desktop'];
  await toggle.click();
  await waitUntil(tab, `!(${shown.toString()})()`);
  await settle(tab);
  if (await sidebarShown()) problems.push('clicking the sidebar button does not collapse the sidebar');
  await toggle.click();
  await waitUntil(tab, `(${shown.toString()})()`);
  await settle(tab);
  if (!(await sidebarShown())) problems.push('clicking the sidebar button again does not bring the sidebar back');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// One page

// Widgets render after load (the widget manager is deferred): wait until every widget view
// placeholder has been replaced, or give up after 15 s (the explorer check then reports it).
async function waitForWidgets(tab) {
  const views = await tab.locator('script[type="application/vnd.jupyter.widget-view+json"]').count();
  if (!views) return;
  await tab.waitForFunction(() => [...document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')]
    .every((script) => script.parentElement.querySelector('.jupyter-widgets')), null, { timeout: 15000 })
    .catch(() => {});
  await settle(tab);
}

// Open a page in a fresh tab of `context`, listening for what must not happen.
async function openPage(context, base, page, result) {
  const tab = await context.newPage();
  tab.on('console', (message) => {
    if (result.leftPage) return; // the navigation check went on to another page
    // A failed load is reported with its URL below (response, requestfailed, or external).
    // Warnings count too: a library's warning on every page (the widget manager's strict-mode
    // report was one) is noise a reader's console should not carry.
    if (message.type() === 'warning') {
      result.consoleErrors.push(`warning: ${message.text().slice(0, 200)}`);
      return;
    }
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      const where = message.location()?.url ? ` (${message.location().url.replace(base, '')})` : '';
      result.consoleErrors.push(`${message.text().slice(0, 200)}${where}`);
    }
  });
  tab.on('pageerror', (error) => result.leftPage || result.consoleErrors.push(`uncaught: ${String(error.message || error).slice(0, 200)}`));
  tab.on('requestfailed', (request) => {
    if (!result.leftPage && new URL(request.url()).hostname === '127.0.0.1')
      result.consoleErrors.push(`request failed: ${request.url().replace(base, '')} (${request.failure()?.errorText})`);
  });
  // Every request of the first visit, with the size of its body (the site is served uncompressed).
  const sizes = [];
  tab.on('requestfinished', (request) => {
    if (!result.leftPage && result.measuring) sizes.push(request.sizes().then((s) => [request.url(), s.responseBodySize]).catch(() => [request.url(), 0]));
  });
  tab.measured = async () => Promise.all(sizes);
  tab.on('response', (response) => {
    if (response.status() >= 400 && !result.leftPage) result.consoleErrors.push(`HTTP ${response.status()} for ${response.url().replace(base, '')}`);
  });
  await tab.goto(`${base}/${page}`, { waitUntil: 'networkidle' });
  await waitForWidgets(tab);
  return tab;
}

async function newContext(browser, viewport, result, device = {}) {
  const context = await browser.newContext({ viewport, serviceWorkers: 'block', ...device });
  result.contexts.push(context); // so a page that stalls can be abandoned (see checkPageWithin)
  // Nothing leaves the machine: a request to another host is counted, then refused.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
    if (!result.leftPage) result.external.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  return context;
}

async function runAxe(tab, width, result, include = null) {
  await settle(tab);
  if (!(await tab.evaluate(() => typeof window.axe === 'object'))) await tab.addScriptTag({ content: AXE_SOURCE });
  const found = await tab.evaluate(async ([options, selector]) =>
    (await window.axe.run(selector ? { include: [[selector]] } : document, options)).violations, [AXE_OPTIONS, include]);
  for (const violation of found) {
    const targets = violation.nodes.slice(0, 4).map((node) => node.target.join(' ')).join(', ');
    result.axe.push(`[${width}] ${violation.id} (${violation.impact}, ${violation.nodes.length} element${violation.nodes.length > 1 ? 's' : ''}): ${violation.help}: ${targets}`);
  }
}

// The whole page as a reader scrolls through it: the window is made as tall as the page (so the
// sticky header and sidebar sit where they do on screen), up to Chromium's texture limit.
const SCREENSHOT_MAX_HEIGHT = 16000;
async function screenshot(tab, viewport, path) {
  const height = await tab.evaluate(() => Math.max(document.documentElement.scrollHeight, document.body.scrollHeight));
  await tab.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), SCREENSHOT_MAX_HEIGHT) });
  // From the top of the page (answering the quizzes scrolls a page taller than the limit).
  await tab.evaluate(() => window.scrollTo(0, 0));
  await settle(tab);
  await tab.screenshot({ path });
  await tab.setViewportSize(viewport);
}

function emptyResult(page, checkNavigation) {
  const result = {
    page, external: [], consoleErrors: [], axe: [], images: [], overflow: [], explorers: [], quizzes: [], navigation: [],
    weight: null, weightProblems: [], sideways: [], sidewaysBoxes: 0, phone: [], print: [], printed: null,
    links: [], ids: [], seconds: 0, timing: {}, navigationChecked: !!checkNavigation,
  };
  Object.defineProperty(result, 'contexts', { value: [], enumerable: false }); // not in the report
  return result;
}

// How long one page's checks may take (a chapter takes about 30 s on 2 busy cores). A page that
// takes longer has stalled in the browser (once, a page evaluation never answered): its browser
// contexts are closed and it is checked once more from the start; a second stall fails the page.
// SITE_CHECK_PAGE_SECONDS changes the limit (to see this path work: SITE_CHECK_PAGE_SECONDS=2).
const PAGE_TIME_LIMIT_MS = Number(process.env.SITE_CHECK_PAGE_SECONDS || 240) * 1000;
async function checkPageWithin(browser, base, page, screenshots, checkNavigation, say, limit = PAGE_TIME_LIMIT_MS) {
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    const holder = {};
    let timer;
    const stalled = new Promise((resolve) => { timer = setTimeout(() => resolve(null), limit); });
    const checked = checkPage(browser, base, page, screenshots, checkNavigation, holder);
    const result = await Promise.race([checked, stalled]);
    clearTimeout(timer);
    if (result) return result;
    checked.catch(() => {}); // it fails once its contexts are closed; that failure is this stall
    await Promise.all((holder.result?.contexts || []).map((context) => context.close().catch(() => {})));
    say(`  ${page}: no answer from the browser after ${limit / 1000} s (attempt ${attempt} of 2)`);
  }
  const result = emptyResult(page, checkNavigation);
  result.consoleErrors.push(`the page's checks did not finish in ${limit / 1000} s, twice: the browser stalled on it`);
  return result;
}

async function checkPage(browser, base, page, screenshots, checkNavigation, holder = {}) {
  const result = emptyResult(page, checkNavigation);
  holder.result = result;
  const started = Date.now();
  let lap = Date.now();
  const timing = (step) => { result.timing[step] = (result.timing[step] || 0) + (Date.now() - lap) / 1000; lap = Date.now(); };
  const slug = page.replace(/\.html$/, '').replace(/[/\\]/g, '__');

  // Desktop: accessibility, images, links, then the interactive parts (which change the page).
  const desktop = await newContext(browser, DESKTOP, result);
  result.measuring = true;
  let tab = await openPage(desktop, base, page, result);
  result.measuring = false;
  const hasWidgets = (await tab.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()) > 0;
  const measured = pageWeight(await tab.measured(), hasWidgets);
  result.weight = measured.weight;
  result.weightProblems = measured.problems;
  timing('load');
  await runAxe(tab, 'desktop, light', result);
  timing('axe');
  result.images = await tab.evaluate(imageProblems);
  Object.assign(result, await tab.evaluate(linksAndIds));
  await screenshot(tab, DESKTOP, join(screenshots, `${slug}--desktop.png`));
  timing('screenshot');
  result.explorers = await checkExplorers(tab);
  result.quizzes = await checkQuizzes(tab);
  // The quizzes answered (the last answer right): their colours, in light mode.
  if (result.quizzes.length) await runAxe(tab, 'desktop, light, quizzes answered', result, '.Quiz');
  timing('interactive');
  if (checkNavigation) result.navigation.push(...(await checkDesktopNavigation(tab)).map((m) => `desktop: ${m}`));
  timing('navigation');
  // Printed to PDF: a page with explorers (every view) or with screen-only notes; then the
  // search field with a word typed in (on the pages whose navigation is checked).
  if (await tab.locator('.static-explorer, .course-scroll-hint, .course-print-views').count()) {
    const printed = await printProblems(tab);
    result.print = printed.problems;
    result.printed = { pdfBytes: printed.pdfBytes, images: printed.images };
  }
  if (checkNavigation) result.phone.push(...(await searchIconProblems(tab)).map((m) => `desktop: ${m}`));
  timing('print');
  // Closing a context aborts what it still loads (a lazy image the screenshot scrolled into view,
  // on a slow machine): those aborts are the check's doing, not the page's.
  result.leftPage = true;
  await desktop.close();
  result.leftPage = false;

  // Phone: loaded at phone width, as a phone would (scripts that measure the layout run at that width).
  // In dark mode (the theme reads the reader's choice from localStorage), so that axe sees both
  // modes: light at desktop width, dark at phone width, with every quiz answered wrongly.
  const phone = await newContext(browser, PHONE, result, { hasTouch: true, isMobile: true });
  await phone.addInitScript(() => { localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark'); });
  tab = await openPage(phone, base, page, result);
  timing('load');
  result.overflow = [...(await tab.evaluate(overflowProblems)), ...(await tab.evaluate(cutOffMenuProblems))];
  result.phone.push(...(await tab.evaluate(phoneFitProblems, PHONE_TARGETS)));
  const sideways = await tab.evaluate(sidewaysProblems);
  result.sidewaysBoxes = sideways.count;
  result.sideways = sideways.problems;
  await answerEveryQuizWrongly(tab);
  await runAxe(tab, 'phone, dark, quizzes answered wrongly', result);
  timing('axe');
  await screenshot(tab, PHONE, join(screenshots, `${slug}--phone.png`));
  timing('screenshot');
  if (checkNavigation) result.navigation.push(...(await checkPhoneNavigation(tab, base, result)).map((m) => `phone: ${m}`));
  timing('navigation');
  result.leftPage = true;
  await phone.close();
  result.seconds = (Date.now() - started) / 1000;
  delete result.leftPage;
  delete result.measuring;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Links across the whole site

function checkLinks(root, base, results) {
  const idsByPage = new Map(results.map((r) => [r.page, new Set(r.ids)]));
  const broken = [];
  const checked = new Set();
  for (const result of results) {
    for (const href of result.links) {
      if (!href.startsWith(`${base}/`)) continue; // mailto:, and external links (not fetched offline)
      const url = new URL(href);
      let target = decodeURIComponent(url.pathname).replace(/^\//, '');
      const key = `${result.page} -> ${target}${url.hash}`;
      if (checked.has(key)) continue;
      checked.add(key);
      let file = join(root, target);
      if (target === '' || (existsSync(file) && statSync(file).isDirectory())) {
        target = join(target, 'index.html').split(sep).join('/');
        file = join(root, target);
      }
      if (!existsSync(file)) {
        broken.push(`${result.page}: link to missing ${target}`);
        continue;
      }
      if (url.hash && url.hash !== '#' && target.endsWith('.html')) {
        const id = decodeURIComponent(url.hash.slice(1));
        let ids = idsByPage.get(target);
        if (!ids) {
          const text = readFileSync(file, 'utf8');
          ids = new Set([...text.matchAll(/\s(?:id|name)=["']([^"']+)["']/g)].map((m) => m[1]));
          idsByPage.set(target, ids);
        }
        if (!ids.has(id)) broken.push(`${result.page}: link to ${target}#${id}, which has no such anchor`);
      }
    }
  }
  return { broken, checked: checked.size };
}

// ---------------------------------------------------------------------------------------------
// The run

function problemsOf(result) {
  return {
    external: result.external.length,
    console: result.consoleErrors.length,
    axe: result.axe.length,
    images: result.images.length,
    overflow: result.overflow.length,
    explorers: result.explorers.filter((e) => e.problems.length).length,
    quizzes: result.quizzes.filter((q) => q.problems.length && !q.skipped).length,
    navigation: result.navigation.length,
    weight: result.weightProblems.length,
    sideways: result.sideways.length,
    phone: result.phone.length,
    print: result.print.length,
  };
}

// What failed on a page, one line a problem.
function detailLines(result) {
  return [...new Set([
    ...result.external.map((u) => `external request: ${u}`),
    ...result.consoleErrors.map((m) => `console error: ${m}`),
    ...result.axe.map((m) => `axe: ${m}`),
    ...result.images.map((m) => `image: ${m}`),
    ...result.overflow.map((m) => `phone overflow: ${m}`),
    ...result.navigation.map((m) => `navigation: ${m}`),
    ...result.weightProblems.map((m) => `page weight: ${m}`),
    ...result.sideways.map((m) => `sideways at 390 px: ${m}`),
    ...result.phone.map((m) => `phone fit: ${m}`),
    ...result.print.map((m) => `print: ${m}`),
    ...result.explorers.flatMap((e) => e.problems.map((m) => `${e.name}: ${m}`)),
    ...result.quizzes.filter((q) => !q.skipped).flatMap((q) => q.problems.map((m) => `${q.name}: ${m}`)),
  ])];
}

export async function runCheck({ site, screenshots, port, report, concurrency = 2, quiet = false }) {
  const say = quiet ? () => {} : (...parts) => console.log(...parts);
  const root = resolve(site);
  if (!existsSync(join(root, 'index.html')) && !existsSync(join(root, 'intro.html')))
    fail(`no built site in ${root}: build it first (make book).`);
  if (!existsSync(CHROMIUM))
    fail(`no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium chromium-driver) or set CHROMIUM_PATH.`);
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });

  const server = await serve(root, port).catch((error) => fail(error.message));
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const results = [];
  const redirects = [];
  try {
    const queue = [];
    for (const page of htmlPages(root)) {
      const target = redirectTarget(root, page);
      if (target) redirects.push({ page, target, ok: existsSync(join(root, dirname(page), target.split('#')[0])) });
      else queue.push(page);
    }
    // Navigation is tapped through on a sample of pages (it is the same on every page of the book).
    const navigationPages = new Set(queue.filter((p) => NAVIGATION_SAMPLE.includes(p)));
    if (!navigationPages.size) queue.forEach((p) => navigationPages.add(p));
    // A few pages at a time: most of a page's time is spent waiting on the browser.
    const worker = async () => {
      while (queue.length) {
        const page = queue.shift();
        let result = await checkPageWithin(browser, base, page, screenshots, navigationPages.has(page), say);
        let bad = Object.entries(problemsOf(result)).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`);
        if (bad.length) {
          // A page that fails is checked once more, from a fresh context. A problem that comes
          // back fails the page; one that does not is kept and printed at the end as a flake, so
          // that an intermittent fault stays visible without turning a whole CI run red.
          say(`  ${page} ... failed (${bad.join(', ')}): checking it again`);
          const first = result;
          result = await checkPageWithin(browser, base, page, screenshots, navigationPages.has(page), say);
          bad = Object.entries(problemsOf(result)).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`);
          if (!bad.length) result.flaky = detailLines(first);
        }
        results.push(result);
        const steps = Object.entries(result.timing).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
        const kb = result.weight ? ` ${Math.round(result.weight.total / 1024)} KB (${Math.round(result.weight.withoutWidgetManager / 1024)} KB without the widget manager)` : '';
        say(`  ${page}${kb} ... ${bad.length ? `FAIL (${bad.join(', ')})` : 'ok'} ${result.seconds.toFixed(1)} s (${steps})`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    results.sort((a, b) => a.page.localeCompare(b.page));
  } finally {
    await browser.close();
    server.close();
  }

  const links = checkLinks(root, base, results);
  for (const r of redirects) if (!r.ok) links.broken.push(`${r.page}: redirects to missing ${r.target}`);

  const totals = {
    pages: results.length,
    external: 0, console: 0, axe: 0, images: 0, overflow: 0, explorers: 0, quizzes: 0, navigation: 0, navigationPages: 0, weight: 0, sideways: 0, sidewaysBoxes: 0, heaviestKB: 0,
    phone: 0, print: 0, pagesPrinted: 0,
    explorersChecked: 0, optionsChecked: 0, quizQuestionsChecked: 0, quizQuestionsSkipped: 0,
    linksChecked: links.checked, brokenLinks: links.broken.length,
  };
  for (const result of results) {
    for (const [key, value] of Object.entries(problemsOf(result))) totals[key] += value;
    totals.explorersChecked += result.explorers.length;
    if (result.navigationChecked) totals.navigationPages += 1;
    totals.sidewaysBoxes += result.sidewaysBoxes;
    if (result.printed) totals.pagesPrinted += 1;
    if (result.weight) totals.heaviestKB = Math.max(totals.heaviestKB, Math.round(result.weight.withoutWidgetManager / 1024));
    totals.optionsChecked += result.explorers.reduce((n, e) => n + e.options, 0);
    totals.quizQuestionsChecked += result.quizzes.filter((q) => !q.skipped).length;
    totals.quizQuestionsSkipped += result.quizzes.filter((q) => q.skipped).length;
  }

  // The weight table first and the failures last, so that the end of a CI log (often all a
  // reader is shown) says what failed.
  // The whole first visit of every page, for the README (make site-check prints it every run).
  say('\n| page | first visit KB | without the widget manager KB | requests | widgets |\n| --- | ---: | ---: | ---: | --- |');
  for (const result of results) if (result.weight) {
    const w = result.weight;
    say(`| \`${result.page}\` | ${Math.round(w.total / 1024)} | ${Math.round(w.withoutWidgetManager / 1024)} | ${w.requests} | ${w.hasWidgets ? 'yes' : 'no'} |`);
  }
  // The details, page by page, for whatever failed.
  for (const result of results.filter((r) => r.flaky)) {
    say(`\n${result.page}: failed once, then passed when checked again (a flake, not counted as a failure):`);
    for (const line of result.flaky) say(`  - ${line}`);
  }
  for (const result of results) {
    const lines = detailLines(result);
    if (lines.length) {
      say(`\n${result.page}`);
      for (const line of lines) say(`  - ${line}`);
    }
  }
  if (links.broken.length) {
    say('\nbroken links');
    for (const line of links.broken) say(`  - ${line}`);
  }

  say(`\nsite-check: ${totals.pages} pages; external requests ${totals.external}, console errors ${totals.console}, ` +
    `axe violations ${totals.axe}, image alt problems ${totals.images}, phone overflow ${totals.overflow}, ` +
    `broken links ${totals.brokenLinks} (of ${totals.linksChecked} checked); navigation problems ${totals.navigation} ` +
    `(tapped through on ${totals.navigationPages} pages); pages over the weight budget ${totals.weight} (heaviest ` +
    `${totals.heaviestKB} KB without the widget manager, budget ${Math.round(PAGE_BUDGET_BYTES / 1024)} KB); boxes scrolling ` +
    `sideways at 390 px ${totals.sidewaysBoxes} (${totals.sideways} printed-text or unsignalled); explorers ${totals.explorersChecked} ` +
    `(${totals.optionsChecked} options, ${totals.explorers} failing), quiz questions ${totals.quizQuestionsChecked} ` +
    `(${totals.quizzes} failing${totals.quizQuestionsSkipped ? `, ${totals.quizQuestionsSkipped} not multiple choice, not exercised` : ''}); ` +
    `phone-fit problems ${totals.phone} (cut tables, controls under 16 px, targets under 44 px, the search icon over typed text); ` +
    `pages printed to PDF ${totals.pagesPrinted} (${totals.print} print problems); ` +
    `pages that failed once and passed when checked again ${results.filter((r) => r.flaky).length}; ` +
    `screenshots in ${relative(process.cwd(), screenshots) || screenshots}`);
  if (report) writeFileSync(report, JSON.stringify({ totals, results, redirects, brokenLinks: links.broken }, null, 2));
  const failures = totals.external + totals.console + totals.axe + totals.images + totals.overflow +
    totals.explorers + totals.quizzes + totals.brokenLinks + totals.navigation + totals.weight + totals.sideways +
    totals.phone + totals.print;
  return { totals, failures, results, brokenLinks: links.broken };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  if (args.selfTest) {
    const { selfTest } = await import('./self_test.mjs');
    process.exit(await selfTest(runCheck, args.port) ? 0 : 1);
  }
  const { failures } = await runCheck(args);
  process.exit(failures ? 1 : 0);
}
