package proc

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// The tests run this test binary as the child: TestMain plays the part
// helperEnv names.
const helperEnv = "PROC_TEST_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "wait":
		// Stop cleanly on a stop request, as our programs do, and watch
		// the parent as devhost does.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		WatchParent(ctx, stop)
		fmt.Println("ready")
		<-ctx.Done()
		os.Exit(0)
	case "ignore":
		signal.Ignore(os.Interrupt, syscall.SIGTERM)
		fmt.Println("ready")
		time.Sleep(time.Hour) // not select{}: the runtime would call that a deadlock
	case "parent":
		// Start a grandchild, print its pid, then wait to be killed.
		cmd := helper("wait")
		out, _ := cmd.StdoutPipe()
		if err := Start(cmd); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		bufio.NewScanner(out).Scan()
		fmt.Println(cmd.Process.Pid)
		time.Sleep(time.Hour) // not select{}: the runtime would call that a deadlock
	}
}

func helper(mode string) *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	return cmd
}

type child struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
	line   string // the first line it printed
}

// startChild starts a helper with Start and waits for its first line.
func startChild(t *testing.T, mode string) *child {
	t.Helper()
	c := &child{cmd: helper(mode), exited: make(chan struct{})}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := Start(c.cmd); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatalf("%s child printed nothing", mode)
	}
	c.line = sc.Text()
	go func() {
		for sc.Scan() {
		}
		c.err = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		_ = Kill(c.cmd.Process)
		<-c.exited
	})
	return c
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// Only a bound for a broken build, not a speed assertion.
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Terminate is a stop request the child handles: it exits 0.
func TestTerminate(t *testing.T) {
	c := startChild(t, "wait")
	pid := c.cmd.Process.Pid
	if !Alive(pid) {
		t.Fatal("Alive is false for a running child")
	}
	kids, err := Children(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(kids, pid) {
		t.Fatalf("Children(%d) = %v, want it to hold %d", os.Getpid(), kids, pid)
	}
	if killed := Stop(context.Background(), c.cmd.Process, c.exited, time.Minute); killed {
		t.Fatal("a child that handles the stop request was killed")
	}
	if c.err != nil {
		t.Fatalf("want exit 0, got %v", c.err)
	}
	if Alive(pid) {
		t.Fatal("Alive is true after the child exited")
	}
}

// A child that ignores the request is killed after the grace period.
func TestStopKillsAfterGrace(t *testing.T) {
	c := startChild(t, "ignore")
	if killed := Stop(context.Background(), c.cmd.Process, c.exited, 100*time.Millisecond); !killed {
		t.Fatal("Stop says it did not kill a child that ignores stop requests")
	}
	if Alive(c.cmd.Process.Pid) {
		t.Fatal("still alive")
	}
}

// A child started with Start outlives neither a Kill of its parent's tree
// nor the parent itself: killed without a chance to clean up, the parent
// leaves no grandchild running (Pdeathsig on Linux, the job object on
// Windows, WatchParent on macOS).
func TestChildDiesWithParent(t *testing.T) {
	parent := startChild(t, "parent")
	grandchild, err := strconv.Atoi(parent.line)
	if err != nil {
		t.Fatalf("parent said %q", parent.line)
	}
	if !Alive(grandchild) {
		t.Fatal("the grandchild is not running")
	}
	below, err := Descendants(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(below, grandchild) {
		t.Fatalf("Descendants = %v, want it to hold the grandchild %d", below, grandchild)
	}
	// SIGKILL (TerminateProcess) to the parent alone, not its group.
	if err := parent.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-parent.exited
	eventually(t, "the grandchild stops after its parent was killed", func() bool { return !Alive(grandchild) })
}

// InterruptGroup reaches the group's leader as a terminal's Ctrl+C does.
func TestInterruptGroup(t *testing.T) {
	c := startChild(t, "wait")
	if err := InterruptGroup(c.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.exited:
	case <-time.After(30 * time.Second):
		t.Fatal("the child did not stop on the interrupt")
	}
	if c.err != nil {
		t.Fatalf("want exit 0, got %v", c.err)
	}
}
