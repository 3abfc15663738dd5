# Two commands do all set-up: `make demo` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpora/coproduction
OUT ?= reports/coproduction

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export WORKBENCH_CACHE_DIR ?= $(CURDIR)/.cache/workbench

.PHONY: setup demo test unit notebooks lab clean bench

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

demo: setup
	$(BIN)/workbench analyse $(CORPUS) --out $(OUT)
	@echo
	@echo "Outputs are in $(OUT)/: segments.csv, phrases.csv, phrase_occurrences.csv, family_variants.csv,"
	@echo "themes.csv, segment_themes.csv, theme_quotes.csv, keyness.csv and manifest.json."
	@echo "Explore interactively: 'make lab', then open notebooks/01_corpus.ipynb, 02_phrases.ipynb or 03_themes.ipynb."

test: setup
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

unit: setup
	$(BIN)/python -m pytest tests

notebooks: setup
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lab: setup
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf $(VENV) .cache reports

bench: setup
	$(BIN)/python -m benchmarks.bench_concordance
