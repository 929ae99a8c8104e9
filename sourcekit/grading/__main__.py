"""``python -m sourcekit.grading SUBMISSIONS --out gradebook.csv``: see :mod:`.gradebook`."""

import sys

from .gradebook import main

sys.exit(main())
