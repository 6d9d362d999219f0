# Stadtstimme. `make run` starts everything on the embedded default; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST := $(BIN)/pytest -q -p no:cacheprovider
LINTED := shared services stadtstimme tests bench

.PHONY: install run test lint unit unit-browser integration integration-kafka integration-tansu chaos chaos-short handbook bench contracts clean \
	widget browser

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $@

# The citizen feedback widget (widget/): esbuild from widget/package-lock.json, rebuilt only when its sources change.
WIDGET_STAMP := widget/dist/.stamp
$(WIDGET_STAMP): $(shell find widget/src -type f 2>/dev/null) shared/widget_messages.json widget/package.json widget/package-lock.json widget/build.mjs
	cd widget && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd widget && node build.mjs
	touch $@

widget: $(WIDGET_STAMP)

install: $(STAMP) widget

run: install
	$(BIN)/stadtstimme run

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy shared services stadtstimme
	$(BIN)/stadtstimme contracts export --check

unit: install
	$(PYTEST) tests/unit

# One integration suite, run once per broker: Apache Kafka (KRaft, from Maven Central jars) and Tansu. `integration`
# runs both at once (each with its own PostgreSQL and broker directory; the tests mostly wait on brokers and
# subprocesses), printing each pass's output when it ends; the slowest tests are listed for the time budget.
integration-kafka: install
	STADTSTIMME_TEST_BROKER=kafka STADTSTIMME_TEST_VAR=var/test-kafka $(PYTEST) --durations=15 tests/integration

integration-tansu: install
	STADTSTIMME_TEST_BROKER=tansu STADTSTIMME_TEST_VAR=var/test-tansu $(PYTEST) --durations=15 tests/integration

integration: install
	$(MAKE) -j2 --output-sync=target integration-kafka integration-tansu

# The staff handbook's pictures (docs/handbuch/), taken by its browser test against make run's demo city.
handbook: install
	STADTSTIMME_TEST_BROKER=kafka STADTSTIMME_HANDBOOK_DIR=docs/handbuch STADTSTIMME_TEST_VAR=var/test-handbook $(PYTEST) tests/integration/test_handbook.py

# The widget in headless Chromium (/usr/bin/chromium): flow, keyboard, axe-core, CSP, privacy, hostile pages.
browser: install
	$(PYTEST) tests/browser

# Faults under load on a three-node Apache Kafka cluster (tests/chaos): `chaos` runs the full version and prints its
# table; `chaos-short` (part of `test`) the same faults once each, with short load phases. Own PostgreSQL and brokers.
chaos: install
	STADTSTIMME_CHAOS=full STADTSTIMME_TEST_VAR=var/test-chaos $(PYTEST) tests/chaos

chaos-short: install
	STADTSTIMME_CHAOS=short STADTSTIMME_TEST_VAR=var/test-chaos $(PYTEST) tests/chaos

# The unit and browser tests run beside the two integration passes, which mostly wait on brokers and processes
# (about 4 minutes less than one after the other on 2 cores); then the chaos suite, which wants the machine to itself.
test: lint
	$(MAKE) -j2 --output-sync=target integration unit-browser
	$(MAKE) chaos-short

unit-browser: install
	$(MAKE) unit
	$(MAKE) browser

bench: install
	$(PY) bench/run.py

contracts: install
	$(BIN)/stadtstimme contracts export

clean:
	rm -rf $(VENV) var widget/dist widget/node_modules
