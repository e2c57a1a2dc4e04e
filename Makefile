# The two commands of the README. Each makes its own virtual environment and
# installs what it needs, so they work on a fresh machine with Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench clean

$(BIN)/catalogue: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/catalogue
	$(BIN)/catalogue demo

test: $(BIN)/catalogue
	$(BIN)/python -m pytest

bench: $(BIN)/catalogue
	$(BIN)/python scripts/bench_cut.py

clean:
	rm -rf $(VENV) .catalogue media/clips media/films transcripts/clips transcripts/films \
	       media/demo media/demo-*.toml transcripts/demo
