package deploycheck

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/apppkg"
)

// TestPackage builds the real handler once, stages and packs it as
// `make package` and azd's prepackage hook do, then reads the zip back with
// archive/zip and debug/elf alone, trusting nothing the packer says.
func TestPackage(t *testing.T) {
	stage := filepath.Join(t.TempDir(), "app")
	_, err := apppkg.Stage(context.Background(), apppkg.StageOptions{Root: root, Dir: stage, Output: io.Discard, Platform: apppkg.Target})
	require.NoError(t, err)
	var pkg bytes.Buffer
	_, err = apppkg.Pack(&pkg, apppkg.PackOptions{Dir: stage})
	require.NoError(t, err)

	zr, err := zip.NewReader(bytes.NewReader(pkg.Bytes()), int64(pkg.Len()))
	require.NoError(t, err)
	entries := map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		entries[f.Name] = f
		names = append(names, f.Name)
	}
	content := func(t *testing.T, name string) []byte {
		t.Helper()
		f, ok := entries[name]
		require.True(t, ok, "%s is in the package", name)
		rc, err := f.Open()
		require.NoError(t, err)
		defer rc.Close()
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		return b
	}

	var host struct {
		CustomHandler struct {
			Description struct {
				DefaultExecutablePath string `json:"defaultExecutablePath"`
			} `json:"description"`
		} `json:"customHandler"`
	}
	require.NoError(t, json.Unmarshal(content(t, "host.json"), &host))
	exe := host.CustomHandler.Description.DefaultExecutablePath

	t.Run("entry set", func(t *testing.T) {
		want := []string{exe, "host.json"}
		fns, err := filepath.Glob(filepath.Join(root, "functions", "*", "function.json"))
		require.NoError(t, err)
		require.NotEmpty(t, fns)
		for _, fn := range fns {
			name := filepath.Base(filepath.Dir(fn))
			want = append(want, name+"/", name+"/function.json")
		}
		slices.Sort(want)
		assert.Equal(t, want, names, "exactly the binary, host.json and the function folders, sorted")
		assert.NotContains(t, names, "local.settings.json")
	})

	t.Run("files are the repository's", func(t *testing.T) {
		assert.Equal(t, read(t, "host.json"), string(content(t, "host.json")))
		for _, name := range names {
			if filepath.Base(name) == "function.json" {
				assert.Equal(t, read(t, "functions/"+name), string(content(t, name)), name)
			}
		}
	})

	t.Run("host.json names the binary", func(t *testing.T) {
		assert.Equal(t, "handler", exe)
		f, ok := entries[exe]
		require.True(t, ok, "host.json's executable %q is an entry", exe)
		assert.True(t, f.Mode().IsRegular())
	})

	t.Run("binary keeps its +x bit", func(t *testing.T) {
		f := entries[exe]
		require.NotNil(t, f)
		assert.Equal(t, fs.FileMode(0o755), f.Mode())
		assert.Equal(t, uint16(3), f.CreatorVersion>>8, "Unix attributes, which unzip and Flex Consumption read")
	})

	t.Run("binary is static linux/amd64", func(t *testing.T) {
		ef, err := elf.NewFile(bytes.NewReader(content(t, exe)))
		require.NoError(t, err, "an ELF file")
		defer ef.Close()
		assert.Equal(t, elf.ELFCLASS64, ef.Class)
		assert.Equal(t, elf.EM_X86_64, ef.Machine)
		for _, p := range ef.Progs {
			assert.NotEqual(t, elf.PT_INTERP, p.Type, "statically linked: no dynamic loader")
		}
	})

	t.Run("fixed timestamps", func(t *testing.T) {
		for _, f := range zr.File {
			assert.True(t, f.Modified.Equal(apppkg.DefaultModTime), "%s: %v", f.Name, f.Modified)
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		var again bytes.Buffer
		_, err := apppkg.Pack(&again, apppkg.PackOptions{Dir: stage})
		require.NoError(t, err)
		assert.True(t, bytes.Equal(pkg.Bytes(), again.Bytes()), "same staged app, same bytes")

		// Another copy of the staged files, with other times and a path of its own.
		other := filepath.Join(t.TempDir(), "elsewhere")
		require.NoError(t, os.CopyFS(other, os.DirFS(stage)))
		again.Reset()
		_, err = apppkg.Pack(&again, apppkg.PackOptions{Dir: other})
		require.NoError(t, err)
		assert.True(t, bytes.Equal(pkg.Bytes(), again.Bytes()), "same files elsewhere, same bytes")
	})
}
