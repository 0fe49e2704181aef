# The two commands of the README. Everything else lives in scripts/dev.py.
PYTHON ?= python3

.PHONY: run test ensure-db db-url stop-db

run:
	@$(PYTHON) scripts/dev.py run

test:
	@$(PYTHON) scripts/dev.py test $(ARGS)

ensure-db:
	@$(PYTHON) scripts/dev.py ensure-db

db-url:
	@$(PYTHON) scripts/dev.py db-url

stop-db:
	@$(PYTHON) scripts/dev.py stop-db
