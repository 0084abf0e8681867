"""`python -m gwr …` is the `gwr` command."""

from gwr.cli import main

raise SystemExit(main())
