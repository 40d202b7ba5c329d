# Two commands: `make run` (set up, migrate, demo data, serve) and `make test` (set up, lint, test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app justice_tracker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test lint format migrate demo clean bench bench-scale

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# SQLite always; with TEST_DATABASE_URL set, the database-backed tests run again against it.
test: lint
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again against $${TEST_DATABASE_URL%%@*}@…"; \
		$(BIN)/pytest --ignore=tests/timeline --ignore=tests/rules; \
	fi

# Not a test: render times of each PDF for a case with 60 events (target: case summary under 1 s).
bench: install
	$(BIN)/python bench/bench_documents.py

# Not a test: every scale benchmark on SQLite and PostgreSQL at 10,000 and 100,000 cases (about an
# hour); results in bench/results/ and the tables of bench/RESULTS.md. BENCH_ARGS narrows it, e.g.
# BENCH_ARGS="--sizes 10000 --backends sqlite".
bench-scale: install
	$(BIN)/python bench/bench_scale.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
