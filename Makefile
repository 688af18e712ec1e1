# One task runner for developers and CI alike.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test lint format bench bench-load install assets migrate seed serve clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static/govuk/portal.css: node_modules/.package-lock.json static/scss/portal.scss
	npm run --silent build

assets: static/govuk/portal.css

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py load_demo --history

# PORT reaches the settings, whose default PORTAL_BASE_URL (links in e-mails) follows it; honcho
# gives each process its own PORT, so the worker and beat are told the web's address outright.
run: install assets seed
	@if [ -n "$$REDIS_URL" ]; then \
		PORT=$(PORT) PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}" \
			$(VENV)/bin/honcho start -f Procfile.dev; \
	else \
		PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT); \
	fi

test: export DEBUG = 0
test: install assets
	$(VENV)/bin/pytest -n 2 --dist loadgroup

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	DEBUG=0 $(PY) -m bench

# 50 data leads and 5 approvers against gunicorn and PostgreSQL (DATABASE_URL) for SECONDS,
# with hostile uploads alongside: no 5xx, nothing lost or duplicated, sign-in p95 under 1 s.
SECONDS ?= 60
bench-load: install assets
	$(PY) -m bench.load --seconds $(SECONDS)

clean:
	rm -rf $(VENV) node_modules static/govuk var/staticfiles
