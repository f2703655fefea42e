package proc

import "golang.org/x/sys/unix"

// szomb is a zombie's p_stat (sys/proc.h).
const szomb = 5

// parents maps every process to its parent, from sysctl kern.proc.all.
func parents() (map[int]int, error) {
	procs, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return nil, err
	}
	out := make(map[int]int, len(procs))
	for _, p := range procs {
		if p.Proc.P_stat != szomb {
			out[int(p.Proc.P_pid)] = int(p.Eproc.Ppid)
		}
	}
	return out, nil
}

func alive(pid int) bool {
	p, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	return err == nil && int(p.Proc.P_pid) == pid && p.Proc.P_stat != szomb
}
