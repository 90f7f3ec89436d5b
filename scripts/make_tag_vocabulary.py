"""Generate resources/broad_tags.tsv and resources/tag_words.tsv from WordNet 3.0.

Reads the WordNet database files of Debian's `wordnet-base` package (`apt-get install
wordnet-base`, /usr/share/wordnet) or any folder holding data.noun, index.noun and noun.exc
(--wordnet DIR). ImageNet's WordNet ids are WordNet 3.0 noun offsets, so the 1000 classes are
nodes of that tree. Run from the repository root:

    python scripts/make_tag_vocabulary.py [--wordnet DIR]

broad_tags.tsv: one everyday tag per line with the ImageNet classes it covers (a class belongs to
at most one tag). tag_words.tsv: every English noun that means one of those tags or classes, with
what it means: broad tags and fine classes, in WordNet's most frequent sense that names something
the model can see.
"""

from __future__ import annotations

import argparse
import sys
from collections import deque
from pathlib import Path

# Everyday tags: WordNet's "basic level" nouns (the name people give a thing first: "dog", not
# "animal" nor "beagle"), chosen where ImageNet has several classes under them, plus the scene
# and object kinds people file photos under. Each tag lists lemma.sense synsets it covers; the
# classes under a later, narrower synset are taken from an earlier, wider one (butterfly from
# insect), so every class has at most one tag.
BROAD_TAGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("dog", ("dog.1",)),
    ("wolf", ("wolf.1", "coyote.1", "dingo.1", "dhole.1", "African_hunting_dog.1")),
    ("fox", ("fox.1",)),
    ("cat", ("cat.1",)),
    ("big cat", ("big_cat.1",)),
    ("bear", ("bear.1",)),
    ("monkey", ("primate.2",)),
    ("horse", ("equine.1",)),
    ("cattle", ("bovid.1",)),
    ("sheep and goat", ("sheep.1", "goat.1", "mountain_sheep.1", "ibex.1")),
    ("deer and antelope", ("deer.1", "antelope.1", "gazelle.1", "impala.1", "hartebeest.1")),
    ("pig", ("swine.1",)),
    ("rodent", ("rodent.1",)),
    ("rabbit", ("leporid.1",)),
    ("elephant", ("elephant.1", "mammoth.1")),
    ("whale and seal", ("cetacean.1", "pinniped_mammal.1", "sea_cow.1")),
    ("weasel and otter", ("musteline_mammal.1", "skunk.4", "badger.2")),
    ("panda", ("giant_panda.1", "lesser_panda.1")),
    ("marsupial", ("marsupial.1", "monotreme.1")),
    ("camel and llama", ("camel.1", "llama.1")),
    ("bird", ("bird.1",)),
    ("fish", ("fish.1",)),
    ("shark", ("shark.1",)),
    ("ray", ("ray.7",)),
    ("insect", ("insect.1",)),
    ("butterfly", ("lepidopterous_insect.1",)),
    ("spider", ("arachnid.1",)),
    ("snake", ("snake.1",)),
    ("lizard", ("saurian.1",)),
    ("turtle", ("chelonian.1",)),
    ("crocodile", ("crocodilian_reptile.1",)),
    ("frog", ("anuran.1",)),
    ("salamander", ("salamander.1", "newt.1", "amphibian.3")),
    ("sea creature", ("coelenterate.1", "echinoderm.1", "coral.4", "flatworm.1", "worm.1")),
    ("crab and lobster", ("decapod_crustacean.1", "isopod.1")),
    ("mollusk", ("mollusk.1",)),
    ("car", ("car.1", "bus.1", "truck.1", "van.5", "police_van.1", "jeep.1")),
    ("bicycle", ("bicycle.1", "tricycle.1", "unicycle.1")),
    ("motorcycle", ("motor_scooter.1", "motorcycle.1", "moped.1")),
    ("train", ("train.1", "locomotive.1", "passenger_car.1", "freight_car.1", "streetcar.1")),
    ("boat", ("vessel.2", "boat.1")),
    ("aircraft", ("aircraft.1",)),
    ("other vehicle", ("vehicle.1", "wheeled_vehicle.1")),
    ("food", ("food.2", "dish.2", "foodstuff.2")),
    ("fruit", ("edible_fruit.1",)),
    ("vegetable", ("vegetable.1",)),
    ("mushroom", ("fungus.1",)),
    ("flower", ("flower.1", "flower.2")),
    ("drink", ("beverage.1",)),
    ("building", ("building.1", "place_of_worship.1")),
    ("structure", ("structure.1",)),
    ("bridge", ("bridge.1",)),
    ("beach", ("shore.1", "seashore.1", "sandbar.1")),
    ("mountain", ("mountain.1", "volcano.2", "promontory.1", "alp.1", "cliff.1", "valley.1")),
    ("musical instrument", ("musical_instrument.1",)),
    ("ball", ("ball.1",)),
    ("furniture", ("furniture.1",)),
    ("clothing", ("clothing.1", "footwear.2", "headdress.1")),
    ("computer", ("computer.1", "keyboard.1", "monitor.4", "mouse.4")),
    ("phone", ("telephone.1",)),
    ("tool", ("hand_tool.1", "edge_tool.1")),
    ("weapon", ("weapon.1",)),
    ("kitchenware", ("kitchen_utensil.1", "cooking_utensil.1", "crockery.1", "cutlery.2")),
    ("bottle", ("bottle.1",)),
    ("toy", ("toy.1",)),
    ("sport", ("sports_equipment.1",)),
    ("clock", ("timepiece.1",)),
    ("camera", ("camera.1",)),
    ("appliance", ("home_appliance.1",)),
    ("person", ("person.1",)),
)

# Words WordNet files where no photo tag can follow (a kitten is a "young mammal"; the sea a
# "body of water"), mapped by hand to the tag people mean.
OVERRIDES: dict[str, tuple[str, ...]] = {
    "kitten": ("cat",),
    "kitty": ("cat",),
    "pussycat": ("cat",),
    "puppy": ("dog",),
    "pup": ("dog",),
    "doggy": ("dog",),
    "doggie": ("dog",),
    "foal": ("horse",),
    "calf": ("cattle",),
    "lamb": ("sheep and goat",),
    "cub": ("bear", "big cat"),
    "chick": ("bird",),
    "sea": ("beach",),
    "ocean": ("beach",),
    "coast": ("beach",),
    "hill": ("mountain",),
    "meal": ("food",),
    "people": ("person",),
    "man": ("person",),
    "woman": ("person",),
    "child": ("person",),
}

# Words too generic to mean anything to a photo search ("object", "whole", "entity"...)
MAX_CLASSES = 460
# A word that names nothing the model sees may borrow its nearest ancestor's classes, if few
MAX_BORROWED = 150
MAX_BORROW_STEPS = 3
NEAR = 0.75


class WordNet:
    """The noun part of WordNet 3.0: synsets, hypernym links, lemma senses."""

    def __init__(self, root: Path) -> None:
        self.words: dict[str, list[str]] = {}
        self.hypernyms: dict[str, list[str]] = {}
        self.hyponyms: dict[str, list[str]] = {}
        for line in (root / "data.noun").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            head = line.split(" | ")[0].split()
            offset, n_words = head[0], int(head[3], 16)
            self.words[offset] = [head[4 + 2 * i].lower() for i in range(n_words)]
            at = 4 + 2 * n_words
            n_ptr = int(head[at])
            ups = []
            for i in range(n_ptr):
                symbol, target, pos = head[at + 1 + 4 * i : at + 4 + 4 * i]
                if symbol == "@" and pos == "n":  # not @i: proper names borrow nothing
                    ups.append(target)
            self.hypernyms[offset] = ups
            for up in ups:
                self.hyponyms.setdefault(up, []).append(offset)
        self.senses: dict[str, list[str]] = {}
        for line in (root / "index.noun").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            parts = line.split()
            lemma, n_synsets = parts[0], int(parts[2])
            self.senses[lemma] = parts[len(parts) - n_synsets :]
        self.plurals: dict[str, str] = {}
        for line in (root / "noun.exc").read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                self.plurals[parts[0]] = parts[1]

    def synset(self, name: str) -> str:
        lemma, sense = name.rsplit(".", 1)
        return self.senses[lemma.lower()][int(sense) - 1]

    def below(self, offset: str) -> set[str]:
        """`offset` and every synset under it."""
        seen, todo = {offset}, [offset]
        while todo:
            for child in self.hyponyms.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen


def load_classes(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            index, wnid, label = line.split("\t")
            rows.append((int(index), wnid[1:], label))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--out", type=Path, default=Path("resources"))
    args = ap.parse_args()
    wn = WordNet(args.wordnet)
    classes = load_classes(args.out / "imagenet_classes.tsv")
    class_of = {offset: index for index, offset, _ in classes}

    # broad tags, narrow synsets first so a class goes to the narrowest tag that names it
    tag_of: dict[int, str] = {}
    ranked = sorted(
        ((name, wn.synset(s)) for name, synsets in BROAD_TAGS for s in synsets),
        key=lambda pair: len(wn.below(pair[1])),
    )
    for name, offset in ranked:
        for node in wn.below(offset):
            if node in class_of:
                tag_of.setdefault(class_of[node], name)
    members: dict[str, list[int]] = {name: [] for name, _ in BROAD_TAGS}
    for index, name in sorted(tag_of.items()):
        members[name].append(index)

    def meaning(classes_: set[int]) -> tuple[list[str], list[int]]:
        """Broad tags wholly inside `classes_`, and the remaining fine classes."""
        tags = [n for n, m in members.items() if m and len(classes_ & set(m)) >= NEAR * len(m)]
        covered = {i for n in tags for i in members[n]}
        return tags, sorted(classes_ - covered)

    # WordNet files buses under "conveyance", not "vehicle": a tag mostly inside a word's
    # classes counts as inside

    under: dict[str, set[int]] = {}

    def classes_under(offset: str) -> set[int]:
        if offset not in under:
            under[offset] = {class_of[n] for n in wn.below(offset) if n in class_of}
        return under[offset]

    def resolve(offset: str) -> set[int]:
        found = classes_under(offset)
        if found:
            return found if len(found) <= MAX_CLASSES else set()
        frontier, steps = deque([offset]), 0
        while frontier and steps < MAX_BORROW_STEPS:
            steps += 1
            nxt: deque[str] = deque()
            for node in frontier:
                for up in wn.hypernyms.get(node, ()):
                    borrowed = classes_under(up)
                    if borrowed:
                        return borrowed if len(borrowed) <= MAX_BORROWED else set()
                    nxt.append(up)
            frontier = nxt
        return set()

    lexicon: dict[str, tuple[list[str], list[int]]] = {}
    for lemma, offsets in wn.senses.items():
        word = lemma.replace("_", " ")
        for offset in offsets:  # most frequent sense first
            found = resolve(offset)
            if found:
                lexicon[word] = meaning(found)
                break
    for index, _, label in classes:  # display labels always name their class
        lexicon.setdefault(label.lower(), meaning({index}))
    for name, synsets in BROAD_TAGS:  # a tag's name means it and the narrower tags in it
        lexicon[name] = meaning(set().union(*(classes_under(wn.synset(s)) for s in synsets)))
    for word, tags in OVERRIDES.items():
        lexicon[word] = (list(tags), [])
    for plural, singular in wn.plurals.items():
        if singular in lexicon and plural not in lexicon:
            lexicon[plural.replace("_", " ")] = lexicon[singular]

    with (args.out / "broad_tags.tsv").open("w", encoding="utf-8") as out:
        out.write("# Generated by scripts/make_tag_vocabulary.py from WordNet 3.0: do not edit.\n")
        out.write("# tag, WordNet synsets, ImageNet class indices it covers\n")
        for name, synsets in BROAD_TAGS:
            ids = " ".join(wn.synset(s) for s in synsets)
            out.write(f"{name}\t{ids}\t{' '.join(map(str, members[name]))}\n")
    meanings: dict[tuple[str, str], int] = {}
    keys = {w: ("|".join(t), " ".join(map(str, f))) for w, (t, f) in lexicon.items() if t or f}
    for word in sorted(keys):
        meanings.setdefault(keys[word], len(meanings))
    with (args.out / "tag_words.tsv").open("w", encoding="utf-8") as out:
        out.write("# Generated by scripts/make_tag_vocabulary.py from WordNet 3.0: do not edit.\n")
        out.write("# =meaning id, broad tags (|), ImageNet class indices; then word, meaning id\n")
        out.writelines(f"={n}\t{tags}\t{fine}\n" for (tags, fine), n in meanings.items())
        out.writelines(f"{word}\t{meanings[keys[word]]}\n" for word in sorted(keys))
    covered = f"{len(tag_of)} of {len(classes)} classes"
    print(f"{len(BROAD_TAGS)} broad tags cover {covered}; {len(keys)} words", file=sys.stderr)
    for name, m in members.items():
        if not m:
            print(f"warning: broad tag {name!r} covers no class", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
