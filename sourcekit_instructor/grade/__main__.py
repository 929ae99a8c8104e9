"""``python -m sourcekit_instructor.grade SUBMISSIONS --out gradebook.csv``: see :mod:`.cli`."""

from .cli import main

raise SystemExit(main())
