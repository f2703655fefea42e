// Package worker runs a custom handler process the way the Azure Functions
// host does, and keeps it running.
//
// # Starting
//
// The host picks a free TCP port and passes it to the handler in
// FUNCTIONS_CUSTOMHANDLER_PORT (and FUNCTIONS_HTTPWORKER_PORT), with a
// worker id in FUNCTIONS_CUSTOMHANDLER_WORKER_ID and the app folder in
// FUNCTIONS_APP_ROOT_PATH. It then sends GET / to http://127.0.0.1:<port>/
// until any HTTP answer comes back, whatever its status, and gives up after
// 30 seconds. [Start] does the same and returns once the handler is ready.
//
// # Keeping it running
//
// The handler's stdout and stderr are forwarded line by line with a prefix.
// When the handler exits on its own, the exit is reported and the handler is
// started again after a backoff that grows while it keeps failing; callers
// of [Worker.BaseURL] wait for the new process to be ready, up to the
// readiness limit. [Worker.Stop] asks the handler to stop (SIGTERM; on
// Windows CTRL_BREAK_EVENT, see package proc), waits a grace period for
// calls in flight, then kills it.
//
// The handler runs in a process group of its own, so a Ctrl+C in the
// terminal reaches devhost alone and devhost stops the handler in order,
// and it is tied to devhost (package proc), so no orphan keeps its port
// when devhost dies without stopping it.
package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/freeport"
	"remote-mcp-functions-go/mcpfunc/internal/guid"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// Options configure a [Worker]. Path is required.
type Options struct {
	// Path is the handler executable (host.json's defaultExecutablePath,
	// joined to the app root).
	Path string
	// Args are host.json's customHandler arguments.
	Args []string
	// Dir is the working directory; the host uses the app root.
	Dir string
	// AppRoot is passed as FUNCTIONS_APP_ROOT_PATH. Empty means Dir.
	AppRoot string
	// Env is the handler's environment: the app settings. The port and
	// worker variables are added to it.
	Env []string
	// Output receives the handler's output lines, each with Prefix. Nil
	// means os.Stderr.
	Output io.Writer
	// Prefix marks each forwarded line. Empty means "[handler] ".
	Prefix string
	// ReadyTimeout is how long a start may take before GET / answers, and
	// how long BaseURL waits during a restart. Zero means 30s, the host's
	// default initialization timeout.
	ReadyTimeout time.Duration
	// StopGrace is how long Stop waits after asking the handler to stop
	// before it kills it: time for calls in flight to finish. Zero means 5s.
	StopGrace time.Duration
	// MinBackoff and MaxBackoff bound the delay before a restart; it doubles
	// with each consecutive failure so a handler that crashes on start does
	// not spin. Zero means 100ms and 10s.
	MinBackoff, MaxBackoff time.Duration
	// Logger reports starts, exits and restarts. Nil means slog.Default().
	Logger *slog.Logger
}

// ErrStopped is returned by BaseURL once Stop was called.
var ErrStopped = errors.New("handler stopped")

// ErrNotReady is returned by BaseURL when the handler did not become ready
// within the readiness limit.
var ErrNotReady = errors.New("handler not ready")

// Worker is a running, supervised handler process. Its methods are safe for
// concurrent use.
type Worker struct {
	opts  Options
	out   io.Writer
	probe *http.Client

	mu      sync.Mutex
	cur     *process      // the current process; nil between a crash and its restart
	url     string        // base URL of cur once ready
	ready   bool          //
	readyCh chan struct{} // closed when ready becomes true
	stopped bool
	stopCh  chan struct{} // closed by Stop
	done    chan struct{} // closed when supervision ends
}

// process is one run of the handler.
type process struct {
	cmd     *exec.Cmd
	port    int
	started time.Time
	exited  chan struct{} // closed when the process has exited and its output is flushed
	err     error         // exit error; valid after exited is closed
	killed  atomic.Bool   // Restart killed it on purpose
}

// Start starts the handler and returns once it answers GET /. When it does
// not (it exits, or the readiness limit passes), Start stops it and returns
// an error that says which.
func Start(ctx context.Context, opts Options) (*Worker, error) {
	if opts.Path == "" {
		return nil, errors.New("worker: no handler path")
	}
	if opts.Dir == "" {
		opts.Dir = "."
	}
	if opts.AppRoot == "" {
		opts.AppRoot = opts.Dir
	}
	// Absolute paths: exec resolves a relative Path against Dir, not
	// against our working directory, and the handler reads the root path.
	for _, p := range []*string{&opts.Path, &opts.Dir, &opts.AppRoot} {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return nil, fmt.Errorf("worker: %w", err)
		}
		*p = abs
	}
	if opts.Output == nil {
		opts.Output = os.Stderr
	}
	if opts.Prefix == "" {
		opts.Prefix = "[handler] "
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 30 * time.Second
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = 5 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 100 * time.Millisecond
	}
	if opts.MaxBackoff < opts.MinBackoff {
		opts.MaxBackoff = max(10*time.Second, opts.MinBackoff)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	w := &Worker{
		opts: opts,
		out:  lines.Sync(opts.Output),
		probe: &http.Client{
			Timeout: time.Second,
			// A private transport without proxy: the probe goes to loopback
			// and must not keep connections the calls' pool would not use.
			Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
		},
		readyCh: make(chan struct{}),
		stopCh:  make(chan struct{}),
		done:    make(chan struct{}),
	}
	p, err := w.startReady(ctx)
	if err != nil {
		return nil, err
	}
	w.setReady(p)
	go w.supervise(p)
	return w, nil
}

// BaseURL returns http://127.0.0.1:<port> of the ready handler. While the
// handler restarts it waits, for at most the readiness limit or until ctx
// ends.
func (w *Worker) BaseURL(ctx context.Context) (string, error) {
	var timer *time.Timer
	for {
		w.mu.Lock()
		stopped, ready, url, ch := w.stopped, w.ready, w.url, w.readyCh
		w.mu.Unlock()
		switch {
		case stopped:
			return "", ErrStopped
		case ready:
			if timer != nil {
				timer.Stop()
			}
			return url, nil
		}
		if timer == nil {
			timer = time.NewTimer(w.opts.ReadyTimeout)
			defer timer.Stop()
		}
		select {
		case <-ch:
		case <-w.stopCh:
		case <-ctx.Done():
			return "", ctx.Err()
		case <-timer.C:
			return "", fmt.Errorf("%w after %v (it is restarting)", ErrNotReady, w.opts.ReadyTimeout)
		}
	}
}

// PID is the current handler process id, or 0 between a crash and its
// restart.
func (w *Worker) PID() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cur == nil || w.cur.cmd.Process == nil {
		return 0
	}
	return w.cur.cmd.Process.Pid
}

// Restart kills the current handler process, and supervision starts a new
// one at once, as the host replaces a worker after a function timeout:
// the old one may be stuck, so it gets no grace period.
func (w *Worker) Restart() {
	w.mu.Lock()
	p := w.cur
	w.mu.Unlock()
	if p == nil {
		return
	}
	p.killed.Store(true)
	_ = proc.Kill(p.cmd.Process)
}

// Stop stops supervision and the handler: a stop request, then a kill
// after the grace period or when ctx ends. It returns once the process has
// exited.
// Calling it again does nothing.
func (w *Worker) Stop(ctx context.Context) {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		<-w.done
		return
	}
	w.stopped = true
	close(w.stopCh)
	p := w.cur
	w.mu.Unlock()
	if p != nil {
		w.terminate(ctx, p)
	}
	<-w.done
}

// terminate stops one process: a stop request, grace, a kill.
func (w *Worker) terminate(ctx context.Context, p *process) {
	if proc.Stop(ctx, p.cmd.Process, p.exited, w.opts.StopGrace) {
		w.opts.Logger.Warn("handler did not stop when asked; killing it", "grace", w.opts.StopGrace)
	}
}

// setReady makes p the current, ready process. It reports false, and
// changes nothing, once Stop has begun: the caller then stops p itself.
func (w *Worker) setReady(p *process) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		return false
	}
	w.cur = p
	w.url = "http://127.0.0.1:" + strconv.Itoa(p.port)
	w.ready = true
	close(w.readyCh)
	return true
}

// supervise waits for the handler to exit and restarts it until Stop.
func (w *Worker) supervise(p *process) {
	defer close(w.done)
	failures := 0
	for {
		select {
		case <-p.exited:
		case <-w.stopCh:
			<-p.exited // Stop terminates it
			return
		}
		w.mu.Lock()
		stopped := w.stopped
		if !stopped {
			w.ready = false
			w.readyCh = make(chan struct{})
			w.cur = nil
		}
		w.mu.Unlock()
		if stopped {
			return
		}
		ran := time.Since(p.started)
		// A handler that ran a good while before it failed gets a quick
		// restart; one that keeps failing waits longer each time.
		if ran > 30*time.Second {
			failures = 0
		}
		delay := backoff(w.opts.MinBackoff, w.opts.MaxBackoff, failures)
		if p.killed.Load() {
			delay = 0
			w.opts.Logger.Warn("handler stopped for a restart; starting a new one", "ran", ran.Round(time.Millisecond))
		} else {
			failures++
			w.opts.Logger.Error("handler exited unexpectedly; restarting",
				"exit", exitText(p.err), "ran", ran.Round(time.Millisecond), "restart_in", delay)
		}
		for {
			if !w.sleep(delay) {
				return
			}
			np, err := w.startReady(context.Background())
			if errors.Is(err, ErrStopped) {
				return
			}
			if err == nil {
				if !w.setReady(np) {
					w.terminate(context.Background(), np)
					return
				}
				w.opts.Logger.Info("handler restarted", "pid", np.cmd.Process.Pid, "port", np.port)
				p = np
				break
			}
			delay = backoff(w.opts.MinBackoff, w.opts.MaxBackoff, failures)
			failures++
			w.opts.Logger.Error("handler restart failed", "err", err, "retry_in", delay)
		}
	}
}

// sleep waits d unless Stop comes first; it reports whether to go on.
func (w *Worker) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-w.stopCh:
		return false
	}
}

func backoff(minD, maxD time.Duration, failures int) time.Duration {
	d := minD
	for range failures {
		d *= 2
		if d >= maxD {
			return maxD
		}
	}
	return d
}

// startReady starts one process and waits until GET / answers. On failure
// the process is gone when it returns.
func (w *Worker) startReady(ctx context.Context) (*process, error) {
	p, err := w.spawn()
	if err != nil {
		return nil, err
	}
	if err := w.waitReady(ctx, p); err != nil {
		w.terminate(context.Background(), p)
		return nil, err
	}
	return p, nil
}

func (w *Worker) spawn() (*process, error) {
	// Another process could take the port before the handler binds it;
	// the handler then fails to start and is restarted on a new port.
	port, err := freeport.Get()
	if err != nil {
		return nil, fmt.Errorf("find a free port for the handler: %w", err)
	}
	cmd := exec.Command(w.opts.Path, w.opts.Args...)
	cmd.Dir = w.opts.Dir
	ps := strconv.Itoa(port)
	cmd.Env = append(append([]string(nil), w.opts.Env...),
		"FUNCTIONS_CUSTOMHANDLER_PORT="+ps,
		"FUNCTIONS_HTTPWORKER_PORT="+ps,
		"FUNCTIONS_CUSTOMHANDLER_WORKER_ID="+guid.New(),
		"FUNCTIONS_APP_ROOT_PATH="+w.opts.AppRoot,
	)
	stdout := prefixedLines(w.out, w.opts.Prefix)
	stderr := prefixedLines(w.out, w.opts.Prefix)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// A grandchild holding the output pipes open must not block Wait.
	cmd.WaitDelay = time.Second
	if err := proc.Start(cmd); err != nil {
		return nil, fmt.Errorf("start handler %s: %w", w.opts.Path, err)
	}
	p := &process{cmd: cmd, port: port, started: time.Now(), exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		stdout.Flush()
		stderr.Flush()
		close(p.exited)
	}()
	return p, nil
}

// waitReady probes GET / like the host: any HTTP answer means ready.
func (w *Worker) waitReady(ctx context.Context, p *process) error {
	deadline := time.NewTimer(w.opts.ReadyTimeout)
	defer deadline.Stop()
	url := "http://127.0.0.1:" + strconv.Itoa(p.port) + "/"
	// Poll fast at first: a Go handler is typically up in a few
	// milliseconds, and start-up time is what a developer waits for.
	interval := time.Millisecond
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := w.probe.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			return nil
		}
		t := time.NewTimer(interval)
		select {
		case <-p.exited:
			t.Stop()
			return fmt.Errorf("handler exited before it was ready (%s); its output is above, prefixed %q", exitText(p.err), w.opts.Prefix)
		case <-deadline.C:
			t.Stop()
			return fmt.Errorf("handler did not answer GET / on port %d within %v: it must listen on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT", p.port, w.opts.ReadyTimeout)
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-w.stopCh:
			t.Stop()
			return ErrStopped
		case <-t.C:
		}
		interval = min(interval*2, 50*time.Millisecond)
	}
}

func exitText(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by signal " + ws.Signal().String()
		}
		return ee.Error()
	default:
		return err.Error()
	}
}
