# The two commands of the README. Everything else lives in scripts/dev.py (and scripts/fuzz.py).
PYTHON ?= python3

.PHONY: run test fuzz ensure-db db-url stop-db

run:
	@$(PYTHON) scripts/dev.py run

test:
	@$(PYTHON) scripts/dev.py test $(ARGS)

# Schemathesis over every operation of the OpenAPI schema, against a live server (docs/api.md).
fuzz:
	@$(PYTHON) scripts/fuzz.py $(ARGS)

ensure-db:
	@$(PYTHON) scripts/dev.py ensure-db

db-url:
	@$(PYTHON) scripts/dev.py db-url

stop-db:
	@$(PYTHON) scripts/dev.py stop-db
