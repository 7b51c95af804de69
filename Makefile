# emoflow: `make demo` and `make test` each do all the set-up they need, then the job.
# Set-up is idempotent: system packages are installed only when missing; the virtualenv is synced to uv.lock
# (exact versions, nothing resolved afresh) only when pyproject.toml or uv.lock changed.

PYTHON ?= python3
UV_VERSION := 0.13.8
# uv from PATH when there is one, else a pinned copy installed into .tools/ with pip.
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.emoflow-installed
SYSTEM_PACKAGES := ffmpeg espeak-ng
DEMO_DIR ?= demo

export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 120
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export HF_HUB_OFFLINE ?= 1

.PHONY: help setup system-packages lock-check demo test test-all bench results docs lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-16s %s\n", $$1, $$2}'

setup: system-packages $(STAMP)  ## system packages, virtualenv and install (done by demo and test too)

system-packages:  ## install ffmpeg and espeak-ng when missing
	@missing=""; \
	command -v ffmpeg >/dev/null 2>&1 || missing="$$missing ffmpeg"; \
	command -v espeak-ng >/dev/null 2>&1 || missing="$$missing espeak-ng"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with:  sudo apt-get install -y $(SYSTEM_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

.tools/bin/uv:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "emoflow needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv==$(UV_VERSION)

lock-check: | $(UV)  ## fail when pyproject.toml and uv.lock disagree
	$(UV) lock --check

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --extra dev --python $(PYTHON) --quiet
	$(BIN)/python -m emoflow.core.install_check
	@touch $(STAMP)

demo: setup  ## the pipeline flow on a small corpus of real media: ingest, extract, train, evaluate, query
	$(BIN)/emoflow demo --out $(DEMO_DIR)

test: setup  ## the fast tests: unit and contract tests, small real media (no servers, clusters or long training)
	$(BIN)/python -m pytest -m "not integration and not slow" --durations=10

test-all: setup  ## every test, the integration and slow tiers included (what CI runs)
	$(BIN)/python -m pytest --durations=20

bench: setup  ## run the benchmarks and print their tables (the accuracy ones in their quick form)
	@set -e; for b in benchmarks/bench_*.py; do echo "== $$b"; \
	  case $$b in benchmarks/bench_accuracy.py|benchmarks/bench_real_media.py|benchmarks/bench_fusion.py) \
	    $(BIN)/python $$b --quick;; \
	  *) $(BIN)/python $$b;; esac; done

results: setup  ## the MELD accuracy tables of docs/benchmarks.md: encoders x models x 3 seeds (hours on 2 CPU cores)
	$(BIN)/python benchmarks/bench_accuracy.py --out results-text-encoders.md
	$(BIN)/python benchmarks/bench_accuracy.py --encoders minilm --models dialoguegcn,ar_iigcn,cmcf_agcn,cascla \
	  --out results-graph-models.md
	$(BIN)/python benchmarks/bench_accuracy.py --encoders minilm-ft+nade,minilm-context-ft+nade,mpnet-ft+nade \
	  --models mlp,bc_lstm,mmgcn,amb_dsgdn,ar_iigcn,cmcf_agcn --out results-fine-tuned.md

docs: setup  ## write the docs' option tables from the code and docs/benchmarks.md from benchmarks/results/
	$(BIN)/python docs/option_tables.py
	$(BIN)/python docs/benchmarks_page.py

lint: setup  ## ruff, mypy and the import layers (lint-imports: cli > flows > models > recordings > extractors > storage > core)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:  ## remove the virtualenv, the demo output and caches
	rm -rf $(VENV) .tools $(DEMO_DIR) .pytest_cache .ruff_cache .mypy_cache
