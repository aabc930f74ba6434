# The shop's commands. `make help` lists them; `make run` and `make test` set up everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Emailed links need the shop's public address; without SHOP_URL, the one `make run` serves at
# (a shop listening on every interface is named localhost: set SHOP_URL to its real name).
SHOP_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),localhost,$(HOST)):$(PORT)
export FLASK_APP := shop

.DEFAULT_GOAL := help
.PHONY: help run serve worker test test-fast test-browser test-postgres bench translations extract-messages migrate demo backup clean

help: ## List the commands
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

translations: $(VENV)/.runtime ## Compile the .po translations into .mo files
	$(BIN)/pybabel compile -d translations

extract-messages: $(VENV)/.runtime ## Update the .po files from the strings in code and templates
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -N -i translations/messages.pot -d translations

migrate: $(VENV)/.runtime ## Apply database migrations
	$(BIN)/flask db upgrade

demo: migrate ## Load the demo shop if the database is empty
	$(BIN)/flask load-demo --if-empty

# The mail worker runs in the background beside gunicorn and is stopped when gunicorn exits
# (make runs each recipe line in its own shell, hence one line with continuations).
run: translations demo ## Set up everything and serve the shop at http://$(HOST):$(PORT), with the mail worker
	export SHOP_URL='$(SHOP_URL)'; \
	$(BIN)/flask worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c gunicorn-settings.py --workers $(WORKERS) \
	  --bind $(HOST):$(PORT) --access-logfile - 'shop:create_app()'

worker: migrate ## Send queued emails and expire unpaid bank transfers until stopped (make run starts one)
	SHOP_URL='$(SHOP_URL)' $(BIN)/flask worker

test: $(VENV)/.dev translations node_modules/axe-core/axe.min.js ## Run the whole test suite, browser tests included
	$(BIN)/python -m pytest -n auto -q

test-fast: $(VENV)/.dev translations ## Unit and web tests only (no browser)
	$(BIN)/python -m pytest -n auto -q tests/unit tests/web

test-postgres: $(VENV)/.dev translations ## Unit and web tests against a throwaway PostgreSQL server
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -n auto -q tests/unit tests/web

bench: $(VENV)/.dev translations ## Load-test the key pages (N=10000 products by default)
	$(BIN)/python bench/run.py --products $${N:-10000}

backup: $(VENV)/.runtime ## Copy the database to instance/backups/ while the shop runs
	mkdir -p instance/backups
	$(BIN)/flask backup instance/backups/shop-$$(date -u +%Y%m%d-%H%M%S).sqlite

clean: ## Remove the virtualenv and caches (keeps instance/ and its data)
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
