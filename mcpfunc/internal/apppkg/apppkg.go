// Package apppkg builds the function app's deployment package: the zip that
// azd uploads and Azure Functions (Flex Consumption) runs.
//
// # Two steps
//
// [Stage] turns a function app's sources (the repository's root for the
// repository's app; any folder of the module with a host.json and
// functions/ for another, such as the library's test app) into a function
// app folder, the layout the Functions host reads:
//
//	build/app/ (local runs)     build/package/ (the deployment package)
//	  handler               the Go custom handler (handler.exe on Windows)
//	  host.json
//	  local.settings.json   for `func start` and devhost only
//	  hello/function.json   one folder per function
//	  …
//
// Two stagings, for two platforms: build/app holds a handler built for the
// developer's own machine ([Native]: macOS, Windows, Linux on arm64 or
// x86-64), which `func start` and devhost run; build/package holds the
// linux/amd64 build ([Target]) that Flex Consumption runs.
//
// Either is staged for one of the two hostings (package hosting). The
// layout above is the trigger hosting's. The self hosting's is the handler,
// host.json with the mcp-custom-handler profile and local.settings.json
// with its feature flag, both made from the repository's ([SelfHostJSON],
// [SelfSettings]), and no function folders: the host would refuse them,
// and the handler serves every function itself.
//
// [Pack] (or [PackFile]) zips the linux/amd64 staging into dist/app.zip.
//
// # What the package guarantees
//
// Flex Consumption mounts the package read-only and starts host.json's
// executable as it finds it, so a zip made by a tool that drops Unix modes
// (many do, on Windows especially) gives a host that cannot start its
// handler. The zip written here therefore:
//
//   - stores the binary with mode 0755, and checks that it is a 64-bit
//     x86-64 ELF file, so a build for the wrong GOOS or GOARCH never ships;
//   - holds exactly the binary, host.json, and each function folder's
//     function.json (none in the self hosting); never local.settings.json,
//     which holds local secrets;
//   - is reproducible: entries sorted, timestamps fixed, so the same
//     staged files always give the same bytes.
package apppkg

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/exefmt"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// Default locations, relative to the repository root (where azd runs the
// packaging hook); azure.yaml's dist names DefaultOutput.
const (
	DefaultStageDir   = "build/app"     // native, for func start and devhost
	DefaultPackageDir = "build/package" // linux/amd64, what Pack zips
	DefaultOutput     = "dist/app.zip"
)

// DefaultModTime is the timestamp of every entry: fixed, so that the package
// depends only on the files' contents. Not 1980, the earliest a zip can
// store: a tool shifting that into a zone west of UTC lands before it.
var DefaultModTime = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// PackOptions says what to pack.
type PackOptions struct {
	// Dir is the staged function app (see [Stage]).
	Dir string

	// ModTime is stamped on every entry; zero means [DefaultModTime]. Set it
	// (from SOURCE_DATE_EPOCH, say) to date a release while staying
	// reproducible.
	ModTime time.Time
}

// Entry is one file or folder of the package.
type Entry struct {
	Name string      // slash-separated; folders end in "/"
	Mode fs.FileMode // as stored in the zip
	Size int64       // uncompressed; 0 for folders
}

// ErrNotLinuxAMD64 reports an executable Flex Consumption cannot run.
var ErrNotLinuxAMD64 = errors.New("not a linux/amd64 executable")

// Pack writes the zip of the staged app in opts.Dir to w and returns its
// entries in order. It refuses an app whose host.json is invalid, names an
// executable that is missing, or names one that is not an x86-64 ELF file.
func Pack(w io.Writer, opts PackOptions) ([]Entry, error) {
	files, err := collect(opts.Dir)
	if err != nil {
		return nil, err
	}
	mtime := opts.ModTime
	if mtime.IsZero() {
		mtime = DefaultModTime
	}
	mtime = mtime.UTC() // the zip's DOS time has no zone: keep it independent of TZ

	zw := zip.NewWriter(w)
	entries := make([]Entry, 0, len(files))
	for _, f := range files {
		h := &zip.FileHeader{Name: f.name, Modified: mtime, Method: zip.Deflate}
		if f.src == "" {
			h.Method = zip.Store
		}
		h.SetMode(f.mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return nil, err
		}
		var size int64
		if f.src != "" {
			if size, err = copyFile(fw, f.src); err != nil {
				return nil, err
			}
		}
		entries = append(entries, Entry{Name: f.name, Mode: f.mode, Size: size})
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return entries, nil
}

// PackFile writes the package to the file out, creating its folder. The file
// appears whole or not at all: a failed run leaves any previous one in place.
func PackFile(out string, opts PackOptions) ([]Entry, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".app-*.zip")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // after a successful rename this finds nothing
	entries, err := Pack(tmp, opts)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return nil, err
	}
	return entries, os.Rename(tmp.Name(), out)
}

// file is one entry to write; src is empty for a folder.
type file struct {
	name string
	mode fs.FileMode
	src  string
}

// collect lists what goes into the package, sorted by name.
func collect(dir string) ([]file, error) {
	app, err := funcapp.Load(dir)
	if err != nil {
		return nil, err
	}
	exe := app.Host.Executable()
	exePath := filepath.Join(dir, filepath.FromSlash(exe))
	if err := CheckExecutable(exePath); err != nil {
		return nil, fmt.Errorf("host.json's executable %q: %w", exe, err)
	}

	files := []file{
		{name: path.Clean(exe), mode: 0o755, src: exePath},
		{name: "host.json", mode: 0o644, src: filepath.Join(dir, "host.json")},
	}
	for _, f := range app.Functions {
		files = append(files,
			file{name: f.Name + "/", mode: fs.ModeDir | 0o755},
			file{name: f.Name + "/function.json", mode: 0o644, src: filepath.Join(dir, f.Name, "function.json")},
		)
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.name, b.name) })
	return files, nil
}

// CheckExecutable reports whether the file at p is a regular file holding a
// 64-bit x86-64 ELF executable: what Flex Consumption's Linux workers run.
func CheckExecutable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", p)
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return checkTarget(f)
}

func checkTarget(r io.ReaderAt) error {
	if err := exefmt.Check(r, TargetGOOS, TargetGOARCH); err != nil {
		return fmt.Errorf("%w: %v", ErrNotLinuxAMD64, err)
	}
	return nil
}

func copyFile(w io.Writer, src string) (int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}
