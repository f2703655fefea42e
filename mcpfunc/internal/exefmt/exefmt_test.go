package exefmt

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// targets are the platforms users build on, and the one Azure runs.
var targets = []struct{ goos, goarch string }{
	{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "arm64"}, {"darwin", "amd64"}, {"windows", "amd64"}, {"windows", "arm64"},
}

var builds sync.Map // "goos/goarch" -> []byte

// build cross-compiles a tiny program with the real toolchain: the headers
// checked are the ones `go build` writes, not hand-made ones.
func build(t *testing.T, goos, goarch string) []byte {
	t.Helper()
	key := goos + "/" + goarch
	if b, ok := builds.Load(key); ok {
		return b.([]byte)
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "prog")
	cmd := exec.Command("go", "build", "-o", out, src)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for %s: %v\n%s", key, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	builds.Store(key, b)
	return b
}

func TestIdentifyRealBuilds(t *testing.T) {
	for _, tg := range targets {
		t.Run(tg.goos+"/"+tg.goarch, func(t *testing.T) {
			p, err := Identify(bytes.NewReader(build(t, tg.goos, tg.goarch)))
			if err != nil {
				t.Fatal(err)
			}
			if p.GOOS != tg.goos || p.GOARCH != tg.goarch || p.Format != FormatFor(tg.goos) || !p.Executable {
				t.Fatalf("Identify = %+v, want an executable %s for %s/%s", p, FormatFor(tg.goos), tg.goos, tg.goarch)
			}
		})
	}
}

// Check accepts each build on its own platform and refuses it on every
// other, saying which of GOOS and GOARCH is wrong.
func TestCheckRealBuilds(t *testing.T) {
	for _, built := range targets {
		for _, want := range targets {
			t.Run(built.goos+"/"+built.goarch+" on "+want.goos+"/"+want.goarch, func(t *testing.T) {
				err := Check(bytes.NewReader(build(t, built.goos, built.goarch)), want.goos, want.goarch)
				switch {
				case built == want:
					if err != nil {
						t.Fatalf("refused on its own platform: %v", err)
					}
				case built.goos != want.goos:
					if err == nil || !strings.Contains(err.Error(), "another GOOS") {
						t.Fatalf("want a GOOS error, got %v", err)
					}
				default:
					if err == nil || !strings.Contains(err.Error(), "another GOARCH") {
						t.Fatalf("want a GOARCH error, got %v", err)
					}
				}
			})
		}
	}
}

// fakeELF is a bare 64-bit little-endian ELF header.
func fakeELF(class elf.Class, typ elf.Type, machine elf.Machine) []byte {
	h := make([]byte, 64)
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS] = byte(class)
	h[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	le := binary.LittleEndian
	le.PutUint16(h[16:], uint16(typ))
	le.PutUint16(h[18:], uint16(machine))
	le.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	le.PutUint16(h[52:], 64)
	return h
}

func TestCheckRefuses(t *testing.T) {
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"text", []byte("hello world, no header here"), "not an ELF file (built for another GOOS?)"},
		{"32-bit x86", fakeELF(elf.ELFCLASS32, elf.ET_EXEC, elf.EM_386), "ELFCLASS32 EM_386 is not linux/amd64"},
		{"object file", fakeELF(elf.ELFCLASS64, elf.ET_REL, elf.EM_X86_64), "not an executable program"},
		{"arm64", fakeELF(elf.ELFCLASS64, elf.ET_EXEC, elf.EM_AARCH64), "EM_AARCH64 is not linux/amd64 (built for another GOARCH?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(bytes.NewReader(tt.file), "linux", "amd64")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want it to say %q", err, tt.want)
			}
		})
	}
	if err := Check(bytes.NewReader(fakeELF(elf.ELFCLASS64, elf.ET_DYN, elf.EM_X86_64)), "linux", "amd64"); err != nil {
		t.Fatalf("a position-independent executable is refused: %v", err)
	}
}
