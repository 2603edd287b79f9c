# Two commands for a new user:   make run   (opens the app on the bundled sample project)
#                                make test  (installs what it needs and runs the whole test suite)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAMPLE := sample_project/sample.fa
PORT   ?= 8501

.PHONY: run test test-fast install sample lint bench clean

$(STAMP): pyproject.toml setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first: the CPU build of this machine's disk, before sentence-transformers can pull a CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[team,dev]'
	touch $(STAMP)

install: $(STAMP)

# the sample is built in seconds; its code suggestions (minutes) are built by a background process whose progress
# the app shows, so the first page opens at once
$(SAMPLE): $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m toolkit sample $(SAMPLE) --suggest-later lvi84

sample: $(SAMPLE)

run: $(SAMPLE)
	$(PY) -m toolkit app $(SAMPLE) --port $(PORT)

test: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest

# the quick part: leaves out tests marked slow (the real model, whole sample projects, the wheel, the browser)
test-fast: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check toolkit app tests bench
	$(PY) .ci/typecheck.py

bench: $(STAMP)
	$(PY) bench/bench_indexing.py
	$(PY) bench/bench_charting.py
	$(PY) bench/bench_app_pages.py

clean:
	rm -rf $(VENV) sample_project
