# Shortcuts for the two README commands and a few chores.
.PHONY: run test stop format
run:    ## set everything up and run the portal with demo data
	@bash scripts/run.sh
test:   ## set everything up and run every check and test
	@bash scripts/test.sh
stop:   ## stop the project-local PostgreSQL/Redis, if any were started
	@bash -c 'source scripts/lib.sh && stop_local_services'
format:
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .
