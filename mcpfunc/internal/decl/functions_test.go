package decl

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Connections names each storage setting the blob bindings use once, in
// declaration order, the default setting for a binding that names none.
func TestConnections(t *testing.T) {
	other := BlobIn("b", "c/{x}")
	other.Connection = "OtherStorage"
	fns := Functions{
		Tools:     []*Tool{{Blobs: []Blob{BlobIn("a", "c/{x}"), BlobOut("o", "c/{x}")}}, {}},
		Resources: []*Resource{{Blobs: []Blob{other}}},
		Prompts:   []*Prompt{{Blobs: []Blob{other, BlobIn("d", "c/{x}")}}},
	}
	assert.Equal(t, []string{"AzureWebJobsStorage", "OtherStorage"}, fns.Connections())
	assert.Empty(t, Functions{}.Connections())
}
