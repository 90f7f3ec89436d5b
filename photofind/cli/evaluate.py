"""The eval command: retrieval and tag accuracy on a labelled dataset."""

from __future__ import annotations

import argparse
from pathlib import Path

from photofind.cli.output import print_json, progress_bar
from photofind.core.indexer import Progress
from photofind.core.library import Library
from photofind.core.models import DEFAULT_MODEL

__all__ = ["evaluate"]


def evaluate(lib: Library, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from photofind.core.evaluation import eval_retrieval, eval_tags
    from photofind.core.tag_evaluation import eval_broad_tags

    dataset = Path(args.dataset)
    bar = None

    def progress(step: Progress) -> None:
        nonlocal bar
        if bar is None:
            bar = progress_bar(step.total)
        if bar is not None:
            bar.update(step.done - bar.n)

    runs = {"retrieval": eval_retrieval, "tags": eval_tags, "broad-tags": eval_broad_tags}
    run = runs[args.what]
    try:
        report = run(dataset, args.model or DEFAULT_MODEL, lib.device, progress)
    finally:
        if bar is not None:
            bar.close()
    figures = asdict(report)
    if getattr(args, "write_thresholds", None):
        _write_thresholds(Path(args.write_thresholds), figures)
    if args.json:
        print_json(figures)
        return 0
    print(f"{args.what} on {dataset} with {report.model}:")
    if "rows" in figures:
        print("| tag | photos | threshold | precision | recall |\n|---|---|---|---|---|")
        for row in figures["rows"]:
            print(
                f"| {row['tag']} | {row['photos']} | {row['threshold']:.2f} | "
                f"{row['precision']:.2f} | {row['recall']:.2f} |"
            )
    for key, value in figures.items():
        if key not in ("model", "rows") and value is not None:
            shown = f"{value:.4f}" if isinstance(value, float) else value
            print(f"  {key.replace('_', ' '):16} {shown}")
    return 0


def _write_thresholds(path: Path, figures: dict) -> None:
    """The measured thresholds as resources/broad_tag_thresholds.tsv reads them."""
    lines = [
        "# Written by `photofind eval broad-tags --write-thresholds`: do not edit.",
        f"# tag, threshold, precision, recall, photos (model {figures['model']})",
    ]
    lines += [
        f"{r['tag']}\t{r['threshold']:.2f}\t{r['precision']:.3f}\t{r['recall']:.3f}\t{r['photos']}"
        for r in figures["rows"]
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
