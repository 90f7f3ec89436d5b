"""`python -m photofind`: the command line (the desktop app will start here with no arguments)."""

from photofind.cli import main

raise SystemExit(main())
