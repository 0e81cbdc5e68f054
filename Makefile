# Two commands for a fresh clone: `make run` and `make test`. Everything else is set up on demand.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test setup lint check-python migrate seed messages

help:
	@echo "make run   - set up, migrate, seed the demo district and start web + Celery worker + beat on http://127.0.0.1:$(PORT)"
	@echo "             (sign in at /auth/login/; another port: make run PORT=8001)"
	@echo "make test  - set up and run the whole test suite (DATABASE_URL / REDIS_URL select PostgreSQL / Redis)"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.x)")'

$(VENV)/.installed: requirements.txt requirements-dev.txt | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Bootstrap, its icons and Chart.js come from the npm registry (package-lock.json), never a CDN.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.env:
	@echo "DJANGO_DEBUG=true" > .env
	@echo "Created .env for local development (DJANGO_DEBUG=true)."

# The French catalog (issue 17) is compiled from locale/*/LC_MESSAGES/*.po with polib: no GNU gettext needed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po $(VENV)/.installed
	@$(PY) scripts/i18n.py compile

setup: $(VENV)/.installed node_modules/.installed $(MO_FILES)

# `make run` is development: the settings read .env only when asked (DJANGO_READ_DOT_ENV).
# `make run PORT=8001` serves another port (e-mail links follow it). Ctrl-C stops everything, exit 0.
run: export DJANGO_READ_DOT_ENV = true
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup .env
	@$(PY) manage.py migrate --noinput
	@$(PY) manage.py seed_demo
	@$(PY) manage.py setup_schedules
	@echo ""
	@echo "  Portal:   http://127.0.0.1:$(PORT)/   (sign in at http://127.0.0.1:$(PORT)/auth/login/)"
	@echo "  Logins:   teacher@, teacher2@, principal@, principal2@, comms@, admin@sd.example"
	@echo "            password demo-pass-1311 for all; the Django admin is at /admin/ (admin@sd.example)"
	@echo "  E-mails:  written to var/mail/      Another port: make run PORT=8001"
	@echo "  Ctrl-C stops the web server, the Celery worker and beat."
	@echo ""
	@WEB_PORT=$(PORT) $(PY) scripts/run_dev.py

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

# Refresh the catalogs from the sources after marking strings (needs GNU gettext), then translate them.
messages: setup
	$(PY) scripts/i18n.py extract
	$(PY) scripts/i18n.py check

lint: setup
	$(VENV)/bin/ruff check .
