// Package exefmt tells, from its header, which operating system and
// architecture an executable file was built for: ELF (Linux), Mach-O
// (macOS) or PE (Windows). It is the one check both "can this machine run
// the staged handler?" and "is the deployment package's handler
// linux/amd64?" rely on.
package exefmt

import (
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"errors"
	"fmt"
	"io"
)

// Executable formats, by the GOOS that runs them.
const (
	ELF   = "ELF"    // linux (and other Unix systems Go builds ELF for)
	MachO = "Mach-O" // darwin
	PE    = "PE"     // windows
)

// Platform is what a file's header says it runs on.
type Platform struct {
	Format string // ELF, MachO or PE
	GOOS   string // "linux" for any ELF file, "darwin", "windows"
	GOARCH string // as Go names it; empty for an architecture Go does not build
	// Detail names the header's fields in the format's own terms, for
	// messages ("ELFCLASS64 EM_AARCH64", "CpuArm64", "IMAGE_FILE_MACHINE_AMD64").
	Detail string
	// Executable is false for object files, libraries and DLLs.
	Executable bool
}

func (p Platform) String() string {
	arch := p.GOARCH
	if arch == "" {
		arch = p.Detail
	}
	return fmt.Sprintf("%s %s/%s", p.Format, p.GOOS, arch)
}

// ErrUnknownFormat reports a file that is none of ELF, Mach-O and PE.
var ErrUnknownFormat = errors.New("not an ELF, Mach-O or PE file")

// FormatFor is the executable format a GOOS runs.
func FormatFor(goos string) string {
	switch goos {
	case "darwin", "ios":
		return MachO
	case "windows":
		return PE
	default:
		return ELF
	}
}

// Identify reads the header of the executable in r.
func Identify(r io.ReaderAt) (Platform, error) {
	if f, err := elf.NewFile(r); err == nil {
		defer f.Close()
		return Platform{
			Format:     ELF,
			GOOS:       "linux",
			GOARCH:     elfArch(f.Class, f.Machine),
			Detail:     f.Class.String() + " " + f.Machine.String(),
			Executable: f.Type == elf.ET_EXEC || f.Type == elf.ET_DYN,
		}, nil
	}
	if f, err := macho.NewFile(r); err == nil {
		defer f.Close()
		return Platform{Format: MachO, GOOS: "darwin", GOARCH: machoArch(f.Cpu), Detail: f.Cpu.String(), Executable: f.Type == macho.TypeExec}, nil
	}
	if ff, err := macho.NewFatFile(r); err == nil {
		// A universal binary: report the first architecture; Check looks
		// at all of them.
		defer ff.Close()
		a := ff.Arches[0]
		return Platform{Format: MachO, GOOS: "darwin", GOARCH: machoArch(a.Cpu), Detail: "universal " + a.Cpu.String(), Executable: a.Type == macho.TypeExec}, nil
	}
	if f, err := pe.NewFile(r); err == nil {
		defer f.Close()
		ch := f.Characteristics
		return Platform{
			Format:     PE,
			GOOS:       "windows",
			GOARCH:     peArch(f.Machine),
			Detail:     peMachineName(f.Machine),
			Executable: ch&pe.IMAGE_FILE_EXECUTABLE_IMAGE != 0 && ch&pe.IMAGE_FILE_DLL == 0,
		}, nil
	}
	return Platform{}, ErrUnknownFormat
}

// Check reports why the executable in r cannot run on goos/goarch: another
// format (built for another GOOS), another architecture (another GOARCH),
// or not an executable at all. The messages name the header's fields.
func Check(r io.ReaderAt, goos, goarch string) error {
	want := FormatFor(goos)
	p, err := Identify(r)
	if err != nil {
		return fmt.Errorf("not %s %s file (built for another GOOS?)", article(want), want)
	}
	if p.Format != want {
		return fmt.Errorf("not %s %s file: %s %s executable for %s (built for another GOOS?)", article(want), want, article(p.Format), p.Format, p.GOOS)
	}
	if p.Format == MachO {
		if ff, err := macho.NewFatFile(r); err == nil {
			defer ff.Close()
			for _, a := range ff.Arches {
				if machoArch(a.Cpu) == goarch && a.Type == macho.TypeExec {
					return nil
				}
			}
			return fmt.Errorf("%s has no %s executable (built for another GOARCH?)", p.Detail, goarch)
		}
	}
	if p.GOARCH != goarch {
		return fmt.Errorf("%s %s is not %s/%s (built for another GOARCH?)", p.Format, p.Detail, goos, goarch)
	}
	if !p.Executable {
		return fmt.Errorf("%s %s is not an executable program (a library or object file?)", p.Format, p.Detail)
	}
	return nil
}

func article(format string) string {
	if format == ELF {
		return "an"
	}
	return "a"
}

func elfArch(class elf.Class, m elf.Machine) string {
	b64 := class == elf.ELFCLASS64
	switch {
	case m == elf.EM_X86_64 && b64:
		return "amd64"
	case m == elf.EM_AARCH64 && b64:
		return "arm64"
	case m == elf.EM_386 && !b64:
		return "386"
	case m == elf.EM_ARM && !b64:
		return "arm"
	case m == elf.EM_RISCV && b64:
		return "riscv64"
	case m == elf.EM_PPC64 && b64:
		return "ppc64le"
	case m == elf.EM_S390 && b64:
		return "s390x"
	case m == elf.EM_LOONGARCH && b64:
		return "loong64"
	}
	return ""
}

func machoArch(c macho.Cpu) string {
	switch c {
	case macho.CpuAmd64:
		return "amd64"
	case macho.CpuArm64:
		return "arm64"
	case macho.Cpu386:
		return "386"
	case macho.CpuArm:
		return "arm"
	}
	return ""
}

func peArch(m uint16) string {
	switch m {
	case pe.IMAGE_FILE_MACHINE_AMD64:
		return "amd64"
	case pe.IMAGE_FILE_MACHINE_ARM64:
		return "arm64"
	case pe.IMAGE_FILE_MACHINE_I386:
		return "386"
	case pe.IMAGE_FILE_MACHINE_ARMNT:
		return "arm"
	}
	return ""
}

func peMachineName(m uint16) string {
	switch m {
	case pe.IMAGE_FILE_MACHINE_AMD64:
		return "IMAGE_FILE_MACHINE_AMD64"
	case pe.IMAGE_FILE_MACHINE_ARM64:
		return "IMAGE_FILE_MACHINE_ARM64"
	case pe.IMAGE_FILE_MACHINE_I386:
		return "IMAGE_FILE_MACHINE_I386"
	case pe.IMAGE_FILE_MACHINE_ARMNT:
		return "IMAGE_FILE_MACHINE_ARMNT"
	}
	return fmt.Sprintf("machine %#x", m)
}
