package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a process gets to exit after SIGTERM before it is
// killed. Azurite closes its keep-alive connections first, which takes a few
// seconds when clients are connected.
const stopGrace = 20 * time.Second

// process is a child process whose output is kept for failure messages and
// watched line by line.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *lineLog
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done closes
}

// startProcess starts cmd with its stdout and stderr going to one log, and
// calls onLine (if not nil) with every complete line of output.
func startProcess(name string, cmd *exec.Cmd, onLine func(string)) (*process, error) {
	p := &process{name: name, cmd: cmd, out: &lineLog{onLine: onLine}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// If the test binary dies without cleaning up, the child is told
		// to stop, rather than living on holding ports.
		Pdeathsig: syscall.SIGTERM,
	}
	// A grandchild that keeps the output pipe open must not stall Wait.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM, waits for the exit (SIGKILL after stopGrace) and
// returns the exit error: nil for a clean exit with status 0.
func (p *process) stop() error {
	if p.exited() {
		return p.exitErr()
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.exitErr()
	case <-time.After(stopGrace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("%s did not exit within %v of SIGTERM and was killed", p.name, stopGrace)
	}
}

func (p *process) exitErr() error {
	if p.err == nil {
		return nil
	}
	return fmt.Errorf("%s exited: %w", p.name, p.err)
}

// lineLog keeps a process's output and hands each line to a callback.
type lineLog struct {
	mu      sync.Mutex
	all     bytes.Buffer
	partial []byte
	onLine  func(string)
}

func (l *lineLog) Write(b []byte) (int, error) {
	l.mu.Lock()
	l.all.Write(b)
	l.partial = append(l.partial, b...)
	var lines []string
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, strings.TrimRight(string(l.partial[:i]), "\r"))
		l.partial = l.partial[i+1:]
	}
	l.mu.Unlock()
	if l.onLine != nil {
		for _, line := range lines {
			l.onLine(line)
		}
	}
	return len(b), nil
}

// String returns everything written so far.
func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// tail returns the last max bytes of the output, for failure messages.
func (l *lineLog) tail(max int) string {
	s := l.String()
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

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
		if ppid, ok := parentOf(string(stat)); ok {
			out[pid] = ppid
		}
	}
	return out, nil
}

// childPIDs lists the processes whose parent is pid.
func childPIDs(pid int) ([]int, error) {
	all, err := parents()
	if err != nil {
		return nil, err
	}
	var out []int
	for child, ppid := range all {
		if ppid == pid {
			out = append(out, child)
		}
	}
	return out, nil
}

// Descendants lists every process below pid (children, their children, …),
// for checking that stopping a process tree left nothing behind.
func Descendants(pid int) ([]int, error) {
	all, err := parents()
	if err != nil {
		return nil, err
	}
	var out []int
	var walk func(int)
	walk = func(parent int) {
		for child, ppid := range all {
			if ppid == parent {
				out = append(out, child)
				walk(child)
			}
		}
	}
	walk(pid)
	return out, nil
}

// parentOf reads the parent PID from a /proc/<pid>/stat line:
// "pid (comm) state ppid …", where comm may hold spaces and parentheses.
func parentOf(stat string) (int, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(stat[i+1:])
	if len(fields) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(fields[1])
	return ppid, err == nil
}

// Alive reports whether a process with this PID exists and is not a zombie.
func Alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && !strings.HasPrefix(strings.TrimSpace(s[i+1:]), "Z")
}

var errNotMain = errors.New("testenv: call testenv.Main(m) from the package's TestMain")
