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

    dataset = Path(args.dataset)
    bar = None

    def progress(step: Progress) -> None:
        nonlocal bar
        if bar is None:
            bar = progress_bar(step.total)
        if bar is not None:
            bar.update(step.done - bar.n)

    run = eval_retrieval if args.what == "retrieval" else eval_tags
    try:
        report = run(dataset, args.model or DEFAULT_MODEL, lib.device, progress)
    finally:
        if bar is not None:
            bar.close()
    figures = asdict(report)
    if args.json:
        print_json(figures)
        return 0
    print(f"{args.what} on {dataset} with {report.model}:")
    for key, value in figures.items():
        if key != "model" and value is not None:
            shown = f"{value:.4f}" if isinstance(value, float) else value
            print(f"  {key.replace('_', ' '):16} {shown}")
    return 0
