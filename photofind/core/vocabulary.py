"""Everyday tags and the English words that mean them, read from the generated WordNet files.

`resources/broad_tags.tsv` rolls ImageNet's classes up into broad tags ("dog" holds every breed);
`resources/tag_words.tsv` says what each English noun means as broad tags plus fine classes;
`resources/broad_tag_thresholds.tsv` holds each broad tag's measured threshold. All three are
made offline (scripts/make_tag_vocabulary.py, `photofind eval broad-tags`); nothing is fetched.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

__all__ = [
    "BROAD_STORE_MIN",
    "DEFAULT_THRESHOLD",
    "BroadTag",
    "Meaning",
    "Vocabulary",
    "normalise",
    "vocabulary",
]

# A photo's broad tags scoring below this are not stored (nothing shows them at any threshold)
BROAD_STORE_MIN = 0.02
# Threshold of a broad tag without a measured one, and of word searches that mix tags and classes
DEFAULT_THRESHOLD = 0.2


@dataclass(frozen=True)
class BroadTag:
    name: str
    classes: tuple[int, ...]
    threshold: float


@dataclass(frozen=True)
class Meaning:
    """What a word means: broad tags (their stored scores) plus fine ImageNet classes."""

    broad: tuple[str, ...] = ()
    fine: tuple[int, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    broad: dict[str, BroadTag]
    words: dict[str, Meaning]
    broad_of_class: dict[int, str]
    version: str
    membership: np.ndarray = field(repr=False)  # (1000, broad tags) 0/1, float32

    def lookup(self, word: str) -> Meaning | None:
        """The meaning of a noun or phrase (any case, simple plurals), or None."""
        key = normalise(word)
        if key in self.words:
            return self.words[key]
        for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
            if key.endswith(suffix) and key[: -len(suffix)] + repl in self.words:
                return self.words[key[: -len(suffix)] + repl]
        return None

    def broad_scores(self, probs: np.ndarray) -> np.ndarray:
        """Each photo's score per broad tag (the sum of its classes' probabilities)."""
        return np.asarray(probs, dtype=np.float32) @ self.membership

    def names(self) -> list[str]:
        return list(self.broad)


def normalise(tag: str) -> str:
    """A tag or word as stored and compared: lower case, single spaces."""
    return re.sub(r"\s+", " ", tag).strip().lower()


def _read(name: str) -> str:
    path = resources.files("photofind.resources").joinpath(name)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@cache
def vocabulary() -> Vocabulary:
    """The generated vocabulary, read once per process."""
    broad_text = _read("broad_tags.tsv")
    thresholds = {r[0]: float(r[1]) for r in _rows(_read("broad_tag_thresholds.tsv"))}
    broad: dict[str, BroadTag] = {}
    for name, _synsets, ids in _rows(broad_text):
        classes = tuple(int(i) for i in ids.split())
        broad[name] = BroadTag(name, classes, thresholds.get(name, DEFAULT_THRESHOLD))
    broad_of_class = {c: t.name for t in broad.values() for c in t.classes}
    membership = np.zeros((1000, len(broad)), dtype=np.float32)
    for column, tag in enumerate(broad.values()):
        membership[list(tag.classes), column] = 1.0
    meanings: dict[str, Meaning] = {}
    words: dict[str, Meaning] = {}
    for row in _rows(_read("tag_words.tsv")):
        if row[0].startswith("="):
            tags = tuple(t for t in row[1].split("|") if t)
            meanings[row[0][1:]] = Meaning(tags, tuple(int(i) for i in row[2].split()))
        else:
            words[row[0]] = meanings[row[1]]
    version = hashlib.sha1(broad_text.encode()).hexdigest()[:12]
    return Vocabulary(broad, words, broad_of_class, version, membership)
