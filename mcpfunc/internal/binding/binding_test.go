package binding_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

func blobs(t *testing.T, s binding.Store) []binding.Blob {
	t.Helper()
	in, err := funcapp.ParsePath("notes/{mcptoolargs.in}.txt")
	require.NoError(t, err)
	out, err := funcapp.ParsePath("notes/{mcptoolargs.out}.txt")
	require.NoError(t, err)
	log, err := funcapp.ParsePath("logs/{mcptoolargs.out}.log")
	require.NoError(t, err)
	return []binding.Blob{
		{Name: "in", Path: in, Store: s},
		{Name: "out", Out: true, Path: out, Store: s},
		{Name: "log", Out: true, Path: log, Store: s},
	}
}

func data(args map[string]string) binding.Data { return binding.ToolData(args, invoke.SysData{}) }

// An input whose path breaks storage's rules fails Resolve; an output's
// fails only when the function gives it a value, as the host binds an
// output only then.
func TestOutputPathsCountWhenWritten(t *testing.T) {
	s := bindingtest.NewStore()
	bs := blobs(t, s)
	_, err := binding.Resolve(bs, data(map[string]string{"in": `a\b`, "out": "ok"}))
	require.Error(t, err)
	assert.True(t, binding.IsPathError(err))

	locs, err := binding.Resolve(bs, data(map[string]string{"in": "ok", "out": `a\b`}))
	require.NoError(t, err, "an output's bad path does not fail the call before the function runs")
	assert.True(t, binding.IsPathError(locs[1].Err))
	require.NoError(t, binding.WriteOutputs(context.Background(), bs, locs, nil), "no value, no binding")
	err = binding.WriteOutputs(context.Background(), bs, locs, map[string][]byte{"out": []byte("x")})
	assert.True(t, binding.IsPathError(err))
	assert.Equal(t, 0, s.Writes())
}

// Versions makes the writes conditional on what the blobs were: an output
// someone else wrote meanwhile fails with blobstore.ErrChanged, and the
// error names the outputs written before it.
func TestWritesConditionalOnVersions(t *testing.T) {
	s := bindingtest.NewStore()
	bs := blobs(t, s)
	locs, err := binding.Resolve(bs, data(map[string]string{"in": "i", "out": "o"}))
	require.NoError(t, err)
	binding.Versions(context.Background(), bs, locs)
	require.NotNil(t, locs[1].Version)
	assert.False(t, locs[1].Version.Exists())
	assert.Nil(t, locs[0].Version, "inputs are not written")

	s.Set("logs/o.log", []byte("another call's"))
	err = binding.WriteOutputs(context.Background(), bs, locs, map[string][]byte{"out": []byte("mine"), "log": []byte("mine")})
	require.ErrorIs(t, err, blobstore.ErrChanged)
	var oe *binding.OutputError
	require.True(t, errors.As(err, &oe))
	assert.Equal(t, "log", oe.Binding)
	assert.Equal(t, []binding.Location{{Container: "notes", Blob: "o.txt", Version: locs[1].Version}}, oe.Written)
	got, _ := s.Get("logs/o.log")
	assert.Equal(t, "another call's", string(got))

	// Without Versions, outputs are written as the host writes them.
	locs, err = binding.Resolve(bs, data(map[string]string{"in": "i", "out": "o"}))
	require.NoError(t, err)
	require.NoError(t, binding.WriteOutputs(context.Background(), bs, locs, map[string][]byte{"log": []byte("over")}))
	got, _ = s.Get("logs/o.log")
	assert.Equal(t, "over", string(got))
}
