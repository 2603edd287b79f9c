# Two commands for a new user:   make run   (opens the app on the bundled sample project)
#                                make test  (installs what it needs and runs the whole test suite)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAMPLE := sample_project/sample.fa
PORT   ?= 8501

.PHONY: run test install sample lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first: the CPU build of this machine's disk, before sentence-transformers can pull a CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# the sample is built in seconds; its code suggestions (minutes) are built by a background process whose progress
# the app shows, so the first page opens at once
$(SAMPLE): $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m toolkit sample $(SAMPLE) --suggest-later lvi84

sample: $(SAMPLE)

run: $(SAMPLE)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(VENV)/bin/streamlit run app/streamlit_app.py \
	  --server.address 127.0.0.1 --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false -- --project $(SAMPLE)

test: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check toolkit app tests bench

bench: $(STAMP)
	$(PY) bench/bench_indexing.py
	$(PY) bench/bench_charting.py

clean:
	rm -rf $(VENV) sample_project
