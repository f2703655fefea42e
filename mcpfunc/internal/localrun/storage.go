package localrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/azurite"
	"remote-mcp-functions-go/mcpfunc/internal/devstore"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// storage reuses or starts Azurite and returns the hosts' environment:
// o.Environ, with AzureWebJobsStorage naming Azurite's ports when they are
// not the ones UseDevelopmentStorage=true means.
func (r *runner) storage(ctx context.Context) ([]string, error) {
	o := r.o
	blobURL := devstore.Endpoint(o.BlobPort)
	switch err := azurite.Probe(ctx, o.BlobPort); {
	case err == nil:
		r.say("Azurite already listens on 127.0.0.1:%d: using it (and leaving it running when you stop)", o.BlobPort)
	case errors.Is(err, azurite.ErrChecksAPIVersion):
		// The Azure SDK for Go sends an API version newer than Azurite
		// knows; such an Azurite would fail every call.
		return nil, fmt.Errorf("the Azurite on port %d checks API versions and would refuse the Azure SDK for Go: restart it with --skipApiVersionCheck, or stop it and make start starts its own", o.BlobPort)
	case errors.Is(err, azurite.ErrNotAzurite):
		return nil, fmt.Errorf("port %d is in use by something that is not Azurite: stop it, or set AZURITE_BLOB_PORT", o.BlobPort)
	case errors.Is(err, azurite.ErrNothing):
		for _, p := range []int{o.QueuePort, o.TablePort} {
			if inUse(p) {
				return nil, fmt.Errorf("port %d (Azurite queue/table) is in use: stop what listens there, or set AZURITE_QUEUE_PORT/AZURITE_TABLE_PORT", p)
			}
		}
		if err := r.startAzurite(ctx, blobURL); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}

	env := o.Environ
	defaults := o.BlobPort == devstore.BlobPort && o.QueuePort == devstore.QueuePort && o.TablePort == devstore.TablePort
	if !defaults && !hasVar(env, funcapp.StorageSetting) {
		// UseDevelopmentStorage=true means the default ports: name these.
		env = append(append([]string(nil), env...), funcapp.StorageSetting+"="+devstore.ConnectionString(o.BlobPort, o.QueuePort, o.TablePort))
	}
	return env, nil
}

func (r *runner) startAzurite(ctx context.Context, blobURL string) error {
	o := r.o
	if err := os.MkdirAll(o.AzuriteDir, 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(o.AzuriteDir, "azurite.log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	// The log stays open as long as Azurite writes to it; the OS closes it
	// when this process exits.
	srv, err := azurite.Start(ctx, azurite.Options{
		Root: o.Root, Dir: o.AzuriteDir,
		BlobPort: o.BlobPort, QueuePort: o.QueuePort, TablePort: o.TablePort,
		Output:    log,
		StopGrace: stopGrace,
	})
	if err != nil {
		log.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("azurite stopped while starting, or did not listen in time (its log: %s): %v", logPath, err)
	}
	r.started = append(r.started, started{
		name: "Azurite", pid: srv.PID(),
		stop: func() bool {
			err := srv.Stop()
			log.Close()
			return errors.Is(err, azurite.ErrKilled)
		},
	})
	r.say("Azurite started (pid %d): blob %s, queue :%d, table :%d, data in %s%c", srv.PID(), blobURL, o.QueuePort, o.TablePort, o.AzuriteDir, filepath.Separator)
	return nil
}

// hasVar reports whether env sets name to a non-empty value (names are
// case-insensitive on Windows; matching them so everywhere is harmless).
func hasVar(env []string, name string) bool {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if strings.EqualFold(k, name) && v != "" {
			return true
		}
	}
	return false
}
