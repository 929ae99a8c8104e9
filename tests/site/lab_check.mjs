// Check `make lab` the way an instructor meets it: start it, open the course in JupyterLab in
// headless Chromium, run a chapter and an exercise, and stop it again leaving nothing behind.
//
//   * `make lab PORT=<port> LAB_ARGS=--no-browser` answers on 127.0.0.1:<port> and prints a URL
//     with a token (the check reads the token from that URL, as a person would);
//   * the MyST chapter chapters/background.md opens as a notebook (jupytext), not as text;
//   * Run > Run All Cells finishes with every code cell numbered, no error output, at least one
//     chart image that the browser decoded, and a live widget (an explorer's dropdown);
//   * the exercise exercises/background_exercises.ipynb runs the same way and its check cells
//     print their feedback ("not answered yet" for the blanks);
//   * afterwards the server and every kernel it started are gone (their runtime folder is the
//     check's own, so any process left behind is found by it).
//   * the chapter reads as the book does: no MyST role, directive, target or `{glue` left as text in
//     its rendered text cells, the admonitions drawn as boxes with their titles, every figure's
//     caption under it with the book's number, and every value the chapter glues present in the
//     prose (the expected texts come from running the chapter with nbclient, outside Lab);
//   * every self-check quiz is drawn (jupyterquiz), and no request goes to another host: requests
//     to any other host are refused (a classroom may have no internet), listed, and fail the check;
//   * saving the chapter and the exercise (Ctrl+S) writes lab_notebooks/<name>.ipynb and leaves
//     `git status` as it was before the check: running the course never changes its files.
// Lab's autosave is off; the check saves only with Ctrl+S.
//
// Usage: node lab_check.mjs [--port 8731] [--screenshots _build/lab-screenshots] [--all]
//   --all also runs every other chapter, checks it for raw MyST and unevaluated values, and prints
//   how long each took to run all its cells in Lab (the README's benchmark; CI runs one chapter
//   and one exercise).
// Exit status 0 when every check passes, 1 when one fails, 2 when the check cannot run.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..', '..');
const require = createRequire(import.meta.url);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const PORT = Number(option('port', process.env.LAB_CHECK_PORT || 8731));
const SCREENSHOTS = resolve(projectRoot, option('screenshots', '_build/lab-screenshots'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const START_TIMEOUT = 300_000; // a fresh clone installs the pins first
const RUN_TIMEOUT = 240_000;

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch {
  console.error('lab-check: playwright-core is not installed: run `npm ci` in tests/site.');
  process.exit(2);
}

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

// A scratch Jupyter home: user settings (autosave off: the check saves with Ctrl+S), workspaces and
// the runtime folder where kernels' connection files go. Every cell in the DOM is the course's own
// setting (jupyter/open_chapters_as_notebooks.json), which the check relies on and so tests.
const scratch = mkdtempSync(join(tmpdir(), 'lab-check-'));
const userSettings = join(scratch, 'user-settings');
mkdirSync(join(userSettings, '@jupyterlab', 'docmanager-extension'), { recursive: true });
writeFileSync(join(userSettings, '@jupyterlab', 'docmanager-extension', 'plugin.jupyterlab-settings'), JSON.stringify({ autosave: false }));
const runtimeDir = join(scratch, 'runtime');

function startLab() {
  const env = {
    ...process.env,
    JUPYTERLAB_SETTINGS_DIR: userSettings,
    JUPYTERLAB_WORKSPACES_DIR: join(scratch, 'workspaces'),
    JUPYTER_RUNTIME_DIR: runtimeDir,
    JUPYTER_CONFIG_DIR: join(scratch, 'config'),
  };
  const lab = spawn('make', ['--no-print-directory', 'lab', `PORT=${PORT}`, 'LAB_ARGS=--no-browser'], {
    cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const url = new Promise((resolveUrl, rejectUrl) => {
    const timer = setTimeout(() => rejectUrl(new Error(`no URL with a token after ${START_TIMEOUT / 1000} s:\n${log.slice(-3000)}`)), START_TIMEOUT);
    const read = (chunk) => {
      log += chunk;
      const match = log.match(new RegExp(`http://127\\.0\\.0\\.1:${PORT}/lab\\?token=([0-9a-f]+)`));
      if (match) { clearTimeout(timer); resolveUrl({ url: match[0], token: match[1] }); }
    };
    lab.stdout.on('data', read);
    lab.stderr.on('data', read);
    lab.on('exit', (code) => { clearTimeout(timer); rejectUrl(new Error(`make lab exited (${code}) before answering:\n${log.slice(-3000)}`)); });
  });
  return { lab, url, log: () => log };
}

// Processes whose command line names the scratch folder: the server's kernels.
function processesUsing(folder) {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.includes(folder)) found.push(Number(pid));
    } catch { /* gone meanwhile */ }
  }
  return found;
}

function groupAlive(pgid) {
  try { process.kill(-pgid, 0); return true; } catch { return false; }
}

async function stopLab(lab) {
  if (groupAlive(lab.pid)) process.kill(-lab.pid, 'SIGTERM'); // the server shuts its kernels down
  for (let waited = 0; waited < 20_000 && (groupAlive(lab.pid) || processesUsing(runtimeDir).length); waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
  }
  const leftBehind = processesUsing(runtimeDir);
  const groupLeft = groupAlive(lab.pid);
  if (groupLeft) process.kill(-lab.pid, 'SIGKILL');
  for (const pid of leftBehind) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  check(!groupLeft && leftBehind.length === 0, `make lab stopped and left no process behind${leftBehind.length ? ` (kernels ${leftBehind.join(', ')})` : ''}`);
}

async function runAllCells(page, name) {
  await page.locator('.jp-NotebookPanel .jp-Notebook').first().waitFor({ timeout: 120_000 });
  // Wait for the kernel to be idle (the status bar says so) before running.
  await page.waitForFunction(() => /\|\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || ''), null, { timeout: 120_000 });
  const anyCellStarted = () => page.waitForFunction(() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
    .some((p) => /\[(\*|\d+)\]/.test(p.textContent)), null, { timeout: 20_000 }).then(() => true, () => false);
  // Run > Run All Cells; a click that lands while Lab is still settling is tried again.
  for (let attempt = 1; ; attempt += 1) {
    await page.getByRole('menuitem', { name: 'Run', exact: true }).click();
    await page.locator('.lm-Menu-item', { hasText: /^Run All Cells$/ }).first().click({ timeout: 15_000 })
      .catch(async (error) => { await page.screenshot({ path: join(SCREENSHOTS, `lab-menu-${name.replace(/\W+/g, '-')}.png`) }); throw error; });
    if (await anyCellStarted()) break;
    if (attempt === 3) throw new Error(`${name}: Run All Cells started no cell (3 tries)`);
  }
  const started = Date.now();
  // Every code cell gets a number in its prompt, and the kernel goes idle again.
  await page.waitForFunction(() => {
    const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p.textContent));
  }, null, { timeout: RUN_TIMEOUT, polling: 500 })
    .catch(async (error) => { await page.screenshot({ path: join(SCREENSHOTS, `lab-stuck-${name.replace(/\W+/g, '-')}.png`), fullPage: true }); throw error; });
  const seconds = (Date.now() - started) / 1000;
  console.log(`     ${name}: all cells ran in ${seconds.toFixed(1)} s`);
  // Let the last outputs render: the kernel idle, every image decoded, and the number of outputs
  // unchanged for a second (polled, so a slow machine waits longer instead of failing).
  await page.waitForFunction(() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const idle = /\|\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '');
    const images = [...panel.querySelectorAll('.jp-OutputArea-output img')];
    const count = panel.querySelectorAll('.jp-OutputArea-output').length;
    const now = Date.now();
    if (window.__outputCount !== count) { window.__outputCount = count; window.__outputSince = now; }
    return idle && images.every((img) => img.complete) && now - window.__outputSince >= 1000;
  }, null, { timeout: 60_000, polling: 200 }).catch(() => {});
  return seconds;
}

async function outputsOf(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const errors = [...panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')]
      .map((e) => e.textContent.slice(0, 300));
    const images = [...panel.querySelectorAll('.jp-OutputArea-output img')].filter((img) => img.complete && img.naturalWidth > 0).length;
    const widgets = [...panel.querySelectorAll('.jp-OutputArea-output .jupyter-widgets select, .jp-OutputArea-output .widget-dropdown select')].length;
    const text = [...panel.querySelectorAll('.jp-OutputArea-output')].map((o) => o.textContent).join('\n');
    return { errors, images, widgets, text, cells: panel.querySelectorAll('.jp-CodeCell').length };
  });
}

// Screenshots of the parts the book's reader knows: the first caption and the admonition box.
async function screenshotsOfTheText(page) {
  for (const [what, file] of [[/Fig\. 1\.1 The places/, 'lab-background-caption.png'], [/What the sources disagree on/, 'lab-background-admonition.png']]) {
    const cell = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell', { hasText: what }).first();
    if (await cell.count()) {
      await cell.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, file) });
    }
  }
}

// What `git status` says of the course's files (lab_notebooks/ is ignored): compared before and after.
function gitStatus() {
  return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: projectRoot, encoding: 'utf8' });
}

// The texts the chapter's prose must show for its glued values, from the chapter run with nbclient
// outside Lab (sourcekit.lab_text.expected_glue_texts): the same values, reached another way.
function expectedGlueTexts(chapter) {
  const python = join(projectRoot, '.venv', 'bin', 'python');
  const output = execFileSync(python, ['-c',
    'import json, sys; from sourcekit.lab_text import expected_glue_texts; print(json.dumps(expected_glue_texts(sys.argv[1])))',
    chapter], { cwd: projectRoot, encoding: 'utf8', timeout: 240_000 });
  return JSON.parse(output);
}

// Markup the book turns into something else, left as text in a rendered text cell.
const RAW_MYST = [
  [/\{(ref|numref|doc|eval|glue(:\w+)?|admonition|code-cell|figure|note|warning)\}/, 'a MyST role or directive'],
  [/\{glue/, '`{glue`'],
  [/^\s*:(class|name|tags|caption):/m, 'a directive option'],
  [/^\s*\(([\w.:-]+)\)=\s*$/m, 'a (label)= target'],
  [/```|:::/, 'a code fence'],
  [/glue\.value\(/, 'an inline expression not evaluated'],
  [/run the code cells above, then this text cell/, 'a glued value not computed'],
];

async function renderedText(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const cells = [...panel.querySelectorAll('.jp-MarkdownCell')];
    // jupyterlab-myst draws a text cell in a .myst block; Lab's own renderer in .jp-MarkdownOutput.
    const rendered = (cell) => cell.querySelector('.jp-Cell-inputArea > .myst, .jp-MarkdownOutput');
    return {
      // innerText is what a reader sees: hidden and folded parts left out.
      text: cells.map((cell) => rendered(cell)?.innerText || '').join('\n\n'),
      editing: cells.filter((cell) => !rendered(cell)).length,
      admonitions: [...panel.querySelectorAll('.jp-MarkdownCell aside, .jp-MarkdownCell .admonition')]
        .map((box) => box.innerText.split('\n')[0].trim()),
      quizzes: panel.querySelectorAll('.jp-OutputArea-output .Quiz').length,
    };
  });
}

function checkReadsAsTheBook(name, rendered, glueTexts) {
  const raw = RAW_MYST.filter(([pattern]) => pattern.test(rendered.text))
    .map(([pattern, what]) => `${what}: "${rendered.text.match(pattern)[0].trim()}" in "${excerpt(rendered.text, rendered.text.search(pattern))}"`);
  check(raw.length === 0 && rendered.editing === 0,
    `${name}: no raw MyST in its rendered text${raw.length ? `: ${raw.join('; ')}` : ''}${rendered.editing ? ` (${rendered.editing} text cells not rendered)` : ''}`);
  if (!glueTexts) return;
  const flat = rendered.text.replace(/\s+/g, ' ');
  const missing = glueTexts.filter((text) => !flat.includes(text.replace(/\s+/g, ' ')));
  check(glueTexts.length > 0 && missing.length === 0,
    `${name}: all ${glueTexts.length} glued values are in its prose${missing.length ? `; missing: ${missing.slice(0, 5).map((m) => JSON.stringify(m)).join(', ')}` : ''}`);
}

function excerpt(text, at) {
  return text.slice(Math.max(0, at - 60), at + 60).replace(/\s+/g, ' ');
}

// Ctrl+S on the open notebook; the save goes to lab_notebooks/<stem>.ipynb (sourcekit/lab_contents.py).
async function saveAndCheck(page, name, statusBefore) {
  const stem = name.split('/').pop().replace(/\.(md|ipynb)$/, '');
  const copy = join(projectRoot, 'lab_notebooks', `${stem}.ipynb`);
  const before = existsSync(copy) ? statSync(copy).mtimeMs : 0;
  await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook').first().click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+s');
  let saved = false;
  for (let waited = 0; waited < 30_000 && !saved; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    saved = existsSync(copy) && statSync(copy).mtimeMs > before;
  }
  await new Promise((r) => setTimeout(r, 1000)); // a checkpoint, or a second write, would come now
  const dialog = await page.locator('.jp-Dialog').count();
  if (dialog) await page.screenshot({ path: join(SCREENSHOTS, `lab-save-dialog-${stem}.png`) });
  check(saved && dialog === 0, `${name}: Ctrl+S saved it as lab_notebooks/${stem}.ipynb${dialog ? ' (but Lab showed a dialog)' : ''}`);
  const outputs = saved ? JSON.parse(readFileSync(copy, 'utf8')).cells.filter((c) => (c.outputs || []).length).length : 0;
  check(outputs > 0, `${name}: the saved copy keeps the outputs (${outputs} cells with outputs)`);
  const statusAfter = gitStatus();
  check(statusAfter === statusBefore, `${name}: \`git status\` unchanged after saving${statusAfter === statusBefore ? '' : `:\n${statusAfter}`}`);
}

async function main() {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const statusBefore = gitStatus();
  const glueTexts = expectedGlueTexts('chapters/background.md');
  const started = Date.now();
  const { lab, url } = startLab();
  let browser;
  const timings = {};
  try {
    const { token } = await url;
    timings.answering = (Date.now() - started) / 1000;
    check(true, `make lab answered on 127.0.0.1:${PORT} with a token after ${timings.answering.toFixed(1)} s`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // jupyterquiz loads MathJax from a CDN when the page has a MathJax 3 without typeset() (one
    // still loading, or a configuration object): the check sets up that page, so a quiz that would
    // ask another host does so here (sourcekit/quiz.py gives it a typeset() that does nothing).
    await page.addInitScript(() => { window.MathJax = { version: '3.2.2' }; });
    // A classroom may have no internet: every request to another host is refused, and listed.
    const foreign = [];
    await page.route('**/*', (route) => {
      const address = new URL(route.request().url());
      if (['127.0.0.1', 'localhost'].includes(address.hostname) || address.protocol === 'data:') return route.continue();
      foreign.push(route.request().url());
      return route.abort();
    });

    // The chapter: a MyST text notebook, opened as a notebook through jupytext.
    await page.goto(`http://127.0.0.1:${PORT}/lab/tree/chapters/background.md?token=${token}&reset`);
    const opensAsNotebook = await page.locator('.jp-NotebookPanel .jp-Notebook').first()
      .waitFor({ timeout: 120_000 }).then(() => true, () => false);
    check(opensAsNotebook, 'chapters/background.md opens as a notebook in JupyterLab');
    if (opensAsNotebook) {
      timings.background = await runAllCells(page, 'chapters/background.md');
      const result = await outputsOf(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'lab-background.png') });
      check(result.errors.length === 0, `no cell of the chapter raised${result.errors.length ? `: ${result.errors[0]}` : ''}`);
      check(result.images > 0, `the chapter drew ${result.images} chart image(s)`);
      check(result.widgets > 0, `the chapter shows ${result.widgets} live widget dropdown(s)`);
      const rendered = await renderedText(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'lab-background-full.png'), fullPage: true });
      checkReadsAsTheBook('chapters/background.md', rendered, glueTexts);
      check(rendered.admonitions.length >= 2 && rendered.admonitions.some((t) => /What the sources disagree on/.test(t)),
        `the chapter's admonitions are boxes with their titles (${rendered.admonitions.map((t) => JSON.stringify(t)).join(', ')})`);
      const captions = (rendered.text.match(/^Fig\. 1\.\d+ /gm) || []).length;
      check(captions >= 4, `the chapter's ${captions} figure captions are under their figures, numbered as in the book`);
      check(rendered.quizzes > 0, `the chapter's self-check quiz is drawn (${rendered.quizzes})`);
      await screenshotsOfTheText(page);
      await saveAndCheck(page, 'chapters/background.md', statusBefore);
    }

    if (process.argv.includes('--all')) {
      for (const chapter of ['documents', 'about_the_data', 'the_battle', 'casualty_reporting', 'international_reaction']) {
        await page.goto(`http://127.0.0.1:${PORT}/lab/tree/chapters/${chapter}.md?token=${token}&reset`);
        timings[chapter] = await runAllCells(page, `chapters/${chapter}.md`);
        const result = await outputsOf(page);
        check(result.errors.length === 0, `no cell of chapters/${chapter}.md raised${result.errors.length ? `: ${result.errors[0]}` : ''}`);
        // Every glued value evaluated (none left as an expression or a "run the cells above" note).
        checkReadsAsTheBook(`chapters/${chapter}.md`, await renderedText(page), null);
        await page.screenshot({ path: join(SCREENSHOTS, `lab-${chapter}.png`) });
      }
    }

    // The exercise: a notebook whose check cells need the answer keys.
    await page.goto(`http://127.0.0.1:${PORT}/lab/tree/exercises/background_exercises.ipynb?token=${token}&reset`);
    timings.background_exercises = await runAllCells(page, 'exercises/background_exercises.ipynb');
    const exercise = await outputsOf(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'lab-background-exercises.png') });
    check(exercise.errors.length === 0, `no cell of the exercise raised${exercise.errors.length ? `: ${exercise.errors[0]}` : ''}`);
    check(/not answered yet/.test(exercise.text), 'the exercise self-checks give their feedback');
    checkReadsAsTheBook('exercises/background_exercises.ipynb', await renderedText(page), null);
    await saveAndCheck(page, 'exercises/background_exercises.ipynb', statusBefore);
    check(foreign.length === 0, `no request to another host${foreign.length ? `: ${[...new Set(foreign)].join(', ')}` : ''}`);
  } catch (error) {
    check(false, `the check could not finish: ${error.message}`);
  } finally {
    if (browser) await browser.close();
    await stopLab(lab);
    rmSync(scratch, { recursive: true, force: true });
  }
  writeFileSync(join(SCREENSHOTS, 'lab-timings.json'), JSON.stringify(timings, null, 2));
  console.log(failures.length ? `lab-check: ${failures.length} check(s) failed` : 'lab-check: every check passed');
  process.exit(failures.length ? 1 : 0);
}

main();
