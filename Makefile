# Two commands do all set-up: `make demo` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CORPUS chooses the corpus for `make demo`, `make lab` (every notebook) and `make dashboard`: a folder of documents.
CORPUS ?= corpora/coproduction
OUT ?= reports/$(notdir $(abspath $(CORPUS)))

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export WORKBENCH_CACHE_DIR ?= $(CURDIR)/.cache/workbench

.PHONY: test-themes-portable setup demo test check lint unit notebooks lab dashboard clean bench

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

demo: setup
	$(BIN)/workbench analyse $(CORPUS) --out $(OUT)
	@echo
	@echo "Outputs are in $(OUT)/: report.html (open it in a browser), the tables as CSV and tables.xlsx,"
	@echo "project.qdpx and codebook.qdc (REFI-QDA, for NVivo, ATLAS.ti, MAXQDA, QualCoder) and manifest.json."
	@echo "Check them: .venv/bin/workbench verify $(OUT)"
	@echo "Explore: 'make lab' (notebooks 01-04) or 'make dashboard' (for a room)."

test: setup
	$(BIN)/python -m pytest tests
	env -u WORKBENCH_CORPUS $(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

# The themes as on another machine: torch's portable kernels, one thread everywhere and an empty cache (so the
# embeddings are made again) and the demo's saved theme model set aside (its curation stays), then notebook 03's
# stored outputs, made on the developers' machine, must come out the same (CI runs this).
THEME_TESTS := tests/analysis/test_themes.py tests/analysis/test_theme_clustering.py
test-themes-portable: setup
	rm -rf $(CURDIR)/.cache/portable $(CURDIR)/models/coproduction/themes/model
	ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
		WORKBENCH_CACHE_DIR=$(CURDIR)/.cache/portable $(BIN)/python -m pytest $(THEME_TESTS) -p no:cacheprovider
	ATEN_CPU_CAPABILITY=default OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
		WORKBENCH_CACHE_DIR=$(CURDIR)/.cache/portable env -u WORKBENCH_CORPUS $(BIN)/python -m pytest --nbval notebooks/03_themes.ipynb \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

# The quick loop while you work (under 2 minutes on 2 cores): lint, then every test not marked slow or browser.
# It uses the existing .venv as it is (make setup installs it); `make test` still runs everything.
check: $(if $(wildcard $(STAMP)),,setup)
	$(MAKE) --no-print-directory lint
	$(BIN)/python -m pytest -m "not slow and not browser" -q -p no:cacheprovider

# ruff, and every notebook in sync with its py:percent source (tools/build_notebooks.py --check).
lint: $(if $(wildcard $(STAMP)),,setup)
	$(BIN)/ruff check src tests tools benchmarks notebooks
	$(BIN)/python tools/build_notebooks.py --check

unit: setup
	$(BIN)/python -m pytest tests

notebooks: setup  # nbval checks the stored outputs, which are the demo's: the corpus setting is left out
	env -u WORKBENCH_CORPUS $(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

lab: setup  # every notebook reads $(CORPUS) (their first cell: CORPUS = None reads WORKBENCH_CORPUS)
	WORKBENCH_CORPUS="$(abspath $(CORPUS))" $(BIN)/jupyter lab notebooks

dashboard: setup  # the dashboard of $(CORPUS)
	WORKBENCH_CORPUS="$(abspath $(CORPUS))" $(BIN)/voila notebooks/dashboard.ipynb --no-browser --Voila.ip=127.0.0.1 --theme=light

clean:
	rm -rf $(VENV) .cache reports

bench: setup  # about 20 min on 2 quiet cores (longer when shared); BENCH_ARGS="--sizes 100000" for one size, "--resume" to finish a run
	$(BIN)/python -m benchmarks.suite $(BENCH_ARGS)
