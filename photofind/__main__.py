"""`python -m photofind`: the desktop app with no arguments, the command line otherwise."""

from photofind.cli import main

raise SystemExit(main())
