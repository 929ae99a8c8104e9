// The site check, checked: on a two-page site written here, one page clean and one broken on
// purpose in every way the check looks for, each check must pass the clean page and catch every
// defect of the broken one. A check that cannot fail would pass a broken book.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A 2x2 PNG, so images load without the network.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGNkKNrEwMDAxMDAwMDAAAANKAEoPe6VGwAAAABJRU5ErkJggg==',
  'base64',
);
// Another 2x2 PNG, of another colour: the printed views of the clean page's explorer are two
// different images (a PDF stores identical images once).
const PNG_RED = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGM8ISfHwMDAxMDAwMDAAAANBAEIfXHKZgAAAABJRU5ErkJggg==',
  'base64',
);

// Site navigation as the book has it: a sidebar, and a button that opens it as a drawer on a
// phone and collapses it on a desktop. `working` decides whether the button does anything.
const navigation = (working) => `<style>
@media (max-width: 991px) { #pst-primary-sidebar { display: none; } dialog[open] #pst-primary-sidebar { display: block; } }
#pst-primary-sidebar.collapsed { visibility: hidden; }
</style>
<nav id="pst-primary-sidebar" aria-label="Book"><ul>
<li><a href="bad.html">The broken page</a></li><li><a href="bad.html#broken">Its defects</a></li></ul></nav>
<dialog id="drawer" aria-label="Site navigation"></dialog>
<script>
document.querySelector('.primary-toggle').addEventListener('click', () => {
  if (!${working}) return;
  const nav = document.getElementById('pst-primary-sidebar');
  if (window.innerWidth < 992) { document.getElementById('drawer').appendChild(nav); document.getElementById('drawer').showModal(); }
  else nav.classList.toggle('collapsed');
});
</script>`;

const page = (title, body, script = '', working = true) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<script>document.documentElement.dataset.theme = localStorage.getItem('theme') || 'light';</script>
<style>
html[data-theme="dark"] body { background: #14181e; color: #ced6dd; }
html[data-theme="dark"] a { color: #9fd6e0; }
button.primary-toggle { min-width: 44px; min-height: 44px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.MCButton { display: block; border: 1px solid #777; padding: 4px; margin: 4px 0; }
.MCButton:has(input:focus-visible) { outline: 3px solid #1a5fb4; }
html[data-theme="dark"] .incorrect { color: #ffa198; }
html[data-theme="dark"] #bad-feedback.incorrect { color: #5a1e1e; }
</style></head>
<body><header><p>Self-test site</p><button class="primary-toggle" aria-label="Site navigation">☰</button></header>
${navigation(working)}<main><h1>${title}</h1>
${body}
</main>${script}</body></html>`;

// The clean page: every check must pass it, interactive parts included.
const GOOD = page('A clean page', `
<p>A link to <a href="bad.html#broken">the broken page</a> and to <a href="good.html#explorer">an anchor</a>.</p>
<p class="course-scroll-hint">Wider than the screen: scroll sideways</p>
<div class="highlight"><pre tabindex="0" style="overflow-x:auto">code = "a line of code far longer than any phone is wide, which may scroll sideways as code does"</pre></div>
<div class="cell_output"><div class="output stream"><pre style="white-space:pre-wrap">printed text that is as long as a line of code but wraps, as prose does, on any width of screen</pre></div></div>
<style>.course-print-views { display: none; }
@media print { .static-explorer { display: none; } .course-print-views { display: block; } .course-scroll-hint { display: none; } }</style>
<form class="bd-search" style="display:flex;align-items:center;gap:8px"><svg width="16" height="16" aria-hidden="true"></svg><input type="search" aria-label="Search" style="font-size:16px"></form>
<table><tr><th>Credit</th><td style="overflow-wrap:anywhere">https://example.org/ALongUnbreakableAddressThatBreaksWhereItMustOnAPhoneAtAll</td></tr></table>
<div class="bd-header-article"><button class="btn" aria-label="Download" style="min-width:44px;min-height:44px">D</button></div>
<div class="static-explorer" id="explorer">
  <label for="choice">Choose a view</label>
  <select id="choice" style="font-size:16px;min-height:44px"><option>first</option><option>second</option></select>
  <div><img src="a.png" alt="First view: a square."><img src="b.png" alt="Second view: another square." hidden></div>
</div>
<div class="course-print-views"><figure><img src="a.png" alt="First view: a square."><figcaption>Choose a view <strong>first</strong></figcaption></figure>
<figure><img src="c.png" alt="Second view: a red square."><figcaption>Choose a view <strong>second</strong></figcaption></figure></div>
<div class="Quiz">
  <p>Which answer is right?</p>
  <label class="MCButton" data-correct="false" data-feedback="No, not this one."><input type="radio" name="q" class="sr-only">wrong</label>
  <label class="MCButton" data-correct="true" data-feedback="Yes, this one."><input type="radio" name="q" class="sr-only">right</label>
  <div class="Feedback" role="status"></div>
</div>
<div class="Quiz">
  <p>And this time?</p>
  <label class="MCButton" data-correct="true" data-feedback="Yes, the first one this time."><input type="radio" name="q2" class="sr-only">right</label>
  <label class="MCButton" data-correct="false" data-feedback="No, not the second."><input type="radio" name="q2" class="sr-only">wrong</label>
  <div class="Feedback" role="status"></div>
</div>`, `<script>
document.getElementById('choice').addEventListener('change', (event) => {
  document.querySelectorAll('#explorer img').forEach((img, i) => { img.hidden = i !== event.target.selectedIndex; });
});
document.querySelectorAll('.MCButton').forEach((label) => label.addEventListener('click', () => {
  const fb = label.closest('.Quiz').querySelector('.Feedback');
  fb.textContent = label.dataset.feedback;
  fb.className = 'Feedback ' + (label.dataset.correct === 'true' ? 'correct' : 'incorrect');
}));
</script>`);

// The broken page: one defect for each check.
const BAD = page('A broken page', `
<p id="broken">Defects follow.</p>
<script src="heavy.js"></script>
<div class="cell_output"><div class="output stream"><pre tabindex="0" style="overflow-x:auto">"a printed quote the question depends on, far longer than any phone is wide, that does not wrap"</pre></div></div>
<div class="highlight"><pre tabindex="0" style="overflow-x:auto">code = "a line of code far longer than any phone is wide, scrolling without any sign that it does"</pre></div>
<img src="http://example.com/tracker.png" alt="an image from another host">
<img src="a.png">
<img src="b.png" alt="b.png">
<p style="color:#bbbbbb;background:#ffffff">Text too faint to read.</p>
<div style="width:1200px">A box wider than a phone.</div>
<label for="squeezed">A long label that leaves the menu little room</label>
<select id="squeezed" style="width:110px"><option>2020 war: military deaths</option><option>short</option></select>
<a href="missing.html">a missing page</a> <a href="good.html#no-such-anchor">a missing anchor</a>
<div class="static-explorer">
  <label for="stuck">Choose a view</label>
  <select id="stuck"><option>first</option><option>second</option></select>
  <div><img src="a.png" alt="The only view there is."></div>
</div>
<div class="Quiz">
  <label class="MCButton" data-correct="false" data-feedback="No.">wrong</label>
  <label class="MCButton" data-correct="true" data-feedback="Yes.">right</label>
  <div class="Feedback"></div>
</div>
<div class="Quiz">
  <p>A second question, right answer in the same place, focus invisible, faint feedback in dark mode.</p>
  <label class="MCButton" data-correct="false" data-feedback="Not this one at all."><input type="radio" name="b2" class="sr-only" style="outline:none">wrong</label>
  <label class="MCButton" data-correct="true" data-feedback="This one, again second."><input type="radio" name="b2" class="sr-only">right</label>
  <div class="Feedback" id="bad-feedback" aria-live="polite"></div>
</div>
<form style="position:relative"><svg style="position:absolute;left:6px;top:4px" width="16" height="16" aria-hidden="true"></svg><input type="search" aria-label="Search" style="padding-left:12px"></form>
<div style="width:200px;overflow-x:auto"><table><tr><th>Credit</th><td>https://example.org/ALongUnbreakableAddressThatDoesNotFitAPhoneAtAllNoMatterWhat</td></tr></table></div>
<div class="bd-header-article"><button class="btn" aria-label="Download" style="height:24px">D</button></div>
<p class="course-scroll-hint">Wider than the screen: scroll sideways</p>`, `<script>console.error("a script failed");
document.querySelectorAll('.MCButton').forEach((label) => label.addEventListener('click', () => {
  const fb = label.closest('.Quiz').querySelector('.Feedback');
  if (!label.querySelector('input')) return; // the first question gives no feedback at all
  fb.textContent = label.dataset.feedback;
  fb.className = 'Feedback ' + (label.dataset.correct === 'true' ? 'correct' : 'incorrect');
}));
</script><style>.Quiz + .Quiz .MCButton:has(input:focus-visible) { outline: none; }</style>`, false);

export async function selfTest(runCheck, port) {
  const root = mkdtempSync(join(tmpdir(), 'site-check-self-test-'));
  const site = join(root, 'html');
  mkdirSync(site);
  writeFileSync(join(site, 'good.html'), GOOD);
  writeFileSync(join(site, 'bad.html'), BAD);
  writeFileSync(join(site, 'index.html'), '<!DOCTYPE html><html lang="en"><head><meta http-equiv="Refresh" content="0; url=good.html"><title>redirect</title></head></html>');
  writeFileSync(join(site, 'a.png'), PNG);
  writeFileSync(join(site, 'heavy.js'), `// ${'x'.repeat(1_300_000)}\n`);
  writeFileSync(join(site, 'b.png'), PNG);
  writeFileSync(join(site, 'c.png'), PNG_RED);

  console.log('site-check self-test: a clean page must pass, a broken page must fail every check');
  const { results, brokenLinks } = await runCheck({ site, screenshots: join(root, 'screenshots'), port, report: null, concurrency: 2, quiet: true });
  if (process.env.SELF_TEST_DEBUG) console.log(JSON.stringify(results.map((r) => [r.page, r.axe, r.navigation, r.phone, r.print]), null, 1));
  const good = results.find((r) => r.page === 'good.html');
  const bad = results.find((r) => r.page === 'bad.html');
  const expectations = [
    ['clean page: no external request', good.external.length === 0],
    ['clean page: no console error', good.consoleErrors.length === 0],
    ['clean page: no axe violation', good.axe.length === 0],
    ['clean page: no image problem', good.images.length === 0],
    ['clean page: no overflow at phone width', good.overflow.length === 0],
    ['clean page: its explorer switches views', good.explorers.length === 1 && good.explorers[0].problems.length === 0],
    ['clean page: its quizzes give feedback, in a live region, with visible focus, right answers in varied places',
      good.quizzes.length === 2 && good.quizzes.every((q) => q.problems.length === 0)],
    ['clean page: the navigation opens on a phone, follows a link, and collapses on a desktop', good.navigation.length === 0 && good.navigationChecked],
    ['clean page: its whole first visit is weighed, within the budget', good.weight && good.weight.requests >= 3 && good.weightProblems.length === 0],
    ['clean page: printed text wraps, and scrolling code says it scrolls', good.sideways.length === 0 && good.sidewaysBoxes === 1],
    ['clean page: its links resolve', !brokenLinks.some((line) => line.startsWith('good.html'))],
    ['clean page: passes at the first check, not only when checked again', !good.flaky],
    ['clean page: fits a phone (tables of text, 16 px controls, 44 px targets) and its search icon is beside the text', good.phone.length === 0],
    ['clean page: printed to PDF with every explorer view and no screen-only note', good.print.length === 0 && good.printed && good.printed.images >= 2],
    ['broken page: the table of text cut at its box is caught', bad.phone.some((m) => m.includes('table of text is cut'))],
    ['broken page: the search icon over the typed text is caught', bad.phone.some((m) => m.includes('sits over the typed text'))],
    ['broken page: a control whose text is under 16 px on a phone is caught', bad.phone.some((m) => m.includes('under 16 px'))],
    ['broken page: a target under 44 px is caught', bad.phone.some((m) => m.includes('under 44 px') && m.includes('Download'))],
    ['broken page: the explorer whose views are not printed is caught', bad.print.some((m) => m.includes('views not printed'))],
    ['broken page: the screen-only note that is printed is caught', bad.print.some((m) => m.includes('screen-only note is printed'))],
    ['broken page: still fails when it is checked again (a retry forgives only what does not come back)', !bad.flaky],
    ['broken page: the request to another host is caught', bad.external.some((url) => url.includes('example.com'))],
    ['broken page: the console error is caught', bad.consoleErrors.some((m) => m.includes('a script failed'))],
    ['broken page: the faint text fails axe colour contrast', bad.axe.some((m) => m.includes('color-contrast'))],
    ['broken page: the image without alt fails axe', bad.axe.some((m) => m.includes('image-alt'))],
    ['broken page: the image without alt is caught', bad.images.some((m) => m.includes('no alt attribute'))],
    ['broken page: the file name as alt text is caught', bad.images.some((m) => m.includes('file name'))],
    ['broken page: the overflow at phone width is caught', bad.overflow.filter((m) => m.includes('px wide in a')).length === 1],
    ['broken page: the menu that cuts off its option is caught', bad.overflow.some((m) => m.includes('cuts off: "2020 war: military deaths"')) && !bad.overflow.some((m) => m.includes('"short"'))],
    ['broken page: the explorer that never changes is caught', bad.explorers.length === 1 && bad.explorers[0].problems.length > 0],
    ['broken page: the quiz with no feedback is caught', bad.quizzes.length === 2 && bad.quizzes[0].problems.some((m) => m.includes('no feedback'))],
    ['broken page: the feedback outside a live region is caught', bad.quizzes[0].problems.some((m) => m.includes('live region'))],
    ['broken page: the answer with no keyboard focus is caught', bad.quizzes[0].problems.some((m) => m.includes('keyboard'))],
    ['broken page: the right answer always in one place is caught', bad.quizzes[0].problems.some((m) => m.includes('pattern'))],
    ['broken page: the faint feedback of a wrong answer in dark mode fails axe', bad.axe.some((m) => m.includes('dark') && m.includes('color-contrast') && m.includes('bad-feedback'))],
    ['broken page: the navigation button that does not open on a phone is caught', bad.navigation.some((m) => m.startsWith('phone:'))],
    ['broken page: the sidebar that does not collapse on a desktop is caught', bad.navigation.some((m) => m.startsWith('desktop:'))],
    ['broken page: the first visit over the weight budget is caught', bad.weightProblems.some((m) => m.includes('budget'))],
    ['broken page: printed text that needs sideways swiping is caught', bad.sideways.some((m) => m.includes('printed text'))],
    ['broken page: code that scrolls sideways with no sign of it is caught', bad.sideways.some((m) => m.includes('no sign'))],
    ['broken page: the link to a missing page is caught', brokenLinks.some((line) => line.includes('missing.html'))],
    ['broken page: the link to a missing anchor is caught', brokenLinks.some((line) => line.includes('#no-such-anchor'))],
  ];
  let ok = true;
  console.log('');
  for (const [name, passed] of expectations) {
    console.log(`  ${passed ? 'ok  ' : 'FAIL'} ${name}`);
    ok &&= passed;
  }
  console.log(ok ? '\nsite-check self-test passed: every check can fail, and passes a clean page.'
    : '\nsite-check self-test FAILED: a check above cannot be trusted.');
  rmSync(root, { recursive: true, force: true });
  return ok;
}
