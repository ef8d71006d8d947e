# ntmflow — the everyday commands. `make run` and `make test` are the quick start.
SHELL   := /bin/bash
BIN     := bin/ntmflow
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/ntmflow/ntmflow/internal/app.Version=$(VERSION)
GO      ?= go

# The race detector needs cgo and a C compiler; without one the tests still run, without it.
RACE    := $(shell command -v $${CC:-cc} >/dev/null 2>&1 && echo -race)

.PHONY: run build test test-sqlite test-postgres check-test-tools check-tracked chaos fuzz bench lint fmt migrate screenshots clean

## run: build, migrate, load the demo data into a new database, serve on 127.0.0.1:8080
run: build
	$(BIN) migrate up
	$(BIN) seed --demo --if-new
	$(BIN) serve

## build: compile bin/ntmflow (pure Go, no cgo)
build:
	@test -x $(BIN) || echo "==> building ntmflow (the first build downloads modules and compiles for a few minutes; later ones take seconds)"
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ntmflow

## test: every test on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: check-test-tools test-sqlite test-postgres

## check-test-tools: say in one line each what this machine lacks and what is skipped for it
check-test-tools:
	@if [ -z "$(RACE)" ]; then echo "==> no C compiler (cc): running the tests without the race detector (apt-get install gcc to enable it)"; fi
	@if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then \
		echo "==> no Chromium: the browser tests (tools/browsertest) are skipped (apt-get install chromium)"; fi
	@if ! command -v pdftotext >/dev/null 2>&1; then \
		echo "==> no poppler-utils: the certificate text and rendering checks are skipped (apt-get install poppler-utils)"; fi

test-sqlite:
	@echo "==> tests on embedded SQLite"
	env -u TEST_DATABASE_URL $(GO) test $(RACE) -count=1 ./...
	@echo "==> browser tests and tools (tools/, its own module) on embedded SQLite"
	cd tools && env -u TEST_DATABASE_URL $(GO) test $(RACE) -count=1 ./...

test-postgres:
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "==> tests on PostgreSQL ($${TEST_DATABASE_URL%%\?*})"; \
		$(GO) test $(RACE) -count=1 ./... && (cd tools && $(GO) test $(RACE) -count=1 ./...); \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set" >&2; exit 1; \
	else \
		echo "==> PostgreSQL pass skipped: set TEST_DATABASE_URL=postgres://… to run it"; \
	fi

## chaos: the PostgreSQL outage test: write load, its own throwaway cluster stopped for 8 s and
## started again; needs root and postgresql-common (see docs/reliability.md)
chaos:
	NTMFLOW_CHAOS=1 $(GO) test -count=1 -v -run TestPostgresOutage ./internal/chaos/

## fuzz: each fuzz target for FUZZTIME (CI runs a short pass); a crash is kept in testdata/fuzz
FUZZTIME ?= 60s
FUZZ_TARGETS := FuzzDecodeJSON:./internal/server FuzzUploadAttachment:./internal/server \
	FuzzLocalPath:./internal/server FuzzParseNumber:./internal/i18n \
	FuzzDecodeCursor:./internal/store FuzzParseCSV:./internal/units
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do echo "==> $${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) $${t#*:}; done

## bench: Go benchmarks of the hot paths, then the load run on PostgreSQL with
## national-scale data (generated once into BENCH_DATABASE_URL: nominations, commune titles
## and one criteria status per Xã), which rewrites docs/perf.md
BENCH_NOMINATIONS ?= 2000000
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./internal/authz/ ./internal/criteria/ ./internal/nomination/ ./internal/movement/ ./internal/server/ | tee bin/go-bench.txt
	cd tools && $(GO) build -o ../bin/ntmflow-bench ./cmd/ntmflow-bench
	bin/ntmflow-bench -binary $(BIN) -nominations $(BENCH_NOMINATIONS)

## lint: go vet, a gofmt check, and no executables or oversized files in the repository
lint: check-tracked
	$(GO) vet ./...
	cd tools && $(GO) vet ./...
	@unformatted=$$(gofmt -l cmd internal policies web tools); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

check-tracked:
	@bad=$$(git ls-files -z 2>/dev/null | while IFS= read -r -d '' f; do \
		[ -f "$$f" ] || continue; \
		if [ "$$(head -c 4 "$$f" | od -An -c | tr -d ' ')" = "177ELF" ] || [ $$(stat -c %s "$$f") -gt 2097152 ]; then echo "$$f"; fi; \
	done); \
	if [ -n "$$bad" ]; then echo "build outputs or files over 2 MiB are tracked (remove them, see .gitignore):"; echo "$$bad"; exit 1; fi

## fmt: format the code
fmt:
	gofmt -w cmd internal policies web tools

## screenshots: run the browser story in Chromium and save its pages into docs/screenshots
screenshots:
	mkdir -p docs/screenshots
	cd tools && NTMFLOW_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run . ./browsertest/

## migrate: apply pending migrations to the configured database
migrate: build
	$(BIN) migrate up

clean:
	rm -rf bin
