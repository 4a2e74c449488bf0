# iop: `make run` serves the app, `make test` checks everything. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WITHDB := $(PY) scripts/withdb.py
CHROMIUM ?= /usr/bin/chromium
# Test processes (pytest-xdist): one test database each, a test file stays in one process
TEST_WORKERS ?= 2
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadfile
export CHROMIUM

.PHONY: install run test lint chromium redis demo-code serve bench clean-db

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

demo-code: install
	@$(WITHDB) '$(PY) manage.py demo_code'

chromium:
	@bash scripts/ensure_chromium.sh

# Debian's redis-server for the two-server test (it starts and stops its own)
redis:
	@bash scripts/ensure_redis.sh

# Production-like local run: DEBUG off, a throwaway secret key, collected static files
# served by whitenoise, gunicorn with gunicorn.conf.py. Plain HTTP on loopback only.
serve: install
	@$(WITHDB) 'export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost \
	  HOST=$(HOST) PORT=$(PORT) SECRET_KEY="$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))")" && \
	  $(PY) manage.py migrate --noinput && \
	  $(PY) manage.py collectstatic --noinput --verbosity 0 && \
	  echo "" && echo "iop (production settings) at http://$(HOST):$(PORT)/  (Ctrl-C stops it)" && echo "" && \
	  exec $(PY) -m gunicorn -c gunicorn.conf.py iop.wsgi'

# Page timings at three data sizes, then a load run under gunicorn; prints one table and
# writes bench/results/latest.md. BENCH_ARGS="--quick" for a short try, "--help" for more.
bench: install
	@case " $(BENCH_ARGS) " in *" --no-load "*) ;; *) bash bench/ensure_wrk.sh ;; esac
	@case " $(BENCH_ARGS) " in *" --cache local "*|*" --cache=local "*) ;; *) bash scripts/ensure_redis.sh ;; esac
	@$(WITHDB) '$(PY) bench/run.py $(BENCH_ARGS)'

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@$(WITHDB) '$(PY) -m mypy'

test: install chromium redis
	@$(WITHDB) '$(PY) -m ruff check . && \
	  $(PY) -m ruff format --check . && \
	  $(PY) manage.py makemigrations --check --dry-run && \
	  $(PY) -m mypy && \
	  $(PY) -m pytest $(PYTEST_ARGS)'

clean-db:
	rm -rf .pgdata
