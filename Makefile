# Remote MCP on Azure Functions, in Go.
#   make start   run the MCP server locally (Azurite included)
#   make test    every test: unit, contract, function app, end to end, infra checks
#   make bench   benchmarks (never part of make test)
# See README.md.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
APP_DIR  := build/app
BINARY   := handler
DIST     := dist/app.zip

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# --- set-up -------------------------------------------------------------------

.PHONY: deps
deps: go-deps node_modules/.package-lock.json ## install Go modules and pinned Node tools

.PHONY: go-deps
go-deps:
	@$(GO) mod download

# npm ci only when package-lock.json changed since the last install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# --- build --------------------------------------------------------------------

.PHONY: build
build: go-deps ## build the handler (linux/amd64, static) and stage the function app in build/app
	@rm -rf $(APP_DIR) && mkdir -p $(APP_DIR)
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 $(GO) build -trimpath -ldflags='-s -w' -o $(APP_DIR)/$(BINARY) ./handler
	cp host.json local.settings.json $(APP_DIR)/
	cp -r functions/. $(APP_DIR)/

# --- checks -------------------------------------------------------------------

.PHONY: test
test: deps lint ## run every test
	$(GO) test -count=1 ./...

.PHONY: lint
lint: go-deps ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

.PHONY: fuzz
fuzz: go-deps ## fuzz the host-encoding decoder for a bounded time (FUZZTIME=30s)
	$(GO) test ./internal/invoke -run '^$$' -fuzz '^FuzzDecodeString$$' -fuzztime $(or $(FUZZTIME),30s)

.PHONY: bench
bench: deps ## benchmarks: per-tool invocation, binary size, cold start
	$(GO) test ./internal/... -run '^$$' -bench . -benchmem -count 1
