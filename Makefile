# Tongyou: `make run` serves the demo, `make test` runs the whole suite.
# Needs only Python 3.12+ (Django 6), pip and Node/npm on a fresh machine.

VENV      ?= .venv
PY        := $(VENV)/bin/python
PYTHON    ?= $(shell sh scripts/find_python.sh)
MANAGE    := $(PY) manage.py
CHILDREN  ?= 75000
HOST      ?= 127.0.0.1:8000
MQTT_PORT ?= 1884
MQTT_WS_PORT ?= 9001
STAMP     := $(VENV)/.installed

.PHONY: run test test-browser test-production lint messages makemessages assets install demo clean benchmark

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(STAMP) node_modules/.package-lock.json messages
	mkdir -p var

assets: node_modules/.package-lock.json

# Compiled with Babel (pure Python), so GNU gettext is not needed.
messages: $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -D django -d tongyou/locale --statistics 2>&1 | tail -n 2

makemessages: $(STAMP)
	cd tongyou && ../$(PY) ../manage.py makemessages -l zh_Hans -l en --no-obsolete

demo: install
	$(MANAGE) init_keys --if-missing
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) setup_demo --children $(CHILDREN)

run: demo
	@echo "Tongyou is at http://$(HOST)/  (demo accounts above; Ctrl-C stops it)"
	@# The worker widens alerts, sends the outboxes and runs the clocks; it stops with the server.
	@# Links in CAP messages, the feed and e-mails name the address really served (HOST=…).
	@# With Mosquitto installed, the demo runs its own broker: MQTT for the worker and WebSockets
	@# for the public alert app (/alerts/app/), on MQTT_PORT and MQTT_WS_PORT.
	@# The demo runs as it would be deployed (DEBUG off: the project's own 404 and 500 pages, no
	@# query log growing in the worker); runserver --insecure still serves the static files.
	export TONGYOU_PUBLIC_URL=$${TONGYOU_PUBLIC_URL:-http://$(HOST)}; BIND=$$(echo $(HOST) | cut -d: -f1); \
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-0}; \
	if [ "$$BIND" = "0.0.0.0" ]; then export DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-*}; \
	else export DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-$$BIND,127.0.0.1,localhost}; fi; \
	if command -v mosquitto >/dev/null 2>&1 && [ -z "$$TONGYOU_MQTT_URL" ]; then \
	  printf 'listener $(MQTT_PORT) 127.0.0.1\nallow_anonymous true\nlistener $(MQTT_WS_PORT) %s\nprotocol websockets\n' "$$BIND" > var/mosquitto.conf; \
	  mosquitto -c var/mosquitto.conf & BROKER=$$!; \
	  export TONGYOU_MQTT_URL=mqtt://127.0.0.1:$(MQTT_PORT) TONGYOU_MQTT_WS_URL=ws://$$BIND:$(MQTT_WS_PORT)/; \
	else BROKER=; echo "Mosquitto not found: alerts wait in the outbox (apt install mosquitto)"; fi; \
	$(MANAGE) run_worker & WORKER=$$!; trap 'kill $$WORKER $$BROKER' EXIT INT TERM; $(MANAGE) runserver --insecure $(HOST)

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/mypy tongyou
	DJANGO_SETTINGS_MODULE=tongyou.settings.test $(MANAGE) makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: install
	TONGYOU_TEST_DB_FILE=var/test-browser.sqlite3 $(VENV)/bin/pytest -m browser --create-db $(PYTEST_ARGS)

# A production install on PostgreSQL by the documented commands (docs/deployment.md): needs
# PostgreSQL on 127.0.0.1:5432 and Redis on 6379.
test-production: install
	bash deploy/smoke-test.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check .

benchmark: install
	$(PY) -m pip install --quiet -e ".[test,bench]"
	$(PY) -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var
