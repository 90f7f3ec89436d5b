# Two entry points (see README): `make run` (the desktop app) and `make test`.
# Each bootstraps its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test screenshot package package-check clean

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

# The Linux artifacts (portable tarball, .deb, AppImage) into dist/, sizes printed;
# packaging/README.md.
$(VENV)/.packaging: $(STAMP)
	$(BIN)/python -m pip install -e '.[package]'
	touch $@

package: $(VENV)/.packaging
	$(BIN)/python packaging/linux/build.py

# Unpack dist/'s artifacts into a temp folder and run them with nothing from .venv: index real
# photos, similar, tags, the app offscreen. Slow (a minute or two), so not part of `make test`.
package-check: $(STAMP)
	$(BIN)/python packaging/check_bundle.py

clean:
	rm -rf $(VENV) build dist
