"""What the detail panel writes: which tags it lists, how it shows a folder."""

from __future__ import annotations

import os

from photofind.core.tagsearch import PhotoTag, TagKind
from photofind.gui.photo_tags import shown_tags
from photofind.gui.wording import count, home_relative


def test_unlikely_machine_tags_are_left_out_but_never_all_of_them() -> None:
    tags = [
        PhotoTag(TagKind.BROAD, "dog", 0.94),
        PhotoTag(TagKind.FINE, "golden retriever", 0.84),
        PhotoTag(TagKind.FINE, "Chesapeake Bay retriever", 0.01),  # noise beside those
        PhotoTag(TagKind.OWN, "rex", 1.0),
    ]
    assert [t.name for t in shown_tags(tags)] == ["rex", "dog", "golden retriever"]
    unsure = [PhotoTag(TagKind.FINE, "fog", 0.03), PhotoTag(TagKind.FINE, "smoke", 0.02)]
    assert [t.name for t in shown_tags(unsure)] == ["fog"]  # the most likely, whatever its score


def test_machine_tags_are_listed_most_likely_first() -> None:
    """Everyday tags all came before fine ones: 'beach 63%, mountain 19%, seashore 49%'."""
    tags = [
        PhotoTag(TagKind.BROAD, "beach", 0.63),
        PhotoTag(TagKind.BROAD, "mountain", 0.19),
        PhotoTag(TagKind.FINE, "seashore", 0.49),
        PhotoTag(TagKind.FINE, "sandbar", 0.10),
    ]
    assert [t.name for t in shown_tags(tags)] == ["beach", "seashore", "mountain", "sandbar"]


def test_folders_in_the_home_are_written_from_it() -> None:
    home = os.path.expanduser("~")
    assert home_relative(os.path.join(home, "Pictures", "2026")) == os.path.join(
        "~", "Pictures", "2026"
    )
    assert home_relative(home) == "~"
    assert home_relative(home + "-other") == home + "-other"  # not a folder inside it


def test_counts_are_written_in_the_singular_for_one() -> None:
    """'Moved 1 copies to the Trash.', 'Found 1 new photos' read as slips."""
    assert count(1, "copy", "copies") == "1 copy"
    assert count(2, "copy", "copies") == "2 copies"
    assert count(1_234, "photo") == "1,234 photos"
    assert count(0, "photo") == "0 photos"
