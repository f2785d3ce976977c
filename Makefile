# Every target builds its own virtual environment from pyproject.toml: nothing is installed by hand.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-quick validation bench backtest-bench project-bench accuracy buffer-check check-report check-html fixtures clean

# The validation municipalities come packed in ../shared/validation (read-only); the tests and targets
# read them unpacked in .validation/ (git-ignored). Idempotent: a second call unpacks nothing.
SHARED ?= ../shared

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/prognose run

validation:
	@if [ -f $(SHARED)/validation/unpack.py ]; then $(PY) $(SHARED)/validation/unpack.py --to .validation >/dev/null; \
	else echo "$(SHARED)/validation is not beside the repository: the tests that read it skip"; fi

# Every test, the slow group (every extract of the validation set) included, on both cores.
test: $(STAMP) validation
	$(BIN)/pytest -n 2

# The same without the slow group, while working.
test-quick: $(STAMP) validation
	$(BIN)/pytest -n 2 -m "not slow"

fixtures: $(STAMP)
	$(BIN)/python fixtures/generate.py

bench: $(STAMP)
	$(BIN)/python fixtures/bench.py

# Accuracy and interval coverage on the demo and three generated municipalities (bench-data/backtest/).
backtest-bench: $(STAMP)
	$(BIN)/python fixtures/backtest_bench.py

# The years ahead: `prognose project` from the ends of 2023 and 2024 against the final accounts and a
# controller's baselines, on the demo (cut by the generator, bench-data/project/) and ../shared/validation.
project-bench: $(STAMP) validation
	$(BIN)/python fixtures/project_bench.py

# Accuracy on the validation municipalities beside the project (../shared/validation), which the
# engine was not built on: the scorer's table for tune and check, then where each miss lies per
# account and component on tune.
accuracy: $(STAMP) validation
	$(BIN)/python fixtures/accuracy.py

buffer-check: $(STAMP)
	$(BIN)/python fixtures/buffer_check.py

# LibreOffice opens the director's report of the demo, recalculates every formula and renders every page (check-report/page-*.png);
# it renders a-lille's too (with --with-citizens) and fails on a page of fewer than five lines or a chart not whole on its page.
# Needs LibreOffice (Debian: apt-get install libreoffice-calc); exits 3 saying so when it is absent.
check-report: $(STAMP)
	$(BIN)/python fixtures/check_report.py

# Headless Chromium renders the demo's run, diff and activity pages (-o FILE.html) to check-html/*.png.
# Needs Chromium (Debian: apt-get install chromium); exits 3 saying so when it is absent.
check-html: $(STAMP)
	$(BIN)/python fixtures/check_html.py

clean:
	rm -rf $(VENV) bench-data
