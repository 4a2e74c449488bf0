# iop: `make run` serves the app, `make test` checks everything. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WITHDB := $(PY) scripts/withdb.py
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: install run test lint chromium serve bench clean-db

$(VENV)/.installed: requirements.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed

run: install
	@$(WITHDB) '$(PY) manage.py migrate --noinput && \
	  $(PY) manage.py seed_demo && \
	  echo "" && echo "iop is running at http://$(HOST):$(PORT)/  (Ctrl-C stops it)" && echo "" && \
	  exec $(PY) manage.py runserver --skip-checks $(HOST):$(PORT)'

chromium:
	@bash scripts/ensure_chromium.sh

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

test: install chromium
	@$(WITHDB) '$(PY) -m ruff check . && \
	  $(PY) -m ruff format --check . && \
	  $(PY) manage.py makemigrations --check --dry-run && \
	  $(PY) -m pytest $(PYTEST_ARGS)'

clean-db:
	rm -rf .pgdata
