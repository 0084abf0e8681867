"""`python -m gwr.cli …` is the `gwr` command."""

from .main import main

raise SystemExit(main())
