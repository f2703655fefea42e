package worker

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
)

// elfMachines maps GOARCH to the ELF machine a binary must be built for.
var elfMachines = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"386":     elf.EM_386,
	"arm":     elf.EM_ARM,
	"riscv64": elf.EM_RISCV,
	"ppc64le": elf.EM_PPC64,
	"s390x":   elf.EM_S390,
}

// CheckExecutable reports, in words a developer can act on, why path cannot
// run as the handler on this machine: missing, a folder, not executable, or
// built for another OS or architecture (the staged app is built for
// linux/amd64, the Azure target). A "#!" script is accepted.
func CheckExecutable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("handler binary %s not found: build and stage the app first (make build)", path)
	case err != nil:
		return fmt.Errorf("handler binary: %w", err)
	case fi.IsDir():
		return fmt.Errorf("handler binary %s is a folder", path)
	case fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("handler binary %s is not executable (mode %v): chmod +x it, or rebuild with make build", path, fi.Mode().Perm())
	}
	if runtime.GOOS != "linux" {
		return nil // only Linux machines have ELF binaries to check
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("handler binary: %w", err)
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil {
		return fmt.Errorf("handler binary %s is too short to be a program", path)
	}
	if bytes.HasPrefix(magic, []byte("#!")) {
		return nil
	}
	if !bytes.Equal(magic, []byte(elf.ELFMAG)) {
		return fmt.Errorf("handler binary %s is not a Linux (ELF) program: build it with GOOS=linux (make build)", path)
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		return fmt.Errorf("handler binary %s: unreadable ELF: %v", path, err)
	}
	want, known := elfMachines[runtime.GOARCH]
	if known && ef.Machine != want {
		return fmt.Errorf("handler binary %s is built for %v, but this machine is linux/%s: rebuild it for this machine (make build builds linux/amd64)",
			path, ef.Machine, runtime.GOARCH)
	}
	if ef.Type != elf.ET_EXEC && ef.Type != elf.ET_DYN {
		return fmt.Errorf("handler binary %s is an ELF %v, not a program", path, ef.Type)
	}
	return nil
}
