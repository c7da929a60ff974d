# exportwatch: `make run` and `make test` are all a fresh clone needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= data/exportwatch.db
CORPUS ?= corpus
PYTEST_ARGS ?=
PORT ?= 8001            # make serve PORT=8002
SIZES ?= 1000,10000     # make bench SIZES=200,2000 (document counts)
BASE_URL ?=             # make update BASE_URL=http://127.0.0.1:8000 (a local mirror of the sources)
DELAY ?=                # make update DELAY=0 (seconds between requests to one host)

.PHONY: install models run test serve bench update fuzz browser clean train

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The spaCy pipelines are built from models/src (config, patterns, vocabularies) and the
# components in pipeline/extract; rebuilt when any source is newer than the built pipeline.
MODEL_SOURCES := $(shell find models/src pipeline/extract -type f -not -name '*.pyc' 2>/dev/null)
models/exportwatch-zh/meta.json models/exportwatch-en/meta.json &: $(MODEL_SOURCES) $(STAMP)
	$(BIN)/python -m pipeline.extract.build

models: models/exportwatch-zh/meta.json models/exportwatch-en/meta.json

run: models
	$(BIN)/exportwatch run --corpus $(CORPUS) --db $(DB)

# The import layering (pyproject.toml [tool.importlinter]) first: a stage importing a later one fails
# the build before any test runs.
test: models
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

serve: models
	test -f $(DB) || $(BIN)/exportwatch run --corpus $(CORPUS) --db $(DB) -q
	$(BIN)/exportwatch serve --db $(DB) --port $(strip $(PORT))

bench: models
	$(BIN)/exportwatch bench --sizes $(strip $(SIZES)) --out bench.json

# Live run for cron/systemd: fetch the sources, then extract, diff, alert. One at a time
# (flock on data/update.lock; a second run exits non-zero), appends to data/update.log.
update: models
	$(BIN)/exportwatch update --db $(DB) --lock data/update.lock --log data/update.log \
		$(if $(strip $(BASE_URL)),--base-url $(strip $(BASE_URL))) $(if $(strip $(DELAY)),--delay $(strip $(DELAY)))

# Longer reliability runs than `make test`: new random inputs each time (2,000 examples per fuzz
# test unless EXPORTWATCH_FUZZ_EXAMPLES says otherwise), 60 SIGKILLs on the full corpus.
fuzz: models
	EXPORTWATCH_FUZZ_RANDOM=1 EXPORTWATCH_FUZZ_EXAMPLES=$${EXPORTWATCH_FUZZ_EXAMPLES:-2000} \
	EXPORTWATCH_CRASH_KILLS=$${EXPORTWATCH_CRASH_KILLS:-60} EXPORTWATCH_CRASH_CORPUS=full \
	$(BIN)/python -m pytest -q -s tests/test_fuzz_parsers.py tests/test_fuzz_extract.py tests/test_crash_safety.py $(PYTEST_ARGS)

clean:
	rm -rf data bench.json models/exportwatch-zh models/exportwatch-en tests/artifacts .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
