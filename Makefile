# The two commands a fresh machine needs: `make demo` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

.PHONY: install demo test bench evaluate
install: $(STAMP)

demo: $(STAMP)
	$(BIN)/tisguard demo

test: $(STAMP)
	bash scripts/test.sh

evaluate: $(STAMP)
	$(BIN)/tisguard evaluate datasets/dev/test.jsonl --registry datasets/dev/registry.csv

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scan.py
	$(BIN)/python benchmarks/bench_ingest.py
