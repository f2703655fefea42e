// Package benchbase is the yardstick of the end-to-end benchmarks: a plain
// go-sdk MCP server with the fixture's hello, get and put (package
// fixture), reading and writing the same blobs with azblob itself (no
// bindings, no checks, no host encodings), over Streamable HTTP. Both
// hostings are measured against it in the same run, in the benchmark's own
// process ([Handler]) or as a process of its own, as the hostings run
// (command baseline). [Measure] times the calls, alike for every server.
package benchbase

import (
	"context"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Container is where the items are, as the fixture's bindings keep them
// (items/{mcptoolargs.key}.txt).
const Container = "items"

// Handler is the baseline server for the storage account conn names (a
// connection string), creating Container when it is missing.
func Handler(ctx context.Context, conn string) (http.Handler, error) {
	// A connection per concurrent call, as the app's storage client keeps.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 256, 128
	blobs, err := azblob.NewClientFromConnectionString(conn, &azblob.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: &http.Client{Transport: tr}},
	})
	if err != nil {
		return nil, err
	}
	if _, err := blobs.CreateContainer(ctx, Container, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return nil, err
	}
	srv := mcp.NewServer(&mcp.Implementation{Name: "baseline", Version: "1.0.0"}, nil)
	type getArgs struct {
		Key string `json:"key"`
	}
	type putArgs struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
	text := func(s string) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
	}
	mcp.AddTool(srv, &mcp.Tool{Name: "hello", Description: "Say hello."},
		func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			return text("Hello from the fixture."), nil, nil
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "get", Description: "Read an item by its key."},
		func(ctx context.Context, _ *mcp.CallToolRequest, in getArgs) (*mcp.CallToolResult, any, error) {
			resp, err := blobs.DownloadStream(ctx, Container, in.Key+".txt", nil)
			if err != nil {
				return nil, nil, err
			}
			defer resp.Body.Close()
			value, err := io.ReadAll(resp.Body)
			if err != nil {
				return nil, nil, err
			}
			return text(string(value)), nil, nil
		})
	mcp.AddTool(srv, &mcp.Tool{Name: "put", Description: "Store an item's text under its key."},
		func(ctx context.Context, _ *mcp.CallToolRequest, in putArgs) (*mcp.CallToolResult, any, error) {
			if _, err := blobs.UploadBuffer(ctx, Container, in.Key+".txt", []byte(in.Value), nil); err != nil {
				return nil, nil, err
			}
			return text("Put '" + in.Key + "'"), nil, nil
		})
	return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil), nil
}
