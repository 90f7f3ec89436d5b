"""The library's model: which one its searches use, switching to another, loading it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from photofind.core.embedder import Embedder, load_embedder, pick_device
from photofind.core.models import DEFAULT_MODEL, MODELS, ModelError
from photofind.core.results import LibraryError
from photofind.core.vector_index import VectorIndex

if TYPE_CHECKING:
    from photofind.core.catalog import Catalog

__all__ = ["ModelMethods"]


class ModelMethods:
    """A part of `Library`: its model, the model being switched to, and the loaded embedder."""

    root: Path
    device: str | None
    catalog: Catalog
    _embedder: Embedder | None
    _embedder_key: tuple[str, str | None, str | None] | None
    _index: VectorIndex | None

    @property
    def model(self) -> str:
        """The model whose vectors searches use."""
        return self.catalog.get_setting("model", DEFAULT_MODEL) or DEFAULT_MODEL

    def set_model(self, model_id: str) -> None:
        """Choose the library's model; photos without its vectors become pending."""
        if model_id not in MODELS:
            raise LibraryError(f"unknown model {model_id!r}; choose one of: {', '.join(MODELS)}")
        if model_id != self.model:
            self.catalog.set_setting("model", model_id)
            self._index = None

    @property
    def next_model(self) -> str | None:
        """The model being indexed in the background to replace `model`, if any."""
        return self.catalog.get_setting("next_model")

    def switch_model(self, model_id: str) -> None:
        """Re-embed the library with `model_id` in the background (see LibraryWorker).

        Searches keep using the current model's vectors until the new model has a vector for
        every photo; then `promote_next_model` swaps them in one transaction.
        """
        if model_id not in MODELS:
            raise LibraryError(f"unknown model {model_id!r}; choose one of: {', '.join(MODELS)}")
        if model_id == self.model:
            self.catalog.delete_setting("next_model")
        else:
            self.catalog.set_setting("next_model", model_id)

    def promote_next_model(self) -> bool:
        """Make the background model current if it has caught up; True if it did."""
        nxt = self.next_model
        if nxt is None or self.catalog.counts(nxt).pending:
            return False
        upcoming = VectorIndex(self.root / "index", self.catalog, nxt)
        if upcoming.needs_rebuild():  # searches must stay fast the moment the swap lands
            upcoming.rebuild()
        self.catalog.swap_setting("model", "next_model")
        self._index = None
        self.catalog.drop_models_except([nxt])  # the old model's vectors are of no more use
        return True

    def embedder(
        self, weights: str | None = None, model: str | None = None, device: str | None = None
    ) -> Embedder:
        """The loaded model (loaded on first use: a second or more), on `device` (default: the
        library's).

        A weights file that loads is remembered for its model, so later queries use it too.
        """
        model = model or self.model
        setting = f"weights.{model}"
        weights = str(Path(weights).expanduser().resolve()) if weights else None
        weights = weights or self.catalog.get_setting(setting)
        try:
            device = pick_device(device or self.device)  # on a CPU, indexing's and queries' agree
            key = (model, weights, device)
            if self._embedder is not None and self._embedder_key == key:
                return self._embedder
            self._embedder = load_embedder(model, device, weights)
        except ModelError as exc:
            raise LibraryError(str(exc)) from None
        self._embedder_key = key
        if weights:
            self.catalog.set_setting(setting, weights)
        return self._embedder

    @property
    def query_device(self) -> str:
        """Where a photo outside the library is embedded: the device the library was opened
        with if one was named, else the CPU. One photo on a GPU would first load PyTorch and
        a GPU context (seconds); the CPU runs the cached graph in well under one."""
        return self.device if self.device not in (None, "auto") else "cpu"

    def ready_cpu_queries(self) -> None:
        """After indexing on a GPU: make sure the graph that queries run on the CPU is exported
        (seconds, once per install), so the first photo dropped onto the app, or given to
        `photofind similar`, needs no PyTorch. Nothing to do where the model already runs on
        the CPU, or has not been loaded."""
        embedder = self._embedder
        if embedder is None or embedder.device == "cpu":
            return
        model = embedder.spec.id
        try:
            load_embedder(model, "cpu", self.catalog.get_setting(f"weights.{model}"))
        except ModelError as exc:
            raise LibraryError(str(exc)) from None

    def use_embedder(self, embedder: Embedder) -> None:
        """Use an embedder loaded elsewhere (benchmarks compare runtimes on one library)."""
        self._embedder = embedder
        self._embedder_key = (
            embedder.spec.id,
            self.catalog.get_setting(f"weights.{embedder.spec.id}"),
            embedder.device,
        )
