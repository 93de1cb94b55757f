# Tilmeld. `make run` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=


.PHONY: run test test-fast lint fmt messages compile-messages install migrate demo worker bench bench-rush bench-api bench-pages bench-invoices bench-staff bench-cluster clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP) compile-messages

compile-messages: $(STAMP)
	cd tilmeld && ../$(BIN)/python ../manage.py compilemessages --verbosity 0

migrate: install
	DJANGO_DEBUG=1 $(BIN)/tilmeld migrate --noinput --verbosity 0

demo: migrate
	TILMELD_SITE_URL="$${TILMELD_SITE_URL:-http://$(HOST):$(PORT)}" DJANGO_DEBUG=1 $(BIN)/tilmeld load_demo

# Serves the demo at http://$(HOST):$(PORT) with SQLite and a background worker for mail.
run: demo
	@echo ""
	@echo "  Tilmeld runs at http://$(HOST):$(PORT)/  (staff: http://$(HOST):$(PORT)/admin/)"
	@echo "  Mails are printed here on the console."
	@echo ""
	@export TILMELD_SITE_URL="$${TILMELD_SITE_URL:-http://$(HOST):$(PORT)}"; \
	DJANGO_DEBUG=1 $(BIN)/tilmeld db_worker --interval 1 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DJANGO_DEBUG=1 $(BIN)/tilmeld runserver $(HOST):$(PORT)

worker: install
	$(BIN)/tilmeld db_worker

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=0 $(BIN)/tilmeld makemigrations --check --dry-run --verbosity 1
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd tilmeld && ../$(BIN)/python ../manage.py makemessages -l da -l en --no-obsolete --add-location file --ignore 'static/*'

bench: install
	$(BIN)/python -m bench.programme

# N registrations by C concurrent users for K seats through gunicorn + PostgreSQL (bench/rush.py).
bench-rush: install
	$(BIN)/python -m bench.rush --requests $(or $(N),2000) --concurrency $(or $(C),64) --capacity $(or $(K),500) $(RUSH_ARGS)

# The public pages (event page, front page, news article, registration form) at 16 connections
# next to a constant-response view on the same server, directly and through nginx (deploy/);
# PAGES_ARGS=--during-rush adds a rush.
bench-pages: install
	$(BIN)/python -m bench.pages --requests $(or $(N),2000) --concurrency $(or $(C),64) --capacity $(or $(K),500) $(PAGES_ARGS)

# The same rush through the REST API (JSON, a token, an Idempotency-Key each), then the read
# endpoints' rate at 16 connections (bench/api.py).
bench-api: install
	$(BIN)/python -m bench.api --requests $(or $(N),2000) --concurrency $(or $(C),64) --capacity $(or $(K),500) $(API_ARGS)

# Two app hosts behind nginx sharing PostgreSQL, Redis and a bucket: the rush, a staff change
# seen on the other host, and the rush again with one host killed halfway (bench/cluster.py).
bench-cluster: install
	$(BIN)/python -m bench.cluster --requests $(or $(N),2000) --concurrency $(or $(C),64) --capacity $(or $(K),500) $(CLUSTER_ARGS)

# N invoices issued and rendered (PDF, OIOUBL, Peppol), and a sample validated by the official rules.
bench-invoices: install
	$(BIN)/python -m bench.invoices --count $(or $(N),1000) $(INVOICE_ARGS)

# The staff pages of one event with N participants on PostgreSQL (bench/staff.py): the admin
# participant list, the dashboard, the check-in search and the CSV export against the targets.
bench-staff: install
	$(BIN)/python -m bench.staff --participants $(or $(N),50000) $(STAFF_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
