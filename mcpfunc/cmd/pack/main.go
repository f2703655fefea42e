// Command pack stages the function app and writes the deployment package
// dist/app.zip (see package apppkg for what the zip guarantees).
//
//	go run ./mcpfunc/cmd/pack            pack build/package into dist/app.zip
//	go run ./mcpfunc/cmd/pack -build     stage build/package for linux/amd64, then pack (make package, azd's prepackage hook)
//	go run ./mcpfunc/cmd/pack -local     stage build/app for this machine, no zip (make build; func start and devhost run it)
//
// Staging (-build, -local) first generates the function app's files from
// the handler (go run ./handler -generate, what make generate runs), so
// that a package or a local run always has every function the Go code
// declares, even when make generate was forgotten.
//
// The package is always linux/amd64, the platform Flex Consumption runs;
// a local staging is built for the machine it runs on.
//
// MCP_HOSTING=self stages the self hosting (host.json with the
// mcp-custom-handler profile, no function folders); unset, or triggers,
// the default. azd passes the environment's MCP_HOSTING to its hooks, so
// `azd env set MCP_HOSTING self` reaches the packer as it reaches the
// Bicep.
//
// Run it from the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

func main() {
	var (
		build = flag.Bool("build", false, "stage the app for linux/amd64 before packing")
		local = flag.Bool("local", false, "stage the app for this machine, for local runs, without packing")
		root  = flag.String("root", ".", "repository root: host.json, functions/, the handler package")
		pkg   = flag.String("pkg", "./handler", "the handler's Go package, relative to -root")
		dir   = flag.String("app", "", "staged function app folder (default "+apppkg.DefaultPackageDir+", with -local "+apppkg.DefaultStageDir+")")
		out   = flag.String("out", apppkg.DefaultOutput, "package to write")
	)
	flag.Parse()
	if flag.NArg() > 0 || (*build && *local) {
		fmt.Fprintln(os.Stderr, "pack: unexpected arguments (use at most one of -build and -local)")
		flag.Usage()
		os.Exit(2)
	}
	if *dir == "" {
		*dir = apppkg.DefaultPackageDir
		if *local {
			*dir = apppkg.DefaultStageDir
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	mode, err := hosting.FromEnv(os.Getenv)
	if err == nil {
		err = run(ctx, mode, *build, *local, *root, *pkg, *dir, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, mode hosting.Mode, build, local bool, root, pkg, dir, out string) error {
	if build || local {
		opts := apppkg.StageOptions{Root: root, Dir: dir, Package: pkg, Output: os.Stderr, Platform: apppkg.Target, Hosting: mode, Generate: true}
		if local {
			opts.Platform = apppkg.Native
		}
		st, err := apppkg.Stage(ctx, opts)
		if err != nil {
			return err
		}
		if local {
			fmt.Printf("%v (this machine), for local runs; the deployment package is built for %v\n", st, apppkg.Target)
		} else {
			fmt.Printf("%v, the platform Flex Consumption runs\n", st)
		}
	}
	if local {
		return nil
	}
	// The infrastructure is set up for MCP_HOSTING too: a package staged
	// for the other hosting would deploy a handler the host cannot use.
	if staged, err := apppkg.HostingOf(dir); err != nil {
		return err
	} else if staged != mode {
		return fmt.Errorf("%s is staged for hosting %s, but %s=%s: stage it again (-build)", dir, staged, hosting.Setting, mode)
	}
	entries, err := apppkg.PackFile(out, apppkg.PackOptions{Dir: dir})
	if err != nil {
		return err
	}
	fmt.Printf("packed %s (linux/amd64, for Flex Consumption, hosting %s):\n", out, mode)
	for _, e := range entries {
		fmt.Printf("  %v %9d  %s\n", e.Mode, e.Size, e.Name)
	}
	return nil
}
