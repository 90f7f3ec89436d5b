"""`python -m photofind`: the desktop app with no arguments, the command line otherwise."""

from photofind.cli import main

if __name__ == "__main__":  # the worker process imports this module again (multiprocessing)
    raise SystemExit(main())
