"""photofind: find visually similar photos and tag them, entirely on your own machine."""

__version__ = "0.1.0"
