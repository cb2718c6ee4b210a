# One command runs the main job, one runs all tests; each sets itself up.
#   make run    execute every session notebook for the default member (build/<member>/)
#   make test   the whole test suite (lint, library, notebooks, exercises, datasets)
#   make lab    JupyterLab on this repository with the project's environment
#   make slides offline reveal.js slides of every session (build/slides/; docs/PRESENTING.md)
#   make data   rebuild the synthetic cohort in datasets/
#   make bench  the 1,000,000-line pipeline benchmark

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
MEMBER ?= cedar_valley
OUT    ?= build
# pytest-xdist workers; 2 cores on the reference machines
JOBS   ?= 2

.PHONY: run test lab slides data bench lint clean preflight

# (Re)create the environment only when pyproject.toml changed.
$(STAMP): pyproject.toml
	@echo ">> setting up $(VENV) (first run takes a few minutes)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -m pip install --quiet -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	@$(BIN)/python -c "import cohort_helpers, papermill, nbval" \
		|| { echo "set-up failed: see the pip messages above"; exit 1; }
	@$(BIN)/python -m cohort_helpers.course.homework.errors >/dev/null
	@$(BIN)/python -m cohort_helpers.widgets.static >/dev/null
	@touch $(STAMP)

# Fails within seconds, before any set-up, when reference data can't be had.
preflight:
	@PYTHONPATH=. $(PYTHON) -m cohort_helpers.data preflight

run: preflight $(STAMP)
	$(BIN)/cohort run --member $(MEMBER) --out $(OUT)/$(MEMBER)
	@if $(BIN)/python -c "import cohort_helpers.course.exercises" 2>/dev/null; then \
		$(BIN)/cohort exercises answer-keys --member $(MEMBER) --out $(OUT)/answer_keys; fi

lint: $(STAMP)
	$(BIN)/ruff check .

# Two runs: library tests and nbval (one file per worker: nbval runs a notebook's
# cells in one kernel), then the papermill runs of every notebook for every member,
# spread over the workers one by one.
test: $(STAMP)
	$(BIN)/ruff check .
	MPLBACKEND=Agg $(BIN)/python -m pytest -n $(JOBS) --dist loadfile -m "not notebooks" \
		--nbval-lax --nbval-current-env -p no:cacheprovider --ignore=tests/fixtures \
		tests notebooks solutions
	MPLBACKEND=Agg $(BIN)/python -m pytest -n $(JOBS) --dist load -m notebooks \
		-p no:cacheprovider --ignore=tests/fixtures tests

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=.

# Offline slides, one deck per session, for $(MEMBER): reuses the executed notebooks of
# `make run` in $(OUT)/$(MEMBER)/ when they are newer than the notebooks, else runs them.
# reveal.js & co. come from npm once (user cache), then the build needs no network.
slides: $(STAMP)
	$(BIN)/python -m cohort_helpers.slides --member $(MEMBER) --out $(OUT)/slides

data: $(STAMP)
	$(BIN)/cohort datasets build

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_pipeline.py

clean:
	rm -rf $(OUT) .pytest_cache
