// Command gen writes functions/<name>/function.json for every tool the app
// declares in Go (internal/catalog), as the Functions host reads them.
//
//	go run ./cmd/gen        (make generate; go generate ./... runs it too)
//
// Run it from the repository root, or pass -root.
package main

import (
	"flag"
	"fmt"
	"os"

	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/funcgen"
)

func main() {
	root := flag.String("root", ".", "the repository root (functions/ is under it)")
	flag.Parse()
	changed, stale, err := funcgen.Write(*root, catalog.Functions(catalog.Config{}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for _, f := range changed {
		fmt.Println("wrote", f)
	}
	if len(changed) == 0 {
		fmt.Println("function.json files are up to date")
	}
	for _, dir := range stale {
		fmt.Fprintf(os.Stderr, "gen: %s/ has no Go declaration: declare it in internal/catalog or delete the folder\n", dir)
	}
	if len(stale) > 0 {
		os.Exit(1)
	}
}
