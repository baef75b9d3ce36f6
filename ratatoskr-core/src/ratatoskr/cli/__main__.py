"""``python -m ratatoskr.cli``: the same as the ``ratatoskr`` console script."""

from ratatoskr.cli import main

raise SystemExit(main())
