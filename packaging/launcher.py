"""The frozen app's entry point: `photofind` with the same arguments as the pip install."""

import multiprocessing

from photofind.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless a library starts processes
    raise SystemExit(main())
