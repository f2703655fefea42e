package proc

// Children lists the running processes whose parent is pid.
func Children(pid int) ([]int, error) {
	all, err := parents()
	if err != nil {
		return nil, err
	}
	var out []int
	for child, ppid := range all {
		if ppid == pid && Alive(child) {
			out = append(out, child)
		}
	}
	return out, nil
}

// Descendants lists every process below pid (children, their children,
// …), for checking that stopping a process tree left nothing behind.
func Descendants(pid int) ([]int, error) {
	all, err := parents()
	if err != nil {
		return nil, err
	}
	var out []int
	var walk func(int)
	walk = func(parent int) {
		for child, ppid := range all {
			// A pid is its own parent only for the system's idle
			// process (Windows pid 0); never walk into a loop.
			if ppid == parent && child != parent {
				out = append(out, child)
				walk(child)
			}
		}
	}
	walk(pid)
	return out, nil
}

// Alive reports whether a process with this pid runs (a zombie, exited
// but not yet waited for, does not).
func Alive(pid int) bool { return alive(pid) }
