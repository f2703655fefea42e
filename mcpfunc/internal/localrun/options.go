package localrun

import (
	"fmt"
	"io"
	"os/exec"
	"strconv"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/devstore"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// Options say what to run where. [FromEnv] fills them from the settings a
// developer sets.
type Options struct {
	// Root is the repository: host.json, functions/, handler/, package.json.
	Root string
	// MCPPort is where the host serves MCP (MCP_PORT, 7071).
	MCPPort int
	// Azurite's ports (AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT,
	// AZURITE_TABLE_PORT: 10000-10002) and data folder (AZURITE_DIR,
	// .azurite, git-ignored).
	BlobPort, QueuePort, TablePort int
	AzuriteDir                     string
	// AppDir is the staged app (APP_DIR, build/app).
	AppDir string
	// NoBuild runs the app already staged in AppDir (by make build)
	// instead of staging it again.
	NoBuild bool
	// UseDevhost runs devhost even when func is on PATH (USE_DEVHOST=1); in
	// the self hosting, the handler on its own.
	UseDevhost bool
	// Devhost is a devhost binary to run instead of building one (DEVHOST).
	Devhost string
	// KeyMode: MCP_EXTENSION_KEY is set, so devhost (or, in the self
	// hosting, the handler run directly) requires it. Only whether it is
	// set matters here: they read the key themselves, and it is never
	// printed.
	KeyMode bool
	// Hosting is which hosting to run (MCP_HOSTING, triggers by default):
	// in the self hosting the handler is the MCP server, at /mcp, under
	// func start or run directly, with no devhost.
	Hosting hosting.Mode
	// Environ is the hosts' environment (os.Environ()); AzureWebJobsStorage
	// is added to it for Azurite ports other than the defaults, unless it
	// already names a storage.
	Environ []string
	// LookPath finds func; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// Stdout receives the messages and the hosts' output; Stderr the
	// output of builds and of npm.
	Stdout, Stderr io.Writer
}

// FromEnv reads the settings from getenv, with their defaults.
func FromEnv(getenv func(string) string, environ []string) (Options, error) {
	mode, err := hosting.FromEnv(getenv)
	if err != nil {
		return Options{}, err
	}
	o := Options{
		Hosting:    mode,
		Root:       ".",
		AzuriteDir: or(getenv("AZURITE_DIR"), ".azurite"),
		AppDir:     or(getenv("APP_DIR"), apppkg.DefaultStageDir),
		UseDevhost: getenv("USE_DEVHOST") == "1",
		Devhost:    getenv("DEVHOST"),
		KeyMode:    getenv("MCP_EXTENSION_KEY") != "",
		Environ:    environ,
	}
	for _, p := range []struct {
		name string
		def  int
		to   *int
	}{
		{"MCP_PORT", 7071, &o.MCPPort},
		{"AZURITE_BLOB_PORT", devstore.BlobPort, &o.BlobPort},
		{"AZURITE_QUEUE_PORT", devstore.QueuePort, &o.QueuePort},
		{"AZURITE_TABLE_PORT", devstore.TablePort, &o.TablePort},
	} {
		*p.to = p.def
		if v := getenv(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return Options{}, fmt.Errorf("%s=%q: want a TCP port (1-65535)", p.name, v)
			}
			*p.to = n
		}
	}
	return o, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (o *Options) lookPath(name string) (string, error) {
	if o.LookPath != nil {
		return o.LookPath(name)
	}
	return exec.LookPath(name)
}
