"""``make review``: grade the written answers by question, in the browser, on 127.0.0.1 only.

Why the standard library's ``http.server`` and one HTML page, not a web
framework: the view is one page and four JSON routes for one user on their
own machine. ``requirements.txt`` pins no web framework for the instructor's
side (JupyterLab's server would mean an extension and a build step), and
pinning one would mean pinning its whole dependency tree; ``http.server``
and ``sqlite3`` are in every Python, need no build and no network, and the
page (:file:`page.html`) loads nothing from anywhere else.

What keeps it local and safe:

* it listens on 127.0.0.1 only (never 0.0.0.0), on ``--port``; a busy port
  is an error, not a silent move;
* a request whose ``Host`` is not 127.0.0.1/localhost on that port is
  refused (a web page elsewhere cannot reach it by DNS rebinding), and a
  change must come as JSON from the page's own origin (no cross-site form);
* students' text goes to the page as JSON data and is put into the page as
  text (``textContent``), never as HTML.

Answers are anonymised: the page gets an opaque id and "Answer N" for each;
the file names (and student ids) are sent only when the instructor asks to
reveal them. The order is shuffled by a seed kept in the grades file, so it
is the same at every restart and differs from the folder's (alphabetical)
order.
"""

import argparse
import hashlib
import json
import re
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..grade.written import read_written_answers, rubrics_of, written_answers_path
from ..masters import GenerationError
from .similar import flag_answers
from .store import GradeStore, points_of, review_db_path

PAGE = Path(__file__).with_name("page.html")
MAX_BODY = 256 * 1024


def _natural(qid: str):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", qid)]


class Review:
    """Everything the view serves: the answers, the rubrics,
    the grades file and the similarity flags.
    """

    def __init__(self, answers_path: Path, db_path: Path, documents=None, masters_dir=None):
        self.records = read_written_answers(answers_path)
        self.store = GradeStore(db_path)
        self.seed = self.store.shuffle_seed()
        self.documents = documents
        self.rubrics = {}
        for exercise in sorted({r["exercise"] for r in self.records}):
            for qid, rubric in rubrics_of(exercise, masters_dir).items():
                self.rubrics[f"{exercise}/{qid}"] = rubric
        self.by_question = {}
        for record in self.records:
            key = f"{record['exercise']}/{record['question']}"
            if key in self.rubrics:
                self.by_question.setdefault(key, []).append(record)
        for key, records in self.by_question.items():
            records.sort(key=lambda r: self.answer_id(r["submission"], key))
        self._flags = {}
        self._flags_lock = threading.Lock()
        self._flag_locks = {key: threading.Lock() for key in self.by_question}

    def answer_id(self, submission: str, question_key: str) -> str:
        """An opaque id for one answer: names nothing, fixed by the grades file's seed."""
        return hashlib.sha256(f"{self.seed}|{question_key}|{submission}".encode()).hexdigest()[:16]

    def questions(self) -> list:
        grades = self.store.all()
        out = []
        for key in sorted(
            self.by_question, key=lambda k: (k.split("/")[0], _natural(k.split("/")[1]))
        ):
            rubric, records = self.rubrics[key], self.by_question[key]
            graded = sum(
                1
                for r in records
                if grades.get((r["submission"], rubric.question), {}).get("graded")
            )
            out.append(
                {
                    "key": key,
                    "exercise": rubric.exercise,
                    "question": rubric.question,
                    "points": rubric.points,
                    "move": rubric.move,
                    "answers": len(records),
                    "graded": graded,
                }
            )
        return out

    def flags(self, key: str) -> dict:
        """The similarity flags of one question, worked out once (one lock per question, so the
        thread warming the others never makes a request wait)."""
        with self._flag_locks[key]:
            if key not in self._flags:
                with self._flags_lock:
                    if self.documents is None:
                        from sourcekit.data import source_texts

                        self.documents = source_texts()
                records = self.by_question[key]
                texts = {
                    self.answer_id(r["submission"], key): r["text"] for r in records if r["text"]
                }
                self._flags[key] = flag_answers(
                    texts, self.rubrics[key].model_answer, self.documents
                )
            return self._flags[key]

    def warm(self) -> None:
        """Work out every question's similarity flags ahead of the first request
        (run in a thread at start).
        """
        for key in list(self.by_question):
            self.flags(key)

    def question(self, key: str, reveal: bool) -> dict:
        rubric, records = self.rubrics[key], self.by_question[key]
        flags = self.flags(key)
        labels = {
            self.answer_id(r["submission"], key): f"Answer {n}" for n, r in enumerate(records, 1)
        }
        grades = self.store.all()  # one query, not one per answer
        empty = {"criteria": [], "adjust": 0.0, "comment": "", "graded": False}
        answers = []
        for n, record in enumerate(records, 1):
            answer_id = self.answer_id(record["submission"], key)
            grade = grades.get((record["submission"], rubric.question), empty)
            entry = {
                "id": answer_id,
                "label": f"Answer {n}",
                "text": record["text"],
                "words": len(record["text"].split()),
                "grade": grade,
                "points": points_of(
                    [c.points for c in rubric.criteria],
                    grade["criteria"],
                    grade["adjust"],
                    rubric.points,
                ),
                "flags": [
                    {**f, "other": labels.get(f["other"])} for f in flags.get(answer_id, [])
                ],
            }
            if reveal:
                entry["name"] = record["submission"] + (
                    f" (student {record['student']})" if record.get("student") else ""
                )
            answers.append(entry)
        return {"key": key, "rubric": rubric.as_dict(), "answers": answers}

    def grade(self, key: str, ids: list, change: dict) -> list:
        rubric = self.rubrics[key]
        wanted = set(ids)
        changed = []
        for record in self.by_question[key]:
            answer_id = self.answer_id(record["submission"], key)
            if answer_id not in wanted:
                continue
            grade = self.store.update(record["submission"], rubric.question, **change)
            changed.append(
                {
                    "id": answer_id,
                    "grade": grade,
                    "points": points_of(
                        [c.points for c in rubric.criteria],
                        grade["criteria"],
                        grade["adjust"],
                        rubric.points,
                    ),
                }
            )
        return changed


def _read_change(body: dict, rubric) -> dict:
    """The fields of a grading request, checked: criteria indexes exist, numbers are numbers."""
    change = {}
    if "tick" in body:
        index, on = body["tick"]
        if not isinstance(index, int) or not 0 <= index < len(rubric.criteria):
            raise ValueError("no such criterion")
        change["tick"] = (index, bool(on))
    if "criteria" in body:
        if not all(isinstance(i, int) and 0 <= i < len(rubric.criteria) for i in body["criteria"]):
            raise ValueError("no such criterion")
        change["criteria"] = body["criteria"]
    if "adjust" in body:
        adjust = float(body["adjust"])
        if not -rubric.points <= adjust <= rubric.points:
            raise ValueError(
                f"an adjustment is between -{rubric.points:g} and {rubric.points:g} points"
            )
        change["adjust"] = adjust
    for field in ("comment", "add_comment"):
        if field in body:
            if not isinstance(body[field], str) or len(body[field]) > 20000:
                raise ValueError("a comment is text of at most 20,000 characters")
            change[field] = body[field]
    if not change:
        raise ValueError("nothing to change")
    return change


def make_handler(review: Review, port_holder: dict):
    class Handler(BaseHTTPRequestHandler):
        server_version = "review"
        sys_version = ""

        def log_message(
            self, format, *args
        ):  # quiet: the terminal shows only the address and errors
            pass

        def _allowed_host(self) -> bool:
            port = port_holder["port"]
            return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

        def _send(self, status, body: bytes, kind="application/json; charset=utf-8"):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src "
                "'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action "
                "'none'; frame-ancestors 'none'",
            )
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status, value):
            self._send(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))

        def do_GET(self):
            if not self._allowed_host():
                return self._json(
                    HTTPStatus.FORBIDDEN, {"error": "this server answers on 127.0.0.1 only"}
                )
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/":
                return self._send(HTTPStatus.OK, PAGE.read_bytes(), "text/html; charset=utf-8")
            if url.path == "/api/questions":
                return self._json(HTTPStatus.OK, {"questions": review.questions()})
            if url.path == "/api/question":
                key = (query.get("key") or [""])[0]
                if key not in review.by_question:
                    return self._json(
                        HTTPStatus.NOT_FOUND, {"error": f"no written question {key!r}"}
                    )
                return self._json(
                    HTTPStatus.OK, review.question(key, (query.get("reveal") or ["0"])[0] == "1")
                )
            return self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        def do_POST(self):
            port = port_holder["port"]
            origin = self.headers.get("Origin")
            if not self._allowed_host() or (
                origin and origin not in (f"http://127.0.0.1:{port}", f"http://localhost:{port}")
            ):
                return self._json(
                    HTTPStatus.FORBIDDEN, {"error": "changes come from the grading page only"}
                )
            if (
                self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json"
                or urlsplit(self.path).path != "/api/grade"
            ):
                return self._json(HTTPStatus.BAD_REQUEST, {"error": "POST JSON to /api/grade"})
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                return self._json(HTTPStatus.BAD_REQUEST, {"error": "empty or too large"})
            try:
                body = json.loads(self.rfile.read(length))
                key, ids = body["key"], body["ids"]
                if key not in review.by_question or not isinstance(ids, list):
                    raise ValueError("no such question")
                change = _read_change(body, review.rubrics[key])
            except (ValueError, KeyError, TypeError) as error:
                return self._json(HTTPStatus.BAD_REQUEST, {"error": f"not saved: {error}"})
            return self._json(HTTPStatus.OK, {"changed": review.grade(key, ids, change)})

    return Handler


def serve(review: Review, port: int) -> ThreadingHTTPServer:
    """A server bound to 127.0.0.1 (port 0: any free port); call ``serve_forever`` on it."""
    holder = {"port": port}
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(review, holder))
    holder["port"] = server.server_address[1]
    return server


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sourcekit_instructor.review",
        description=(
            "Grade the written answers of a grading run, one question at a time, "
            "in the browser (127.0.0.1 only)."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("gradebook.csv"),
        help=(
            "the gradebook `make grade` wrote (default gradebook.csv): the written answers "
            "and the grades file are beside it"
        ),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8766,
        help="port on 127.0.0.1 (default 8766; 0 picks a free one)",
    )
    args = parser.parse_args(argv)
    try:
        review = Review(written_answers_path(args.out), review_db_path(args.out))
    except (FileNotFoundError, ValueError, GenerationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not review.by_question:
        print(
            f"error: {written_answers_path(args.out)} holds no answer to a written question",
            file=sys.stderr,
        )
        return 2
    try:
        server = serve(review, args.port)
    except OSError as error:
        print(
            f"error: cannot listen on 127.0.0.1:{args.port} "
            f"({error.strerror}); choose another with PORT=...",
            file=sys.stderr,
        )
        return 2
    port = server.server_address[1]
    threading.Thread(target=review.warm, name="similarity-flags", daemon=True).start()
    print(
        f"Grading view on http://127.0.0.1:{port}/ (grades saved as you go in "
        f"{review.store.path}); Ctrl-C stops it.",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        review.store.close()
    return 0
