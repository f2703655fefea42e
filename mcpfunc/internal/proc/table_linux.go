package proc

import (
	"os"
	"strconv"
	"strings"
)

// parents maps every process to its parent, from /proc.
func parents() (map[int]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		if ppid, _, ok := parseStat(string(stat)); ok {
			out[pid] = ppid
		}
	}
	return out, nil
}

// parseStat reads the state and parent pid from a /proc/<pid>/stat line:
// "pid (comm) state ppid …", where comm may hold spaces and parentheses.
func parseStat(stat string) (ppid int, state string, ok bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, "", false
	}
	fields := strings.Fields(stat[i+1:])
	if len(fields) < 2 {
		return 0, "", false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, fields[0], err == nil
}

func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, state, ok := parseStat(string(stat))
	return ok && state != "Z"
}
