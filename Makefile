# Remote MCP on Azure Functions, in Go.
#   make start       run the MCP server locally (Azurite included)
#   make test-unit   the unit tests: quick, no Azurite, no Node
#   make test        every test: unit, contract, function app, end to end, infra checks
#   make bench       benchmarks (never part of make test)
# See README.md.

# bash from PATH, not /bin/bash: on Windows GNU make finds Git Bash's.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO       ?= go
# Windows runs programs by their extension.
EXE      := $(if $(filter windows,$(shell $(GO) env GOOS)),.exe)
APP_DIR  := build/app
DIST     := dist/app.zip

.PHONY: help
help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# --- set-up -------------------------------------------------------------------

# make start installs only what a local run needs (the Go modules go build
# fetches; Azurite and the MCP Inspector: package nodetool); the rest waits
# for make test.
TEST_TOOLS := mcpfunc/internal/nodetool/testtools
NODE_ALL   := node_modules/.installed-all

.PHONY: deps
deps: go-deps $(NODE_ALL) ## install the Go modules and every pinned Node tool, the tests' too

.PHONY: go-deps
go-deps:
	@$(GO) mod download

# Every pinned Node tool, the tests' too (the workspace TEST_TOOLS: the MCP
# conformance suite, Node 22 for it, tree-sitter, and for the MCP App's
# browser test playwright-core, esbuild, MCP Apps' host bridge and a
# headless Chromium for Linux x64): npm ci when a manifest
# or the lock changed since. npm ci empties node_modules first, so a later
# install of fewer tools (make start's) removes this mark too.
$(NODE_ALL): package.json package-lock.json $(TEST_TOOLS)/package.json
	@echo "installing every pinned Node tool, the tests' too (npm ci): Azurite, the MCP Inspector, the MCP conformance suite, Node 22, tree-sitter, and for the MCP App's browser test playwright-core, esbuild, MCP Apps' host bridge, a headless Chromium (Linux x64)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# --- build --------------------------------------------------------------------

# build, start and package generate first (the handler's -generate, as
# make generate does): a forgotten make generate cannot run or ship an app
# without its newest functions.
.PHONY: build
build: ## generate, build the handler for this machine and stage the function app in build/app (for func start, devhost)
	$(GO) run ./mcpfunc/cmd/pack -local -app $(APP_DIR)

.PHONY: generate
generate: ## write functions/<name>/function.json and host.json's MCP block from the app's Go declarations (app/app.go)
	$(GO) run ./handler -generate

.PHONY: check-generated
check-generated: ## say where functions/ and host.json differ from the app's Go declarations; fail if they do
	$(GO) run ./handler -check

# --- deploy -------------------------------------------------------------------

# The same steps as azd's prepackage hook (azure.yaml).
.PHONY: package
package: ## generate, build for linux/amd64, stage in build/package and pack the deployment package dist/app.zip
	$(GO) run ./mcpfunc/cmd/pack -build -out $(DIST)

.PHONY: deploy
deploy: ## provision Azure and deploy with azd up (needs azd >= 1.20 and az login)
	@command -v azd >/dev/null || { echo "azd not found: install the Azure Developer CLI 1.20 or later (https://aka.ms/azd-install)"; exit 1; }
	AZD_ALPHA_ENABLE_LANGUAGE_CUSTOM=true azd up

# --- verify a running server ------------------------------------------------

# The handler's -verify: what the server at URL lists is checked against
# the app's declarations, and their probes run (docs/deploy.md#verify-a-deployment).
# The key reaches it in the environment (MCP_KEY), never on a command
# line, which process lists show; KEY unset leaves an MCP_KEY you
# exported. Exit status: 0 pass, 1 a check failed, 2 a bad URL.
.PHONY: verify
verify: export MCP_KEY := $(or $(KEY),$(MCP_KEY))
verify: ## check a running MCP server against the app's declarations, running their probes: make verify URL=<MCP endpoint> [KEY=<key>]
	@test -n "$(URL)" || { echo "usage: make verify URL=<MCP endpoint> [KEY=<key>], such as URL=http://localhost:7071/runtime/webhooks/mcp (make start) or URL=https://<app>.azurewebsites.net/mcp (self hosting)"; exit 2; }
	@$(GO) run ./handler -verify '$(URL)'

# --- run locally --------------------------------------------------------------

# mcpfunc/cmd/start does it all, on every OS (`go run ./mcpfunc/cmd/start`
# without make): npm ci of the tools it runs when needed, generates, builds
# and stages build/app for this machine, Azurite (data in .azurite/), then
# `func start` in build/app when func is on PATH, else devhost, the local
# stand-in for the Functions host. Ctrl+C stops what it started.
# MCP_EXTENSION_KEY=… turns devhost's key mode on.
# Built, then exec'd: make passes a SIGTERM (an IDE stopping the task) on to
# its child, which `go run` would not. Built as the handler is (static,
# -trimpath: package apppkg), so that the packages they share, most of
# them, compile once.
.PHONY: start
start: ## run the MCP server locally on :7071 (Azurite included; func or devhost)
	@test -x build/start$(EXE) || echo "start: building the start command (go build ./mcpfunc/cmd/start; on a fresh clone it first downloads and compiles the Go modules it uses: a minute or two)"
	@CGO_ENABLED=0 $(GO) build -trimpath -o build/start$(EXE) ./mcpfunc/cmd/start
	@exec build/start$(EXE)

# --- checks -------------------------------------------------------------------

.PHONY: test
test: deps lint cross ## run every test
	$(GO) test -race -count=1 ./...

# The unit tests, quick: -short skips a test that needs Azurite (package
# testenv), and the packages that are all end-to-end tests, Node tools or
# the deployment's checks are left out. Nothing to install first.
UNIT_LEFT_OUT := /mcpfunc/internal/(e2e|testenv|azurite|nodetool|deploycheck)$$
.PHONY: test-unit
test-unit: ## run the unit tests: no Azurite, no Node, no end-to-end tests (well under a minute)
	$(GO) test -short -count=1 $$($(GO) list ./... | grep -Ev '$(UNIT_LEFT_OUT)')

.PHONY: lint
lint: go-deps ## gofmt, go vet, staticcheck (this machine); the CI workflow (actionlint); functions/ and host.json generated
	@# The Go files git knows or would add (a deleted one is gone, a new one counts).
	@out=$$(gofmt -l $$( { git ls-files -co --exclude-standard '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'; } | while read -r f; do [ -e "$$f" ] && echo "$$f"; done)); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) tool actionlint
	@# functions/ and host.json are what the app's declarations generate.
	$(GO) run ./handler -check

# The platforms users run on, and the one Azure runs, less this machine's
# (which lint and test cover): for each, go vet and staticcheck, and every
# package built with its tests (-exec true: the test binary is compiled and
# linked for the target, then not run). Only compiling checks them here.
# Written for macOS's make 3.81 too, which ignores .SHELLFLAGS: every
# failure exits explicitly.
TARGETS := linux/amd64 linux/arm64 darwin/arm64 darwin/amd64 windows/amd64
CROSS   := $(filter-out $(shell $(GO) env GOOS)/$(shell $(GO) env GOARCH),$(TARGETS))

.PHONY: cross
cross: go-deps ## vet, staticcheck and compile every package and its tests for the other platforms
	@staticcheck=$$($(GO) tool -n staticcheck); \
	for t in $(CROSS); do \
	  echo "cross: $$t"; \
	  export GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0; \
	  $(GO) vet ./... && "$$staticcheck" ./... || { echo "cross: $$t failed"; exit 1; }; \
	  out=$$($(GO) test -count=1 -run '^$$' -exec true ./... 2>&1) || { echo "$$out"; echo "cross: $$t failed"; exit 1; }; \
	done

.PHONY: fuzz
fuzz: go-deps ## fuzz the host-payload decoding, the JSON reader, the arguments decoder, the binding path grammar and the MCP servers' message front for a bounded time (FUZZTIME=30s per target)
	$(GO) test ./mcpfunc/internal/invoke -run '^$$' -fuzz '^FuzzDecodeString$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/invoke -run '^$$' -fuzz '^FuzzParseRequest$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/invoke -run '^$$' -fuzz '^FuzzAnswer$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/rawjson -run '^$$' -fuzz '^FuzzValid$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/rawjson -run '^$$' -fuzz '^FuzzString$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/rawjson -run '^$$' -fuzz '^FuzzAppendEscaped$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/decl -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/funcapp -run '^$$' -fuzz '^FuzzParsePath$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/rpcmsg -run '^$$' -fuzz '^FuzzPeek$$' -fuzztime $(or $(FUZZTIME),30s)
	$(GO) test ./mcpfunc/internal/selfhost -run '^$$' -fuzz '^FuzzBypass$$' -fuzztime $(or $(FUZZTIME),30s)

.PHONY: bench
bench: deps ## benchmarks: per-tool invocation, binary size, cold start, end to end vs a plain go-sdk server
	@# In process: reading JSON in place (beside encoding/json), encoding one
	@# invocation as the host does, one invocation per tool through the
	@# handler's router, devhost's tools/call path, the self hosting's
	@# reading of a 1 MiB message (beside encoding/json), sealing and opening
	@# a confirmation's state, and redacting a captured invocation; five
	@# runs each, read the medians.
	$(GO) test ./mcpfunc/internal/rawjson ./mcpfunc/internal/invoke ./mcpfunc/internal/customhandler ./mcpfunc/internal/devhost ./mcpfunc/internal/rpcmsg ./mcpfunc/internal/selfhost ./mcpfunc/internal/reqstate ./mcpfunc/internal/capture -run '^$$' -bench . -benchmem -count 5
	@# The handler as built (the fixture app's): binary size, and exec ->
	@# first answer on GET / (median of 20 cold starts).
	$(GO) test ./mcpfunc -run '^$$' -bench 'ColdStart|BinarySize' -benchtime 20x -count 1
	@# The handler's process CPU per invocation, a small and a 1 MiB put,
	@# against a server that only reads the body and json.Unmarshals it:
	@# medians of CPU_ROUNDS rounds, the servers taking turns; read
	@# cpu-ratio (the target is 1.3 at most).
	$(GO) test ./mcpfunc -run '^$$' -bench 'CPUPerInvocation' -benchtime $(or $(CPU_ROUNDS),5)x -count 1
	@# The self hosting beside a plain go-sdk server doing the same work, in
	@# process and as processes: p50-ratio and calls/s-ratio.
	$(GO) test ./mcpfunc -run '^$$' -bench 'Self' -count $(or $(E2E_BENCH_COUNT),3)
	@# End to end (starts and stops its own Azurite): several runs, as the
	@# machine is noisy; compare p50-ratio and calls/s-ratio (devhost) and
	@# self-p50-ratio and self-calls/s-ratio (the self hosting) across them;
	@# BenchmarkSelf sets the self-hosted server beside the baseline alike:
	@# both in one process, then both as processes of their own.
	$(GO) test ./mcpfunc/internal/e2e -run '^$$' -bench . -count $(or $(E2E_BENCH_COUNT),3)
