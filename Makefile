# The two commands of the README. Everything else is in scripts/.
.PHONY: run test test-faults lint setup bench bench-small screenshots
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
# The benchmark suite (tests/benchmarks, docs/benchmarks.md); not part of `make test`.
bench:
	bash scripts/bench.sh full $(BENCH_ARGS)
bench-small:
	bash scripts/bench.sh small
# The user guide's screenshots (docs/guide/images/) from the demo office; HANLING_DB and
# HANLING_URL choose another database or server.
screenshots:
	bash scripts/screenshots.sh $(SHOTS)
