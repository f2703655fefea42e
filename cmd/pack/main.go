// Command pack writes the deployment package dist/app.zip from the staged
// function app (see package apppkg for what the zip guarantees).
//
//	go run ./cmd/pack              pack build/app into dist/app.zip
//	go run ./cmd/pack -build       build and stage first (azd's prepackage hook)
//	go run ./cmd/pack -stage-only  build and stage, no zip (make build)
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
		build     = flag.Bool("build", false, "build the handler and stage the app before packing")
		stageOnly = flag.Bool("stage-only", false, "build the handler and stage the app, without packing")
		root      = flag.String("root", ".", "repository root: host.json, functions/, the handler package")
		pkg       = flag.String("pkg", "./handler", "the handler's Go package, relative to -root")
		dir       = flag.String("app", apppkg.DefaultStageDir, "staged function app folder")
		out       = flag.String("out", apppkg.DefaultOutput, "package to write")
	)
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "pack: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *build || *stageOnly, !*stageOnly, *root, *pkg, *dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, stage, pack bool, root, pkg, dir, out string) error {
	if stage {
		opts := apppkg.StageOptions{Root: root, Dir: dir, Package: pkg, Output: os.Stderr}
		if err := apppkg.Stage(ctx, opts); err != nil {
			return err
		}
		fmt.Printf("staged %s (%s/%s)\n", dir, apppkg.TargetGOOS, apppkg.TargetGOARCH)
	}
	if !pack {
		return nil
	}
	entries, err := apppkg.PackFile(out, apppkg.PackOptions{Dir: dir})
	if err != nil {
		return err
	}
	fmt.Printf("packed %s:\n", out)
	for _, e := range entries {
		fmt.Printf("  %v %9d  %s\n", e.Mode, e.Size, e.Name)
	}
	return nil
}
