"""``python -m sourcekit_instructor.assign``: regenerate every exercise's copies,
keys and guide tables.
"""

from .generate import main

raise SystemExit(main())
