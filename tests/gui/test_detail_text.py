"""What the detail panel writes: which tags it lists, how it shows a folder."""

from __future__ import annotations

import os

from photofind.core.tagsearch import PhotoTag, TagKind
from photofind.gui.actions import home_relative
from photofind.gui.detail import shown_tags


def test_unlikely_machine_tags_are_left_out_but_never_all_of_them() -> None:
    tags = [
        PhotoTag(TagKind.BROAD, "dog", 0.94),
        PhotoTag(TagKind.FINE, "golden retriever", 0.84),
        PhotoTag(TagKind.FINE, "Chesapeake Bay retriever", 0.01),  # noise beside those
        PhotoTag(TagKind.OWN, "rex", 1.0),
    ]
    assert [t.name for t in shown_tags(tags)] == ["dog", "golden retriever", "rex"]
    unsure = [PhotoTag(TagKind.FINE, "fog", 0.03), PhotoTag(TagKind.FINE, "smoke", 0.02)]
    assert [t.name for t in shown_tags(unsure)] == ["fog"]  # the most likely, whatever its score


def test_folders_in_the_home_are_written_from_it() -> None:
    home = os.path.expanduser("~")
    assert home_relative(os.path.join(home, "Pictures", "2026")) == os.path.join(
        "~", "Pictures", "2026"
    )
    assert home_relative(home) == "~"
    assert home_relative(home + "-other") == home + "-other"  # not a folder inside it
