package apppkg

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/exefmt"
)

// appRoot is a real function app's sources: the library's test app (package
// fixture), its host.json, local.settings.json and functions/, so the
// test data follows the generated files as they change.
const appRoot = "../fixture"

// fakeELF is the smallest file debug/elf accepts: a bare 64-bit header for
// the given machine. It stands in for the handler without a go build.
func fakeELF(class elf.Class, machine elf.Machine) []byte {
	h := make([]byte, 64)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS] = byte(class)
	h[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	le := binary.LittleEndian
	le.PutUint16(h[16:], uint16(elf.ET_EXEC))
	le.PutUint16(h[18:], uint16(machine))
	le.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	le.PutUint16(h[52:], 64) // e_ehsize
	return h
}

func copyFileT(t *testing.T, dst, src string) {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, os.WriteFile(dst, b, 0o644))
}

// stagedApp lays out a staged app in a new folder, as Stage would, with
// binary as the handler, and returns the folder and the function names.
func stagedApp(t *testing.T, binary []byte) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	copyFileT(t, filepath.Join(dir, "host.json"), filepath.Join(appRoot, "host.json"))
	copyFileT(t, filepath.Join(dir, "local.settings.json"), filepath.Join(appRoot, "local.settings.json"))
	fns, err := filepath.Glob(filepath.Join(appRoot, "functions", "*", "function.json"))
	require.NoError(t, err)
	require.NotEmpty(t, fns)
	var names []string
	for _, fn := range fns {
		name := filepath.Base(filepath.Dir(fn))
		names = append(names, name)
		copyFileT(t, filepath.Join(dir, name, "function.json"), fn)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "handler"), binary, 0o755))
	return dir, names
}

func TestPackEntries(t *testing.T) {
	dir, names := stagedApp(t, fakeELF(elf.ELFCLASS64, elf.EM_X86_64))
	// Strays a careless packer would pick up.
	require.NoError(t, os.WriteFile(filepath.Join(dir, names[0], "notes.txt"), []byte("x"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "not-a-function"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "not-a-function", "x.json"), []byte("{}"), 0o644))

	var buf bytes.Buffer
	entries, err := Pack(&buf, PackOptions{Dir: dir})
	require.NoError(t, err)

	want := []string{"handler", "host.json"}
	for _, n := range names {
		want = append(want, n+"/", n+"/function.json")
	}
	slices.Sort(want)

	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	var got []string
	for i, f := range zr.File {
		got = append(got, f.Name)
		assert.Equal(t, entries[i].Name, f.Name, "returned entries follow the zip's order")
		assert.True(t, f.Modified.Equal(DefaultModTime), "%s: modified %v", f.Name, f.Modified)
		switch {
		case f.Name == "handler":
			assert.Equal(t, fs.FileMode(0o755), f.Mode(), "the host must be able to exec the handler")
		case strings.HasSuffix(f.Name, "/"):
			assert.Equal(t, fs.ModeDir|0o755, f.Mode(), f.Name)
		default:
			assert.Equal(t, fs.FileMode(0o644), f.Mode(), f.Name)
		}
	}
	assert.Equal(t, want, got)
	assert.NotContains(t, got, "local.settings.json")
}

func TestPackIsReproducible(t *testing.T) {
	bin := fakeELF(elf.ELFCLASS64, elf.EM_X86_64)
	pack := func(dir string) []byte {
		var buf bytes.Buffer
		_, err := Pack(&buf, PackOptions{Dir: dir})
		require.NoError(t, err)
		return buf.Bytes()
	}
	a, _ := stagedApp(t, bin)
	b, _ := stagedApp(t, bin) // another path, other file times
	require.NoError(t, os.Chtimes(filepath.Join(b, "host.json"), time.Now(), time.Now().Add(-time.Hour)))

	first := pack(a)
	assert.Equal(t, first, pack(a), "same folder twice")
	assert.Equal(t, first, pack(b), "same files elsewhere")

	var buf bytes.Buffer
	when := time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC)
	_, err := Pack(&buf, PackOptions{Dir: a, ModTime: when})
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	assert.True(t, zr.File[0].Modified.Equal(when), "ModTime is honoured: %v", zr.File[0].Modified)
}

func TestPackRefuses(t *testing.T) {
	tests := []struct {
		name   string
		binary []byte // nil: no handler at all
		breaks func(t *testing.T, dir string)
		want   string
	}{
		{name: "missing executable", want: "no such file"},
		{name: "not ELF (another GOOS)", binary: []byte("MZ\x90\x00 a Windows binary"), want: "not an ELF file"},
		{name: "arm64 (another GOARCH)", binary: fakeELF(elf.ELFCLASS64, elf.EM_AARCH64), want: "EM_AARCH64"},
		{name: "32-bit x86", binary: fakeELF(elf.ELFCLASS32, elf.EM_386), want: "ELFCLASS32"},
		{
			name:   "executable is a folder",
			binary: fakeELF(elf.ELFCLASS64, elf.EM_X86_64),
			breaks: func(t *testing.T, dir string) {
				require.NoError(t, os.Remove(filepath.Join(dir, "handler")))
				require.NoError(t, os.Mkdir(filepath.Join(dir, "handler"), 0o755))
			},
			want: "not a regular file",
		},
		{
			name:   "invalid host.json",
			binary: fakeELF(elf.ELFCLASS64, elf.EM_X86_64),
			breaks: func(t *testing.T, dir string) {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "host.json"), []byte(`{"version":"2.0"}`), 0o644))
			},
			want: "customHandler",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := stagedApp(t, tt.binary)
			if tt.binary == nil {
				require.NoError(t, os.Remove(filepath.Join(dir, "handler")))
			}
			if tt.breaks != nil {
				tt.breaks(t, dir)
			}
			var buf bytes.Buffer
			_, err := Pack(&buf, PackOptions{Dir: dir})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestPackFileKeepsOldPackageOnFailure(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist", "app.zip")
	good, _ := stagedApp(t, fakeELF(elf.ELFCLASS64, elf.EM_X86_64))
	_, err := PackFile(out, PackOptions{Dir: good})
	require.NoError(t, err)
	before, err := os.ReadFile(out)
	require.NoError(t, err)

	bad, _ := stagedApp(t, fakeELF(elf.ELFCLASS64, elf.EM_AARCH64))
	_, err = PackFile(out, PackOptions{Dir: bad})
	require.ErrorIs(t, err, ErrNotLinuxAMD64)

	after, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	left, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	assert.Len(t, left, 1, "no temporary file left behind")
}

// sourceTree is a module in miniature: the fixture's host.json, settings
// and function folders, and a trivial handler package, fast to build.
func sourceTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	copyFileT(t, filepath.Join(root, "host.json"), filepath.Join(appRoot, "host.json"))
	copyFileT(t, filepath.Join(root, "local.settings.json"), filepath.Join(appRoot, "local.settings.json"))
	fns, err := filepath.Glob(filepath.Join(appRoot, "functions", "*", "function.json"))
	require.NoError(t, err)
	for _, fn := range fns {
		copyFileT(t, filepath.Join(root, "functions", filepath.Base(filepath.Dir(fn)), "function.json"), fn)
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example\n\ngo 1.26\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "handler"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "handler", "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	return root
}

func TestStageThenPack(t *testing.T) {
	root := sourceTree(t)
	dir := filepath.Join(root, "build", "app")
	// A leftover of an earlier stage must go.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "removed-function"), 0o755))

	st, err := Stage(context.Background(), StageOptions{Root: root, Dir: dir})
	require.NoError(t, err)
	assert.Equal(t, Target, st.Platform, "the zero Platform is the package's")
	assert.Equal(t, "handler", st.Executable)

	assert.NoDirExists(t, filepath.Join(dir, "removed-function"))
	assert.FileExists(t, filepath.Join(dir, "local.settings.json"), "func start reads it from the app folder")
	assert.NoError(t, CheckExecutable(filepath.Join(dir, "handler")))
	fi, err := os.Stat(filepath.Join(dir, "handler"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode().Perm()&0o100, "staged binary is executable")

	var buf bytes.Buffer
	_, err = Pack(&buf, PackOptions{Dir: dir})
	require.NoError(t, err)
}

// Each platform users run on gets a handler its OS can start, named as it
// needs; a native staging is never packed unless it is linux/amd64.
func TestStageForEachPlatform(t *testing.T) {
	root := sourceTree(t)
	repoHost, err := os.ReadFile(filepath.Join(root, "host.json"))
	require.NoError(t, err)
	tests := []struct {
		plat   Platform
		exe    string
		format string
	}{
		{Platform{"darwin", "arm64"}, "handler", "Mach-O"},
		{Platform{"darwin", "amd64"}, "handler", "Mach-O"},
		{Platform{"windows", "amd64"}, "handler.exe", "PE"},
		{Platform{"linux", "arm64"}, "handler", "ELF"},
	}
	for _, tt := range tests {
		t.Run(tt.plat.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "app")
			st, err := Stage(context.Background(), StageOptions{Root: root, Dir: dir, Platform: tt.plat})
			require.NoError(t, err)
			assert.Equal(t, tt.plat, st.Platform)
			assert.Equal(t, tt.exe, st.Executable)
			assert.Contains(t, st.String(), "built for "+tt.plat.String())

			f, err := os.Open(filepath.Join(dir, tt.exe))
			require.NoError(t, err)
			defer f.Close()
			p, err := exefmt.Identify(f)
			require.NoError(t, err)
			assert.Equal(t, tt.format, p.Format)
			assert.Equal(t, tt.plat.GOOS, p.GOOS)
			assert.Equal(t, tt.plat.GOARCH, p.GOARCH)

			host, err := os.ReadFile(filepath.Join(dir, "host.json"))
			require.NoError(t, err)
			var h struct {
				CustomHandler struct {
					Description struct{ DefaultExecutablePath string }
				}
			}
			require.NoError(t, json.Unmarshal(host, &h))
			assert.Equal(t, tt.exe, h.CustomHandler.Description.DefaultExecutablePath, "the staged host.json names the staged binary")
			if tt.exe == "handler" {
				assert.Equal(t, string(repoHost), string(host), "host.json is copied as is")
			} else {
				assert.Equal(t, strings.Replace(string(repoHost), `"handler"`, `"handler.exe"`, 1), string(host), "only the executable's name changes")
			}

			_, err = Pack(io.Discard, PackOptions{Dir: dir})
			assert.ErrorIs(t, err, ErrNotLinuxAMD64, "only a linux/amd64 staging is packed")
		})
	}
	after, err := os.ReadFile(filepath.Join(root, "host.json"))
	require.NoError(t, err)
	assert.Equal(t, string(repoHost), string(after), "the repository's host.json is never changed")
}

func TestSetExecutable(t *testing.T) {
	in := `{"customHandler": {"description": {"defaultExecutablePath" :  "bin/handler", "arguments": []}}}`
	out, err := setExecutable([]byte(in), "bin/handler", "bin/handler.exe")
	require.NoError(t, err)
	assert.Equal(t, `{"customHandler": {"description": {"defaultExecutablePath" :  "bin/handler.exe", "arguments": []}}}`, string(out))

	_, err = setExecutable([]byte(in), "other", "other.exe")
	assert.ErrorContains(t, err, "is not \"other\"")
	_, err = setExecutable([]byte(`{"defaultExecutablePath":"a","x":{"defaultExecutablePath":"a"}}`), "a", "a.exe")
	assert.ErrorContains(t, err, "found 2")
}

func TestStageRefuses(t *testing.T) {
	root := sourceTree(t)
	tests := []struct {
		name string
		dir  string
		want string
	}{
		{"the repository itself", root, "holds the sources"},
		{"a folder around it", filepath.Dir(root), "holds the sources"},
		{"the function sources", filepath.Join(root, "functions"), "overlaps"},
		{"inside the handler package", filepath.Join(root, "handler", "out"), "overlaps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Stage(context.Background(), StageOptions{Root: root, Dir: tt.dir})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	assert.FileExists(t, filepath.Join(root, "functions", "hello", "function.json"), "nothing was removed")
	assert.FileExists(t, filepath.Join(root, "handler", "main.go"), "nothing was removed")
}

// An app whose sources are a folder inside the module, as the library's
// test app is, is built from that folder: its handler package is relative
// to it.
func TestStageAppInAModuleFolder(t *testing.T) {
	module := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(module, "go.mod"), []byte("module example\n\ngo 1.26\n"), 0o644))
	root := filepath.Join(module, "apps", "demo")
	copyFileT(t, filepath.Join(root, "host.json"), filepath.Join(appRoot, "host.json"))
	copyFileT(t, filepath.Join(root, "functions", "hello", "function.json"), filepath.Join(appRoot, "functions", "hello", "function.json"))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "server"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "server", "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))

	dir := filepath.Join(t.TempDir(), "app")
	st, err := Stage(context.Background(), StageOptions{Root: root, Package: "./server", Dir: dir, Platform: Native})
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(dir, st.Executable))
	assert.FileExists(t, filepath.Join(dir, "hello", "function.json"))
	assert.NoFileExists(t, filepath.Join(dir, "local.settings.json"), "the app has none")

	_, err = Stage(context.Background(), StageOptions{Root: root, Dir: filepath.Join(t.TempDir(), "app")})
	require.Error(t, err, "no ./handler in the app's folder")
	assert.Contains(t, err.Error(), "go build ./handler")
}

func TestStageReportsBuildErrors(t *testing.T) {
	root := sourceTree(t)
	require.NoError(t, os.WriteFile(filepath.Join(root, "handler", "main.go"), []byte("package main\n\nfunc main() { undefined() }\n"), 0o644))
	_, err := Stage(context.Background(), StageOptions{Root: root, Dir: filepath.Join(root, "build", "app")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined")
}
