# medcodes: the two commands a newcomer needs are `make run` and `make test` (see README.md).
SOURCES ?= $(abspath ../shared/data)
CATALOG ?= var/medcodes.db
VENV    ?= .venv
PYTHON  ?= python3
BIN      = $(VENV)/bin

CLIENTS  = tests/web/clients

.PHONY: run build serve test lint browser bench test-llm

$(BIN)/medcodes: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q src  # bytecode now: start-up stays fast even where PYTHONDONTWRITEBYTECODE is set
	touch $@

## run: set up, build the catalog from the official files, and serve the site on :8000
run: build serve

build: $(BIN)/medcodes
	MEDCODES_SOURCES=$(SOURCES) $(BIN)/medcodes build --catalog $(CATALOG)

serve: $(BIN)/medcodes
	$(BIN)/medcodes serve --catalog $(CATALOG)

## browser: Debian's chromium for the page tests (Playwright drives it; nothing is downloaded),
## wrk and nginx for the load and failover tests
browser:
	@command -v chromium >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium wrk nginx; }

## clients: the real client libraries the browser tests load (npm ci from the lock file)
$(CLIENTS)/node_modules/.package-lock.json: $(CLIENTS)/package-lock.json
	cd $(CLIENTS) && npm ci --no-audit --no-fund --loglevel=error

lint: $(BIN)/medcodes
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

## test: lint, then every test (builds the real catalog once from $(SOURCES))
test: $(BIN)/medcodes browser $(CLIENTS)/node_modules/.package-lock.json lint
	MEDCODES_SOURCES=$(SOURCES) $(BIN)/pytest -q

bench: $(BIN)/medcodes
	MEDCODES_SOURCES=$(SOURCES) $(BIN)/python bench/build.py
	$(BIN)/python bench/search.py --catalog $(CATALOG)

## test-llm: the real local-LLM explainer path (llama-cpp-python + pinned Qwen2.5 0.5B GGUF) on
## J9039; slow (the first run compiles llama-cpp-python) and not part of `make test`
test-llm: $(BIN)/medcodes
	MEDCODES_CATALOG=$${MEDCODES_CATALOG:-$(abspath $(CATALOG))} PATH=$(abspath $(BIN)):$$PATH scripts/llm_e2e.sh
