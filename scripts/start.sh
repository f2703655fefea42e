#!/usr/bin/env bash
# Runs the MCP server locally: Azurite, then the staged function app under
# `func start` (Azure Functions Core Tools) when func is on PATH, else under
# devhost, the local stand-in for the Functions host.
#
# `make start` runs it after `make deps build`; run from the repository root.
# Ctrl+C stops what this script started (Azurite, devhost and its handler)
# and nothing else: an Azurite that was already running is left running.
#
# Settings (environment), all optional:
#   MCP_EXTENSION_KEY   devhost requires this key (x-functions-key or ?code=)
#   USE_DEVHOST=1       run devhost even when func is on PATH
#   MCP_PORT            MCP port (7071)
#   AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT (10000-10002)
#   AZURITE_DIR         Azurite's data folder (.azurite, git-ignored)
#   APP_DIR             the staged app (build/app, made by make build)
#   DEVHOST             a devhost binary to run instead of building one
set -euo pipefail

MCP_PORT=${MCP_PORT:-7071}
BLOB_PORT=${AZURITE_BLOB_PORT:-10000}
QUEUE_PORT=${AZURITE_QUEUE_PORT:-10001}
TABLE_PORT=${AZURITE_TABLE_PORT:-10002}
AZURITE_DIR=${AZURITE_DIR:-.azurite}
APP_DIR=${APP_DIR:-build/app}

MCP_URL="http://127.0.0.1:${MCP_PORT}/runtime/webhooks/mcp"
BLOB_URL="http://127.0.0.1:${BLOB_PORT}/devstoreaccount1"

say() { printf 'start: %s\n' "$*"; }
fail() { printf 'scripts/start.sh: error: %s\n' "$*" >&2; exit 1; }

# PIDs of what this script started, stopped in reverse order on exit, and
# the names worth reporting.
started=()
declare -A names=()

stop_started() {
	local i pid
	for ((i = ${#started[@]} - 1; i >= 0; i--)); do
		pid=${started[i]}
		# Named ones are announced even if the signal already ended them.
		[[ -n ${names[$pid]:-} ]] && say "stopping ${names[$pid]} (pid $pid)"
		kill -0 "$pid" 2>/dev/null || continue
		kill -TERM "$pid" 2>/dev/null || true
		# Azurite closes its keep-alive connections first: give it time.
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			say "pid $pid did not stop within 10 s: killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
}
trap stop_started EXIT
# Ctrl+C is how this is meant to end: a clean stop, not an error.
trap 'exit 0' INT TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# azurite_answers: the blob port answers with Azurite's Server header.
azurite_answers() {
	curl -s -o /dev/null -D - --max-time 2 "${BLOB_URL}?comp=list" 2>/dev/null | grep -qi '^server: *azurite'
}

command -v curl >/dev/null || fail "curl is needed to check Azurite and the host: install it"
[[ -f "$APP_DIR/host.json" ]] || fail "$APP_DIR/host.json is missing: run make build (make start does)"
if port_in_use "$MCP_PORT"; then
	fail "port $MCP_PORT is in use: stop whatever listens there (ss -ltnp 'sport = :$MCP_PORT' shows it), or set MCP_PORT"
fi

# --- storage --------------------------------------------------------------------

if port_in_use "$BLOB_PORT"; then
	azurite_answers || fail "port $BLOB_PORT is in use by something that is not Azurite: stop it, or set AZURITE_BLOB_PORT"
	# The Azure SDK for Go sends an API version newer than Azurite knows; an
	# Azurite started without --skipApiVersionCheck would fail every call.
	if curl -s --max-time 2 -H 'x-ms-version: 2099-01-01' "${BLOB_URL}?comp=list" 2>/dev/null | grep -q 'is not supported by Azurite'; then
		fail "the Azurite on port $BLOB_PORT checks API versions and would refuse the Azure SDK for Go: restart it with --skipApiVersionCheck, or stop it and make start starts its own"
	fi
	say "Azurite already listens on 127.0.0.1:$BLOB_PORT: using it (and leaving it running when you stop)"
else
	for p in "$QUEUE_PORT" "$TABLE_PORT"; do
		port_in_use "$p" && fail "port $p (Azurite queue/table) is in use: stop what listens there, or set AZURITE_QUEUE_PORT/AZURITE_TABLE_PORT"
	done
	azurite=node_modules/.bin/azurite
	[[ -x $azurite ]] || fail "$azurite is missing: run npm ci (make start does)"
	mkdir -p "$AZURITE_DIR"
	# --disableTelemetry: nothing leaves this machine. --skipApiVersionCheck:
	# azblob sends an API version newer than Azurite 3.35 knows.
	"$azurite" --silent --disableTelemetry --skipApiVersionCheck \
		--location "$AZURITE_DIR" \
		--blobHost 127.0.0.1 --blobPort "$BLOB_PORT" \
		--queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
		--tableHost 127.0.0.1 --tablePort "$TABLE_PORT" \
		>"$AZURITE_DIR/azurite.log" 2>&1 &
	started+=($!)
	names[$!]=Azurite
	for _ in $(seq 600); do
		azurite_answers && break
		kill -0 "${started[-1]}" 2>/dev/null || { tail -n 20 "$AZURITE_DIR/azurite.log" >&2; fail "Azurite stopped while starting (log above, in $AZURITE_DIR/azurite.log)"; }
		sleep 0.1
	done
	azurite_answers || fail "Azurite did not answer on $BLOB_URL within 60 s (see $AZURITE_DIR/azurite.log)"
	say "Azurite started (pid ${started[-1]}): blob $BLOB_URL, queue :$QUEUE_PORT, table :$TABLE_PORT, data in $AZURITE_DIR/"
fi

if [[ $BLOB_PORT != 10000 || $QUEUE_PORT != 10001 || $TABLE_PORT != 10002 ]] && [[ -z ${AzureWebJobsStorage:-} ]]; then
	# UseDevelopmentStorage=true means the default ports: name these ones.
	export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=${BLOB_URL};QueueEndpoint=http://127.0.0.1:${QUEUE_PORT}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${TABLE_PORT}/devstoreaccount1;"
fi

# --- connection hints -------------------------------------------------------------

hints() {
	local auth=""
	if [[ -n ${MCP_EXTENSION_KEY:-} && $1 == devhost ]]; then
		# The variable's name, not its value: the key stays off the screen.
		auth=' --header "x-functions-key: $MCP_EXTENSION_KEY" --stored-auth-only'
	fi
	cat <<EOF

  MCP endpoint (Streamable HTTP): $MCP_URL
  legacy SSE endpoint:            $MCP_URL/sse
  VS Code: .vscode/mcp.json, server "local-mcp-function"
  MCP Inspector (list the tools):
    npx mcp-inspector --cli $MCP_URL --transport http$auth --method tools/list
  call one:
    npx mcp-inspector --cli $MCP_URL --transport http$auth --method tools/call --tool-name hello

  Ctrl+C stops it.

EOF
}

# announce prints the hints once the host answers on the MCP port.
announce() {
	for _ in $(seq 1200); do
		if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:${MCP_PORT}/"; then
			hints "$1"
			return
		fi
		sleep 0.1
	done
}

# --- the host ---------------------------------------------------------------------

if [[ ${USE_DEVHOST:-} != 1 ]] && command -v func >/dev/null 2>&1; then
	say "func (Azure Functions Core Tools) found on PATH: running func start in $APP_DIR"
	[[ -z ${MCP_EXTENSION_KEY:-} ]] || say "func start needs no key locally: MCP_EXTENSION_KEY applies to devhost only (USE_DEVHOST=1)"
	announce func &
	started+=($!)
	# In the background with wait, so a signal to this script alone (an
	# IDE stopping its task) runs the traps at once; they stop func too.
	(cd "$APP_DIR" && exec func start --port "$MCP_PORT") &
	started+=($!)
	names[$!]="func start"
	wait $! || true
	exit
fi

if [[ ${USE_DEVHOST:-} == 1 ]]; then
	say "USE_DEVHOST=1: running devhost, the local stand-in for the Functions host"
else
	say "func (Azure Functions Core Tools) not found on PATH: running devhost, the local stand-in for the Functions host"
fi
if [[ -z ${DEVHOST:-} ]]; then
	DEVHOST=build/devhost
	go build -o "$DEVHOST" ./devhost
fi
if [[ -n ${MCP_EXTENSION_KEY:-} ]]; then
	say "key mode: MCP requests need MCP_EXTENSION_KEY in x-functions-key or ?code="
fi
announce devhost &
started+=($!)
# In the background with wait, so a signal to this script alone (Ctrl+C, or
# an IDE stopping its task) runs the traps at once: they stop devhost (which
# stops its handler), then Azurite.
"$DEVHOST" -app "$APP_DIR" -addr "127.0.0.1:$MCP_PORT" &
started+=($!)
names[$!]=devhost
wait $! || true
