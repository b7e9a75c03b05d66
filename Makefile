# careteam: `make run` serves the app with demo data, `make test` runs the whole suite on SQLite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := careteam

.PHONY: run reset-demo test test-postgres test-browser bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo clinic's contact details (fictional numbers); a real clinic sets its own.
run: export CARETEAM_CLINIC_PHONE ?= +1 555 0100
run: export CARETEAM_CLINIC_HOURS ?= Monday to Friday, 8:00-18:00
run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data --if-empty
	@$(BIN)/python -m careteam.startup
	$(BIN)/honcho start -f Procfile

# Drop the demo clinic and load it again, dated from today. Refused when the database holds more
# than the demo (flask demo-data --reset --yes deletes everything anyway).
reset-demo: $(STAMP)
	$(BIN)/flask demo-data --reset

test: $(STAMP)
	$(BIN)/pytest -n auto

test-postgres: $(STAMP)
	CARETEAM_TEST_DATABASE_URL=$${CARETEAM_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest -n auto -m "not browser"

test-browser: $(STAMP)
	$(BIN)/pytest -n auto -m browser

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/pdf.py

clean:
	rm -rf $(VENV) .pytest_cache
