// Command pack stages the function app and writes the deployment package
// dist/app.zip (see package apppkg for what the zip guarantees).
//
//	go run ./cmd/pack            pack build/package into dist/app.zip
//	go run ./cmd/pack -build     stage build/package for linux/amd64, then pack (make package, azd's prepackage hook)
//	go run ./cmd/pack -local     stage build/app for this machine, no zip (make build; func start and devhost run it)
//
// The package is always linux/amd64, the platform Flex Consumption runs;
// a local staging is built for the machine it runs on.
//
// Run it from the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"remote-mcp-functions-go/internal/apppkg"
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
	if err := run(ctx, *build, *local, *root, *pkg, *dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, build, local bool, root, pkg, dir, out string) error {
	if build || local {
		opts := apppkg.StageOptions{Root: root, Dir: dir, Package: pkg, Output: os.Stderr, Platform: apppkg.Target}
		if local {
			opts.Platform = apppkg.Native
		}
		st, err := apppkg.Stage(ctx, opts)
		if err != nil {
			return err
		}
		if local {
			fmt.Printf("%v (this machine), for func start and devhost; the deployment package is built for %v\n", st, apppkg.Target)
		} else {
			fmt.Printf("%v, the platform Flex Consumption runs\n", st)
		}
	}
	if local {
		return nil
	}
	entries, err := apppkg.PackFile(out, apppkg.PackOptions{Dir: dir})
	if err != nil {
		return err
	}
	fmt.Printf("packed %s (linux/amd64, for Flex Consumption):\n", out)
	for _, e := range entries {
		fmt.Printf("  %v %9d  %s\n", e.Mode, e.Size, e.Name)
	}
	return nil
}
