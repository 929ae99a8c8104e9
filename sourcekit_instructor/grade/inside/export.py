"""What leaves a submission's run: its answer variables as plain JSON, within fixed bounds.

This runs inside the sandbox, in the student's process (the worker calls
:func:`export_answers` after the last cell). Whatever the notebook does, it can
only change its *own answers* in that file, which it could do anyway by typing
them. The grader (:mod:`sourcekit_instructor.grade.judge`) reads the file and
trusts nothing in it.
"""

import collections.abc
import itertools
import json
import math
import numbers
import signal
from pathlib import Path

from sourcekit.checks import one_shot_problem

#: Bounds on one exported value: deeper, longer or bigger values are "unreadable".
MAX_DEPTH = 4
MAX_ITEMS = 500
MAX_CHARS = 2000
MAX_DIGITS = 18
#: Bytes of the answers file the grader will read at most.
MAX_FILE_BYTES = 2_000_000


class Unreadable(ValueError):
    """A value that cannot leave the kernel as a plain answer; the message says why."""


def plain(value, depth: int = 0):
    """``value`` as JSON-ready numbers, text, booleans and lists, or Unreadable.

    NumPy scalars and arrays and pandas Series and Index become Python
    values and lists; tuples and sets become lists (sets sorted, so equal
    sets export equally); dicts and other objects are unreadable, since no
    question asks for one.
    """
    if depth > MAX_DEPTH:
        raise Unreadable("nested too deeply")
    if value is None or value is Ellipsis:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        value = str.__str__(
            value
        )  # the characters themselves, whatever a subclass says its length is
        if len(value) > MAX_CHARS:
            raise Unreadable(f"a text of {len(value)} characters (at most {MAX_CHARS})")
        return value
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # NumPy scalars
        try:
            value = value.item()
        except Exception:
            raise Unreadable(f"a {type(value).__name__} that could not be converted") from None
        return plain(value, depth)
    if isinstance(value, numbers.Integral):
        number = int(value)
        if abs(number) >= 10**MAX_DIGITS:
            raise Unreadable(f"a whole number with more than {MAX_DIGITS} digits")
        return number
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise Unreadable(
                "not a finite number (NaN or infinity): check the rows you selected are not empty"
            )
        return number
    if isinstance(value, dict):
        raise Unreadable("a dict; the questions ask for a value or a list")
    if hasattr(value, "tolist") and callable(value.tolist):  # arrays, Series, Index
        try:
            value = value.tolist()
        except Exception:
            raise Unreadable(f"a {type(value).__name__} that could not be converted") from None
        if not isinstance(value, (list, tuple)):
            return plain(value, depth)
    one_shot = one_shot_problem(value)
    if one_shot:
        raise Unreadable(one_shot)
    if isinstance(
        value,
        (collections.abc.KeysView, collections.abc.ValuesView, collections.abc.ItemsView, range),
    ):
        # dict views and ranges, which the check reads too: at most MAX_ITEMS + 1 items are taken.
        value = list(itertools.islice(value, MAX_ITEMS + 1))
    if isinstance(value, (list, tuple, set, frozenset)):
        # At most one item more than allowed is ever taken, whatever the object's __len__ or
        # __iter__ say: an endless iterator is "too many items", not a worker
        # held till memory runs out.
        taken = list(itertools.islice(iter(value), MAX_ITEMS + 1))
        if len(taken) > MAX_ITEMS:
            raise Unreadable(f"a collection of more than {MAX_ITEMS} items")
        items = [plain(item, depth + 1) for item in taken]
        if isinstance(value, (set, frozenset)):
            items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return items
    raise Unreadable(f"a {type(value).__name__}, which is not a number, a text or a list")


def export_answers(namespace: dict, variables, path, seconds: float = None) -> None:
    """Write the answers file: {variable: {"value": v} | {"unanswered": true} | {"unreadable":
    why}}.

    With ``seconds``, reading each answer is interrupted after that long (the caller's SIGALRM
    handler raises a KeyboardInterrupt, as for a cell): an object whose ``__iter__`` or ``tolist``
    never returns makes that answer unreadable and the others are still exported.
    """
    exported = {}
    for name in variables:
        if name not in namespace:
            exported[name] = {"unanswered": True}
            continue
        try:
            if seconds:
                signal.setitimer(signal.ITIMER_REAL, seconds)
            value = plain(namespace[name])
        except Unreadable as why:
            exported[name] = {"unreadable": str(why)}
        except KeyboardInterrupt:
            exported[name] = {
                "unreadable": (
                    f"reading it took longer than {seconds:g} s (an endless __iter__ or tolist?)"
                )
            }
        except (
            Exception
        ) as error:  # an object that breaks while being read is that answer's problem only
            exported[name] = {"unreadable": f"reading it raised {type(error).__name__}"}
        else:
            exported[name] = {"unanswered": True} if value is None else {"value": value}
        finally:
            if seconds:
                signal.setitimer(signal.ITIMER_REAL, 0)
    Path(path).write_text(json.dumps(exported, allow_nan=False), encoding="utf-8")
