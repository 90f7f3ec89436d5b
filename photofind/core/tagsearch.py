"""Finding photos by tags and words: broad, fine and own tags, combined, best score first."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache

from photofind.core.catalog import Catalog
from photofind.core.taxonomy import imagenet
from photofind.core.vocabulary import DEFAULT_THRESHOLD, Meaning, Vocabulary, normalise

__all__ = [
    "EXCLUDE",
    "Combine",
    "PhotoTag",
    "TagKind",
    "TagNode",
    "TagRef",
    "Term",
    "UnknownWord",
    "parse_words",
    "photo_tags",
    "search",
    "tag_tree",
    "term_for",
]

EXCLUDE = "-"  # a word starting so is one the photos must not match
OWN_SCORE = 1.0  # the user's own "yes" outranks any prediction


class TagKind(Enum):
    BROAD = "broad"  # an everyday tag: a sum of ImageNet classes ("dog")
    FINE = "fine"  # one ImageNet class ("beagle")
    OWN = "own"  # a tag the user gave (or taught)


class Combine(Enum):
    ALL = "all"
    ANY = "any"


class UnknownWord(ValueError):
    """A word that no tag and no WordNet noun matches."""

    def __init__(self, word: str, suggestions: Sequence[str]) -> None:
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"no tag or word matches {word!r}{hint}")
        self.word = word
        self.suggestions = tuple(suggestions)


@dataclass(frozen=True)
class TagRef:
    kind: TagKind
    name: str


@dataclass(frozen=True)
class Term:
    """One thing to look for: what a word or selected tag means, and own tags named so."""

    text: str
    meaning: Meaning
    own: tuple[str, ...]
    threshold: float


@dataclass(frozen=True)
class TagNode:
    kind: TagKind
    name: str
    count: int
    children: tuple[TagNode, ...] = ()


@dataclass(frozen=True)
class PhotoTag:
    """One tag of one photo: predicted (score is the probability) or own (score 1)."""

    kind: TagKind
    name: str
    score: float
    hidden: bool = False  # the user removed this predicted tag from the photo


@cache
def _classes_of_label() -> dict[str, tuple[int, ...]]:
    out: dict[str, tuple[int, ...]] = {}
    for i, label in enumerate(imagenet().labels):
        out[label.lower()] = (*out.get(label.lower(), ()), i)
    return out


def term_for(ref: TagRef, vocab: Vocabulary) -> Term:
    """The term of a tag picked in a tag tree."""
    name = normalise(ref.name)
    if ref.kind is TagKind.BROAD:
        tag = vocab.broad.get(name)
        if tag is None:
            raise UnknownWord(ref.name, ())
        return Term(name, Meaning((name,), ()), (name,), tag.threshold)
    if ref.kind is TagKind.FINE:
        classes = _classes_of_label().get(name)
        if classes is None:
            raise UnknownWord(ref.name, ())
        return Term(name, Meaning((), classes), (name,), DEFAULT_THRESHOLD)
    return Term(name, Meaning(), (name,), OWN_SCORE)


def _word_term(text: str, vocab: Vocabulary, own_tags: set[str]) -> Term | None:
    meaning = vocab.lookup(text)
    own = text in own_tags
    if meaning is None and not own:
        return None
    meaning = meaning or Meaning()
    threshold = DEFAULT_THRESHOLD
    if len(meaning.broad) == 1 and not meaning.fine:
        threshold = vocab.broad[meaning.broad[0]].threshold
    names = (text, *(b for b in meaning.broad if b in own_tags))
    return Term(text, meaning, tuple(dict.fromkeys(names)), threshold)


def parse_words(
    words: str | Sequence[str], vocab: Vocabulary, own_tags: set[str]
) -> tuple[list[Term], list[Term]]:
    """(terms to match, terms to exclude) of a query: words or phrases, `-word` excludes.

    Neighbouring words join into the longest phrase known ("golden retriever").
    """
    if isinstance(words, str):
        words = [words]
    tokens = [
        (t.startswith(EXCLUDE), t.lstrip(EXCLUDE)) for w in words for t in normalise(w).split()
    ]
    tokens = [(neg, t) for neg, t in tokens if t]
    include: list[Term] = []
    exclude: list[Term] = []
    i = 0
    while i < len(tokens):
        negative = tokens[i][0]
        for j in range(len(tokens), i, -1):
            if any(neg != negative for neg, _ in tokens[i + 1 : j]):
                continue
            term = _word_term(" ".join(t for _, t in tokens[i:j]), vocab, own_tags)
            if term is not None:
                (exclude if negative else include).append(term)
                i = j
                break
        else:
            word = tokens[i][1]
            close = difflib.get_close_matches(word, [*own_tags, *vocab.broad], n=3, cutoff=0.6)
            raise UnknownWord(word, close)
    return include, exclude


def _term_scores(
    catalog: Catalog, model: str, term: Term, vocab: Vocabulary, min_score: float | None
) -> dict[int, float]:
    """Photo id -> score for one term: the sum of its tags' and classes' scores, or own."""
    labels = imagenet().labels
    fine_names = {c: labels[c].lower() for c in term.meaning.fine}
    names = {term.text, *term.own, *term.meaning.broad, *fine_names.values()}
    names |= {vocab.broad_of_class[c] for c in term.meaning.fine if c in vocab.broad_of_class}
    denied = catalog.denials(sorted(names))
    scores: dict[int, float] = {}
    for pid, tag, score in catalog.broad_rows(model, term.meaning.broad):
        if tag not in denied.get(pid, ()):
            scores[pid] = scores.get(pid, 0.0) + score
    for pid, index, score in catalog.class_rows(model, term.meaning.fine):
        no = denied.get(pid, ())
        if fine_names[index] not in no and vocab.broad_of_class.get(index) not in no:
            scores[pid] = scores.get(pid, 0.0) + score
    threshold = term.threshold if min_score is None else min_score
    scores = {pid: s for pid, s in scores.items() if s >= threshold}
    for name in term.own:
        for pid in catalog.user_tagged(name):
            scores[pid] = OWN_SCORE
    return {pid: s for pid, s in scores.items() if term.text not in denied.get(pid, ())}


def search(
    catalog: Catalog,
    model: str,
    vocab: Vocabulary,
    include: Sequence[Term],
    exclude: Sequence[Term] = (),
    combine: Combine = Combine.ALL,
    min_score: float | None = None,
    limit: int = 200,
) -> list[tuple[int, float]]:
    """(photo id, score) matching the terms, best first: all of them (scored by the weakest)
    or any (scored by the strongest), and none of `exclude`. `min_score` None: per-tag
    thresholds."""
    found: dict[int, float] | None = None
    for term in include:
        scores = _term_scores(catalog, model, term, vocab, min_score)
        if found is None:
            found = scores
        elif combine is Combine.ALL:
            found = {pid: min(s, scores[pid]) for pid, s in found.items() if pid in scores}
        else:
            found = {pid: max(found.get(pid, 0.0), scores.get(pid, 0.0)) for pid in found | scores}
    found = found or {}
    for term in exclude:
        for pid in _term_scores(catalog, model, term, vocab, min_score):
            found.pop(pid, None)
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))[:limit]


def tag_tree(
    catalog: Catalog, model: str, vocab: Vocabulary, min_score: float | None = None
) -> list[TagNode]:
    """Broad tags with their fine tags, then ungrouped fine tags, then own tags; each with its
    number of visible photos, commonest first."""
    thresholds = {
        name: tag.threshold if min_score is None else min_score for name, tag in vocab.broad.items()
    }
    broad_counts = catalog.broad_counts(model, thresholds)
    fine = catalog.tag_counts(model, DEFAULT_THRESHOLD if min_score is None else min_score)
    children: dict[str | None, list[TagNode]] = {}
    for label, n in fine:
        parent = vocab.broad_of_class.get(_classes_of_label()[label.lower()][0])
        children.setdefault(parent, []).append(TagNode(TagKind.FINE, label, n))
    broad = [
        TagNode(TagKind.BROAD, name, broad_counts.get(name, 0), tuple(children.get(name, ())))
        for name in vocab.broad
        if broad_counts.get(name) or children.get(name)
    ]
    broad.sort(key=lambda node: (-node.count, node.name))
    own = [TagNode(TagKind.OWN, tag, n) for tag, n in catalog.user_tag_counts()]
    return [*broad, *children.get(None, ()), *own]


def photo_tags(catalog: Catalog, model: str, photo_id: int) -> list[PhotoTag]:
    """A photo's own tags, then its broad and fine predicted tags (best first), hidden marked."""
    said = dict(catalog.user_tags_of(photo_id))
    out = [PhotoTag(TagKind.OWN, tag, OWN_SCORE) for tag, yes in said.items() if yes]
    for tag, score in catalog.broad_tags_of(photo_id, model):
        out.append(PhotoTag(TagKind.BROAD, tag, score, said.get(tag) is False))
    for t in catalog.tags(photo_id, model):
        out.append(PhotoTag(TagKind.FINE, t.label, t.score, said.get(t.label.lower()) is False))
    return out
