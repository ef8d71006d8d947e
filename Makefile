# ntmflow — the everyday commands. `make run` and `make test` are the quick start.
SHELL   := /bin/bash
BIN     := bin/ntmflow
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/ntmflow/ntmflow/internal/app.Version=$(VERSION)
GO      ?= go

.PHONY: run build test test-sqlite test-postgres bench lint fmt migrate screenshots clean

## run: build, migrate, load the demo data into a new database, serve on 127.0.0.1:8080
run: build
	$(BIN) migrate up
	$(BIN) seed --demo --if-new
	$(BIN) serve

## build: compile bin/ntmflow (pure Go, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/ntmflow

## test: every test on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set
test: test-sqlite test-postgres

test-sqlite:
	@echo "==> tests on embedded SQLite"
	env -u TEST_DATABASE_URL $(GO) test -race -count=1 ./...

test-postgres:
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "==> tests on PostgreSQL ($${TEST_DATABASE_URL%%\?*})"; \
		$(GO) test -race -count=1 ./...; \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set" >&2; exit 1; \
	else \
		echo "==> PostgreSQL pass skipped: set TEST_DATABASE_URL=postgres://… to run it"; \
	fi

## bench: Go benchmarks of the hot paths, then the load run on PostgreSQL with
## national-scale data (generated once into BENCH_DATABASE_URL), which rewrites docs/perf.md
BENCH_NOMINATIONS ?= 2000000
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./internal/authz/ ./internal/criteria/ ./internal/nomination/ | tee bin/go-bench.txt
	$(GO) run ./cmd/ntmflow-bench -binary $(BIN) -nominations $(BENCH_NOMINATIONS)

## lint: go vet and a gofmt check
lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l cmd internal policies web); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

## fmt: format the code
fmt:
	gofmt -w cmd internal policies web

## screenshots: run the browser story in Chromium and save its pages into docs/screenshots
screenshots:
	mkdir -p docs/screenshots
	NTMFLOW_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run . ./internal/browsertest/

## migrate: apply pending migrations to the configured database
migrate: build
	$(BIN) migrate up

clean:
	rm -rf bin
