"""The grading cycle after ``make grade`` at the scale of a large class (a benchmark, not a test).

``python tests/bench/bench_grading_cycle.py --students 300`` builds a class of STUDENTS made-up
students, each with a submission of all five exercises (tests/grading/class_fixture.py: answers
drawn from each question's right and hinted values, written answers of 120-240 words), as the
gradebook rows ``make grade`` would write, without running the sandboxes (``make bench-grading``
times those). It then times, on this machine:

* the written grades of half the answers entered in the grades file, then ``merge`` (gradebooks
  and the Canvas file), ``feedback`` (a page per submission and the zip) and the ``class report``;
* the review server: start, the first load of one question with STUDENTS answers (similarity
  flags included), a reload, one grade saved; and in headless Chromium, the page ready with
  STUDENTS answers, the switch to side by side, and a criterion ticked by key until it is saved.

Prints a Markdown table; the load average is printed because the figures mean little without it.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sourcekit_instructor.grade.class_report import write_class_report  # noqa: E402
from sourcekit_instructor.grade.feedback import answers_file_path, write_answers, write_feedback  # noqa: E402
from sourcekit_instructor.grade.merge import CANVAS_PATTERN, merge  # noqa: E402
from sourcekit_instructor.review.store import GradeStore, review_db_path  # noqa: E402
from tests.grading.class_fixture import (  # noqa: E402
    gradebook_rows,
    write_gradebooks,
    write_records,
    written_records,
)

BROWSER_TIMING = r"""
import { createRequire } from 'node:module';
const require = createRequire(process.argv[2]);
const { chromium } = require('playwright-core');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'],
});
const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
let t = Date.now();
await tab.goto(process.argv[3]);
await tab.waitForFunction(
  () => document.getElementById('status').textContent.startsWith('Ready'),
  null,
  { timeout: 120000 },
);
const ready = Date.now() - t;
t = Date.now();
await tab.click('#side');
await tab.evaluate(
  () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
);
const side = Date.now() - t;
await tab.click('#one');
await tab.keyboard.press('p');
t = Date.now();
await tab.keyboard.press('1');
await tab.waitForFunction(() => document.getElementById('status').textContent.startsWith('Saved'));
const tick = Date.now() - t;
const count = await tab.evaluate(() => window.reviewState.data.answers.length);
await browser.close();
process.stdout.write(JSON.stringify({ ready, side, tick, count }));
"""


def timed(label, results, function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    results.append((label, time.perf_counter() - started))
    return value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=300)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-cycle-") as scratch:
        out = Path(scratch) / "gradebook.csv"
        records = timed(
            "build the class (written answers, gradebook rows)",
            results,
            written_records,
            args.students,
            blank_every=25,
        )
        write_records(records, out)
        rows = gradebook_rows(records)
        write_gradebooks(rows, out)
        write_answers(rows, answers_file_path(out))
        rng = random.Random(5)
        store = GradeStore(review_db_path(out))

        def enter_grades():
            for record in records[::2]:
                store.update(
                    record["submission"],
                    record["question"],
                    criteria=[i for i in range(4) if rng.random() < 0.6],
                    comment="Cite documents by id.",
                )

        timed(
            f"enter {len(records[::2])} written grades in the grades file", results, enter_grades
        )
        store.close()
        timed(
            f"merge ({len(rows)} submissions, 6 gradebooks, the Canvas file)",
            results,
            merge,
            out,
            "canvas",
            CANVAS_PATTERN,
        )
        _, _, names = timed(
            f"feedback ({len(rows)} pages and the zip)", results, write_feedback, out
        )
        timed("class report", results, write_class_report, out)

        started = time.perf_counter()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sourcekit_instructor.review",
                "--out",
                str(out),
                "--port",
                "0",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = re.search(r"http://127\.0\.0\.1:\d+/", server.stdout.readline()).group(0)
            results.append(
                (
                    "review server: start (reads the answers and six rubrics)",
                    time.perf_counter() - started,
                )
            )
            key = "provenance/5.12"
            question = timed(
                f"review: first load of {key}, {args.students} answers with similarity flags",
                results,
                lambda: json.load(urllib.request.urlopen(f"{url}api/question?key={key}")),
            )
            timed(
                f"review: load {key} again",
                results,
                lambda: json.load(urllib.request.urlopen(f"{url}api/question?key={key}")),
            )
            body = json.dumps(
                {"key": key, "ids": [question["answers"][0]["id"]], "tick": [0, True]}
            ).encode()
            request = urllib.request.Request(
                f"{url}api/grade",
                data=body,
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            timed("review: save one tick", results, lambda: urllib.request.urlopen(request).read())
            script = Path(scratch) / "timing.mjs"
            script.write_text(BROWSER_TIMING, encoding="utf-8")
            done = subprocess.run(
                [
                    "node",
                    str(script),
                    str(ROOT / "tests" / "site" / "package.json"),
                    f"{url}#q={key}",
                ],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if done.returncode == 0:
                browser = json.loads(done.stdout)
                results.append(
                    (
                        f"browser: page ready with {browser['count']} answers",
                        browser["ready"] / 1000,
                    )
                )
                results.append(("browser: switch to side by side", browser["side"] / 1000))
                results.append(
                    ("browser: tick a criterion by key until saved", browser["tick"] / 1000)
                )
            else:
                print(f"(browser timing skipped: {done.stderr.strip()[-300:]})", file=sys.stderr)
        finally:
            server.kill()
            server.wait()
    print(
        f"Students: {args.students}; submissions: {len(rows)}; written answers: {len(records)}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores.\n"
    )
    print("| step | seconds |\n|---|---:|")
    for label, seconds in results:
        print(f"| {label} | {seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
