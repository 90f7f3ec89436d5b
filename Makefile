# Two entry points (see README): `make run` (the desktop app) and `make test`.
# Each bootstraps its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

# Open the desktop app on your library (the first run offers your Pictures folder).
run: $(STAMP)
	$(BIN)/photofind

test: $(STAMP)
	$(BIN)/python -m ruff check photofind tests benchmarks docs
	$(BIN)/python -m ruff format --check photofind tests benchmarks docs
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

# The README's screenshots, from the real app under Xvfb (apt-get install xvfb
# libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0). PHOTOS=DIR: a clone of imagenet-sample-images.
screenshot: $(STAMP)
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python docs/screenshots.py $(if $(PHOTOS),--photos "$(PHOTOS)")

clean:
	rm -rf $(VENV)
