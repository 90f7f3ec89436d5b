# Two entry points (see README): `make run PHOTOS=DIR` and `make test`.
# Each bootstraps its own virtual environment in .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PHOTOS ?= $(HOME)/Pictures

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

# Index PHOTOS with the bundled model, then show the photos most similar to one of them.
run: $(STAMP)
	$(BIN)/photofind index "$(PHOTOS)"
	@query="$${QUERY:-$$(find "$(PHOTOS)" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' -o -iname '*.heic' \) -not -path '*/.*' | sort | head -n 1)}"; \
	if [ -n "$$query" ]; then \
		echo "Most similar to $$query:"; $(BIN)/photofind similar "$$query" -k 5; \
		echo "Tags:"; $(BIN)/photofind tags "$$query"; \
	fi

test: $(STAMP)
	$(BIN)/python -m ruff check photofind tests benchmarks
	$(BIN)/python -m ruff format --check photofind tests benchmarks
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV)
