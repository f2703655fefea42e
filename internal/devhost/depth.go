package devhost

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"

	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcpext"
)

// limitDepth refuses a POSTed message that nests deeper than the host's
// JSON reader allows (invoke.MaxDepth, System.Text.Json's default of 64).
// The extension reads the message with ReadFromJsonAsync and does not
// catch the JsonException (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/Http/StreamableHttpRequestHandler.cs
// @cd0d1e8c), so the host answers 500; devhost does the same, with the
// reason in the body. It reads at most maxBytes: a larger body gets 413,
// as go-sdk's own limit would answer it.
func limitDepth(w http.ResponseWriter, r *http.Request, maxBytes int64) bool {
	if r.Method != http.MethodPost || r.Body == nil {
		return true
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		http.Error(w, fmt.Sprintf("request body exceeds %d bytes", tooLarge.Limit), http.StatusRequestEntityTooLarge)
		return false
	case err != nil:
		http.Error(w, "request body unreadable", http.StatusBadRequest)
		return false
	}
	if invoke.CheckDepth(body) != nil {
		http.Error(w, fmt.Sprintf("The JSON-RPC message nests deeper than %d levels, the Functions host's limit.", invoke.MaxDepth), http.StatusInternalServerError)
		return false
	}
	body = mcpext.NullPromptArguments(body) // go-sdk would read a null prompt argument as ""
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return true
}
