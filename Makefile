# The two commands of the README. Everything else is in scripts/.
.PHONY: run test lint setup
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
setup:
	bash scripts/setup.sh
lint:
	pre-commit run --all-files
