# The two commands of the README. Each makes its own virtual environment and
# installs what it needs, so they work on a fresh machine with Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test browser bench clean

$(BIN)/catalogue: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/catalogue
	$(BIN)/catalogue demo

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
# As root without it, install it; elsewhere the browser tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: the browser tests will skip"; }

test: $(BIN)/catalogue browser
	$(BIN)/python -m pytest

bench: $(BIN)/catalogue
	$(BIN)/python scripts/bench_cut.py
	$(BIN)/python scripts/bench_search.py

clean:
	rm -rf $(VENV) .catalogue media/clips media/films transcripts/clips transcripts/films \
	       media/demo media/demo-*.toml transcripts/demo
