"""The instructor's written-answer grades, kept in one SQLite file beside the gradebook.

Every tick, adjustment and comment is written as it is entered (one small
transaction each), so closing the browser or stopping the server loses
nothing, and the next ``make review`` resumes from the file. SQLite (the
standard library's ``sqlite3``) rather than a CSV: many small updates from
a threaded server, each atomic, without rewriting a file each time.

A grade belongs to (submission file name, question id). Its points are
computed from the ticked criteria plus an adjustment, clipped to the
question's points (:func:`points_of`), never stored apart from what they
come from.
"""

import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS grades (
    submission TEXT NOT NULL,
    question TEXT NOT NULL,
    criteria TEXT NOT NULL DEFAULT '[]',   -- JSON list of the indexes of the ticked criteria
    adjust REAL NOT NULL DEFAULT 0,        -- points added (or taken off) by hand
    comment TEXT NOT NULL DEFAULT '',
    graded INTEGER NOT NULL DEFAULT 0,     -- 1 once the instructor has entered anything
    updated REAL NOT NULL,
    PRIMARY KEY (submission, question)
);
"""


def review_db_path(out: Path) -> Path:
    """Where the grades of ``make grade --out OUT`` are kept: beside OUT, named after it."""
    out = Path(out)
    return out.with_name(f"{out.stem}_review.sqlite")


def points_of(criteria_points: list, ticked, adjust: float, possible: float) -> float:
    """Ticked criteria's points plus the adjustment, between 0 and the question's points."""
    raw = sum(criteria_points[i] for i in set(ticked) if 0 <= i < len(criteria_points)) + (
        adjust or 0
    )
    return max(0.0, min(float(possible), float(raw)))


class GradeStore:
    """The grades file; safe to use from the server's threads (one connection, one lock)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self):
        with self._lock:
            self._db.close()

    def shuffle_seed(self) -> str:
        """The seed of the answers' shuffled order: chosen once per grades file,
        the same at every restart.
        """
        with self._lock:
            found = self._db.execute("SELECT value FROM meta WHERE key='shuffle_seed'").fetchone()
            if found:
                return found[0]
            seed = secrets.token_hex(8)
            self._db.execute("INSERT INTO meta VALUES ('shuffle_seed', ?)", (seed,))
            return seed

    def set_shuffle_seed(self, seed: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('shuffle_seed', ?)", (str(seed),)
            )

    def get(self, submission: str, question: str) -> dict:
        with self._lock:
            found = self._db.execute(
                "SELECT criteria, adjust, comment, graded FROM grades "
                "WHERE submission=? AND question=?",
                (submission, question),
            ).fetchone()
        if not found:
            return {"criteria": [], "adjust": 0.0, "comment": "", "graded": False}
        return {
            "criteria": json.loads(found[0]),
            "adjust": found[1],
            "comment": found[2],
            "graded": bool(found[3]),
        }

    def all(self) -> dict:
        """{(submission, question): grade} for every grade entered."""
        with self._lock:
            rows = self._db.execute(
                "SELECT submission, question, criteria, adjust, comment, graded FROM grades"
            ).fetchall()
        return {
            (s, q): {"criteria": json.loads(c), "adjust": a, "comment": m, "graded": bool(g)}
            for s, q, c, a, m, g in rows
        }

    def update(
        self,
        submission: str,
        question: str,
        criteria=None,
        adjust=None,
        comment=None,
        tick=None,
        add_comment=None,
    ) -> dict:
        """Change what is given and keep the rest.

        ``tick=(index, True/False)`` sets one criterion; ``add_comment`` adds a
        paragraph to the comment unless it is already there (a comment applied
        to several answers never wipes what one of them already had).
        """
        with self._lock:
            found = self._db.execute(
                "SELECT criteria, adjust, comment FROM grades WHERE submission=? AND question=?",
                (submission, question),
            ).fetchone()
            current = (
                {"criteria": json.loads(found[0]), "adjust": found[1], "comment": found[2]}
                if found
                else {"criteria": [], "adjust": 0.0, "comment": ""}
            )
            if criteria is not None:
                current["criteria"] = sorted({int(i) for i in criteria})
            if tick is not None:
                index, on = int(tick[0]), bool(tick[1])
                ticked = set(current["criteria"])
                (ticked.add if on else ticked.discard)(index)
                current["criteria"] = sorted(ticked)
            if adjust is not None:
                current["adjust"] = float(adjust)
            if comment is not None:
                current["comment"] = str(comment)
            if add_comment and str(add_comment).strip() not in current["comment"]:
                current["comment"] = (
                    current["comment"].rstrip() + "\n\n" + str(add_comment).strip()
                ).strip()
            self._db.execute(
                "INSERT OR REPLACE INTO grades (submission, question, criteria, adjust, comment, "
                "graded, updated) VALUES (?, ?, ?, ?, ?, 1, ?)",
                (
                    submission,
                    question,
                    json.dumps(current["criteria"]),
                    current["adjust"],
                    current["comment"],
                    time.time(),
                ),
            )
        return {**current, "graded": True}
