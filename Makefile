# Two commands do all the set-up on a fresh machine (README):
#   make run   - venv, install, demo warehouse if none, start the app on http://localhost:8501
#   make test  - venv, install with test extras, run every test
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_DB ?= data/demo.duckdb
PORT ?= 8501

.PHONY: install run demo test lint bench bench-xlsx bench-pages fresh-check clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed

# Built under a temporary name so that an interrupted build never passes for a finished one.
$(DEMO_DB): | $(VENV)/.installed
	mkdir -p $(dir $@)
	rm -f $@.tmp $@.tmp.wal
	$(PY) -m warehouse demo --db $@.tmp
	mv $@.tmp $@

demo: $(DEMO_DB)

run: install $(DEMO_DB)
	MENTORSHIP_DB=$${MENTORSHIP_DB:-$(DEMO_DB)} $(PY) -m streamlit run dashboard/server.py \
		--server.port $(PORT) --server.headless true

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_xlsx.py
	$(PY) bench/bench_pages.py

# 200,000 staff rows as XLSX and as cp1251 CSV through read, validation and preview (goal: XLSX ≤ 2× CSV).
bench-xlsx: install
	$(PY) bench/bench_xlsx.py

# Every page at city, region and national scale (warehouses cached in bench/out/warehouses).
bench-pages: install
	$(PY) bench/bench_pages.py

# The README's promise on a fresh clone of the committed HEAD, with the time of each step.
fresh-check:
	.ci/fresh-clone-check

clean:
	rm -rf $(VENV) data/demo.duckdb* bench/out .pytest_cache
