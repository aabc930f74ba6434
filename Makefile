# The shop's commands. `make help` lists them; `make run` and `make test` set up everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# DEMO=0: a shop of your own, without the demo (make run DEMO=0).
DEMO ?= 1
# Test mode (the test card, and a banner on every page saying no real payments are taken): on for
# the demo, off for a shop of your own unless PAYMENTS_TEST_MODE=1 is set.
PAYMENTS_TEST_MODE ?= $(if $(filter 0,$(DEMO)),0,1)
# Emailed links need the shop's public address; without SHOP_URL, the one `make run` serves at
# (a shop listening on every interface is named localhost: set SHOP_URL to its real name).
SHOP_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),localhost,$(HOST)):$(PORT)
export FLASK_APP := shop

.DEFAULT_GOAL := help
.PHONY: help run serve worker test test-fast test-browser test-postgres test-multihost bench bench-dashboard bench-cpu bench-scale translations extract-messages migrate demo setup backup restore upgrade upgrade-installed clean

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

# Without a terminal (CI, a service) init prints how to create the account instead of waiting.
setup: $(VENV)/.runtime ## Migrate and ask for the first merchant account if there is none; no demo
	SHOP_URL='$(SHOP_URL)' $(BIN)/flask init --if-terminal

# The mail worker runs in the background beside gunicorn and is stopped when gunicorn exits
# (make runs each recipe line in its own shell, hence one line with continuations).
run: translations $(if $(filter 0,$(DEMO)),setup,demo) ## Set up and serve at http://$(HOST):$(PORT) with the mail worker; DEMO=0: your own shop, no demo
	export SHOP_URL='$(SHOP_URL)' PAYMENTS_TEST_MODE='$(PAYMENTS_TEST_MODE)'; \
	$(BIN)/flask worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c gunicorn-settings.py --workers $(WORKERS) \
	  --bind $(HOST):$(PORT) --access-logfile - 'shop:create_app()'

worker: migrate ## Run the background jobs (emails, expiries, imports) until stopped; as many as you like (make run starts one)
	SHOP_URL='$(SHOP_URL)' $(BIN)/flask worker

test: $(VENV)/.dev translations node_modules/axe-core/axe.min.js ## Run the whole test suite, browser tests included
	$(BIN)/python -m pytest -n auto -q

test-fast: $(VENV)/.dev translations ## Unit and web tests only (no browser)
	$(BIN)/python -m pytest -n auto -q tests/unit tests/web

test-postgres: $(VENV)/.dev translations ## Unit and web tests against a throwaway PostgreSQL server
	bash scripts/with-postgres.sh $(BIN)/python -m pytest -n auto -q tests/unit tests/web

# Two gunicorn hosts and two workers on one throwaway PostgreSQL and Redis (tests/multihost).
test-multihost: $(VENV)/.dev translations ## Two app servers and two workers on one PostgreSQL and Redis: changes, stock, email and limits across hosts
	TEST_MULTIHOST=1 bash scripts/with-postgres.sh $(BIN)/python -m pytest -p no:xdist -q tests/multihost

bench: $(VENV)/.dev translations ## Load-test the key pages (N=10000 products by default), then the dashboard over 100,000 orders
	$(BIN)/python bench/run.py --products $${N:-10000}
	$(BIN)/python bench/dashboard.py

bench-dashboard: $(VENV)/.dev translations ## The back office's dashboard over 100,000 orders (ORDERS=...), median of 20 requests
	$(BIN)/python bench/dashboard.py --orders $${ORDERS:-100000}

bench-cpu: $(VENV)/.dev translations ## CPU per request of the cached first-visit pages over the bare endpoint's, in one process
	$(BIN)/python bench/cpu.py

bench-scale: $(VENV)/.dev translations ## Pages built from the database at 1k/10k/100k products (SIZES=..., DATABASE=postgres)
	$(BIN)/python bench/run.py --scale $${SIZES:-1000,10000,100000} --database $${DATABASE:-sqlite} \
	  --duration $${DURATION:-5} --warmup 1

# A server keeps its data outside the code (INSTANCE_PATH, set by deploy/moonjar.env.example).
BACKUP_DIR := $(or $(INSTANCE_PATH),instance)/backups
# KEEP=14: then delete all but the 14 newest archives (what deploy/moonjar-backup.service runs).
backup: $(VENV)/.runtime ## Archive the database and photos into instance/backups/ (INSTANCE_PATH/backups) while the shop runs
	$(BIN)/flask backup '$(BACKUP_DIR)/' $(if $(KEEP),--keep $(KEEP))

# Into a stopped shop; asks for a typed yes (YES=1 does not ask).
restore: $(VENV)/.runtime ## Put a backup back: make restore ARCHIVE=instance/backups/shop-....tar.gz
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=instance/backups/shop-YYYYMMDD-HHMMSS.tar.gz" >&2; exit 2; }
	$(BIN)/flask restore $(if $(filter 1,$(YES)),--yes) '$(ARCHIVE)'

# The code is pulled first, then a new make reads the pulled Makefile for the other steps.
upgrade: ## Update to the newest code: git pull, install requirements, back up, migrate
	git pull --ff-only
	$(MAKE) --no-print-directory upgrade-installed

upgrade-installed:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(VENV)/.runtime
	$(BIN)/pybabel compile -d translations
	@if [ -n "$$DATABASE_URL" ] || [ -f '$(or $(INSTANCE_PATH),instance)/shop.sqlite' ]; then \
	  $(BIN)/flask backup '$(BACKUP_DIR)/'; \
	else echo "No database yet: nothing to back up."; fi
	$(BIN)/flask db upgrade
	@echo
	@echo "Upgraded. Restart the shop so that it runs the new code:"
	@echo "  under systemd:  sudo systemctl restart moonjar-web moonjar-worker"
	@echo "  with make run:  stop it (Ctrl+C) and run make run again"

clean: ## Remove the virtualenv and caches (keeps instance/ and its data)
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
