# The two commands of the README. Everything else is in scripts/.
.PHONY: run test test-faults lint setup
run:
	bash scripts/run.sh
test:
	bash scripts/test.sh
test-faults:
	bash scripts/test_faults.sh
setup:
	bash scripts/setup.sh
lint:
	pre-commit run --all-files
