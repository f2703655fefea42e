package deploycheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The library names nothing of the sample app: its code and tests run on
// their own fixture, so deleting the sample leaves them as they are.
func TestLibraryNamesNoSample(t *testing.T) {
	sample := regexp.MustCompile(`(?i)snip` + `pet`) // split, not to name it here
	files := 0
	require.NoError(t, filepath.WalkDir(filepath.Join(root, "mcpfunc"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if sample.MatchString(line) {
				rel, _ := filepath.Rel(root, path)
				assert.Fail(t, "the library names the sample", "%s:%d: %s", filepath.ToSlash(rel), i+1, strings.TrimSpace(line))
			}
		}
		return nil
	}))
	assert.Greater(t, files, 100, "the library's files were read")
}
