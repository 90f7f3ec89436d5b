"""The everyday tags and word lexicon generated from WordNet: roll-ups, synonyms, hyponyms."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from photofind.core.taxonomy import broad_tags, imagenet
from photofind.core.vocabulary import BROAD_STORE_MIN, vocabulary

DOG_BREEDS = range(151, 269)  # ImageNet's 118 dog classes, Chihuahua to Mexican hairless
HOUSE_CATS = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat
WILD_CATS = range(286, 294)  # cougar, lynx, leopard, snow leopard, jaguar, lion, tiger, cheetah
ROOT = Path(__file__).resolve().parents[2]
WORDNET = Path("/usr/share/wordnet")


def test_every_dog_breed_rolls_up_under_dog_and_no_cat_does() -> None:
    vocab = vocabulary()
    assert set(vocab.broad["dog"].classes) == set(DOG_BREEDS)
    assert all(vocab.broad_of_class[c] == "dog" for c in DOG_BREEDS)
    assert all(vocab.broad_of_class[c] == "cat" for c in HOUSE_CATS)
    assert not set(vocab.broad["dog"].classes) & set(range(281, 294))
    labels = imagenet().labels
    assert not [labels[c] for c in vocab.broad["cat"].classes if "dog" in labels[c].lower()]


def test_a_class_belongs_to_at_most_one_broad_tag() -> None:
    seen: list[int] = [c for tag in vocabulary().broad.values() for c in tag.classes]
    assert len(seen) == len(set(seen)) > 700


@pytest.mark.parametrize(
    ("word", "tag"),
    [
        ("puppy", "dog"),
        ("doggy", "dog"),
        ("Puppies", "dog"),
        ("dog", "dog"),
        ("kitten", "cat"),
        ("kitty", "cat"),
        ("cats", "cat"),
        ("sea", "beach"),
        ("ocean", "beach"),
    ],
)
def test_synonyms_and_young_animals_mean_their_everyday_tag(word: str, tag: str) -> None:
    meaning = vocabulary().lookup(word)
    assert meaning is not None and meaning.broad == (tag,), meaning


def test_hyponyms_and_hypernyms_resolve_through_wordnet() -> None:
    vocab, labels = vocabulary(), imagenet().labels
    hound = vocab.lookup("hound")
    assert hound is not None and hound.fine and set(hound.fine) <= set(DOG_BREEDS)
    assert "beagle" in {labels[c] for c in hound.fine}
    automobile = vocab.lookup("automobile")
    assert automobile is not None
    assert {"convertible", "sports car", "cab"} <= {labels[c] for c in automobile.fine}
    vehicle = vocab.lookup("vehicle")
    assert vehicle is not None and {"car", "boat", "aircraft"} <= set(vehicle.broad)
    insect = vocab.lookup("insects")  # a tag's name holds the narrower tags under it
    assert insect is not None and set(insect.broad) == {"insect", "butterfly"}
    feline = vocab.lookup("feline")
    assert feline is not None and set(feline.broad) == {"cat", "big cat"}
    tabby = vocab.lookup("tabby")
    assert tabby is not None and [labels[c] for c in tabby.fine] == ["tabby cat"]
    assert vocab.lookup("xyzzyq") is None


def test_broad_score_is_the_sum_of_its_classes() -> None:
    probs = np.zeros(1000, dtype=np.float32)
    probs[[151, 207, 250]] = [0.2, 0.3, 0.1]  # three breeds
    probs[281] = 0.35
    probs[0] = 0.05
    tags = dict(broad_tags(probs))
    assert tags["dog"] == pytest.approx(0.6)
    assert tags["cat"] == pytest.approx(0.35)
    assert tags["fish"] == pytest.approx(0.05)
    assert all(score >= BROAD_STORE_MIN for score in tags.values())
    assert list(tags) == ["dog", "cat", "fish"]  # best first


@pytest.mark.skipif(not (WORDNET / "data.noun").is_file(), reason="needs wordnet-base")
def test_committed_files_are_what_the_script_makes(tmp_path: Path) -> None:
    (tmp_path / "imagenet_classes.tsv").write_bytes(
        (ROOT / "resources" / "imagenet_classes.tsv").read_bytes()
    )
    script = ROOT / "scripts" / "make_tag_vocabulary.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True)
    for name in ("broad_tags.tsv", "tag_words.tsv"):
        assert (tmp_path / name).read_text() == (ROOT / "resources" / name).read_text(), name


def test_broad_tags_use_their_measured_thresholds() -> None:
    text = (ROOT / "resources" / "broad_tag_thresholds.tsv").read_text()
    rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    assert {r[0] for r in rows} <= set(vocabulary().broad)
    for name, threshold, *_ in rows:
        assert vocabulary().broad[name].threshold == float(threshold)
