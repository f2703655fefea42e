package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// Options say what to check, and where.
type Options struct {
	// URL is the MCP endpoint (see ParseEndpoint).
	URL string
	// Key, when not empty, is the key the endpoint requires: sent in
	// x-functions-key, and left out once to see the request refused.
	Key string
	// Functions and Server are the app's declarations.
	Functions decl.Functions
	Server    decl.ServerInfo
	// Probes are the probes the app declares.
	Probes []Probe
	// Out receives the table and the verdict.
	Out io.Writer
}

// ErrFailed is Run's error when a check failed; the table says which.
var ErrFailed = errors.New("verify: FAIL")

// The outcomes of a check.
const (
	pass      = "pass"
	fail      = "FAIL"
	notCalled = "not called"
)

type row struct{ check, result, detail string }

// checker is one run.
type checker struct {
	opts  Options
	ep    Endpoint
	model *Listing
	rows  []row
	http  *http.Client // sends the key, when there is one
	// interrupted: the context Run got ended (Ctrl+C) before every check
	// ran.
	interrupted bool
}

// Run checks the endpoint: nil when every check passed, ErrFailed when
// one failed (the table and the verdict say which and why), a *UsageError
// for a bad URL, any other error when the declarations could not be
// listed. The key never reaches Out or an error.
func Run(ctx context.Context, opts Options) error {
	out := &redactor{w: opts.Out, secret: opts.Key}
	ep, err := ParseEndpoint(opts.URL)
	if err != nil {
		return redactErr(err, opts.Key)
	}
	mctx, cancel := context.WithTimeout(ctx, requestLimit) // in process: a backstop
	model, err := Declared(mctx, opts.Functions, opts.Server)
	cancel()
	if err != nil {
		return redactErr(err, opts.Key)
	}
	if ep.Hosting == hosting.Triggers {
		model = model.asExtensionLists()
	}
	c := &checker{opts: opts, ep: ep, model: model, http: &http.Client{Transport: keyTransport{key: opts.Key}}}
	fmt.Fprintf(out, "verify: %s (%s hosting: %s)\n\n", ep.URL, ep.Hosting, transportNames(ep))
	c.keyChecks(ctx)
	for _, tr := range ep.Transports() {
		if ctx.Err() != nil {
			break
		}
		c.transport(ctx, tr)
	}
	c.interrupted = ctx.Err() != nil
	c.report(out)
	if c.interrupted || slices.ContainsFunc(c.rows, func(r row) bool { return r.result == fail }) {
		return ErrFailed
	}
	return nil
}

func transportNames(ep Endpoint) string {
	var names []string
	for _, tr := range ep.Transports() {
		names = append(names, tr.Name)
	}
	return strings.Join(names, " and ")
}

func (c *checker) add(check, result, detail string) {
	c.rows = append(c.rows, row{check, result, detail})
}

// keyChecks: with a key, a request without it must be refused, on every
// transport.
func (c *checker) keyChecks(ctx context.Context) {
	if c.opts.Key == "" {
		return
	}
	for _, tr := range c.ep.Transports() {
		check := tr.Name + ": refused without the key"
		st, err := c.status(ctx, tr, false)
		switch {
		case err != nil:
			c.add(check, fail, err.Error()+": "+unreachable(err))
		case st == http.StatusUnauthorized || st == http.StatusForbidden:
			c.add(check, pass, fmt.Sprintf("%d %s", st, http.StatusText(st)))
		case st >= 200 && st < 300:
			c.add(check, fail, fmt.Sprintf("the endpoint accepted a request without the key (%d): %s", st, c.openCause()))
		default:
			c.add(check, fail, fmt.Sprintf("want 401 or 403 without the key, got %d %s", st, http.StatusText(st)))
		}
	}
}

// openCause is the likely cause of an endpoint that takes requests
// without the key.
func (c *checker) openCause() string {
	if c.ep.Hosting == hosting.Triggers {
		return "func start enforces no keys (use devhost with MCP_EXTENSION_KEY, or a deployment); on Azure, check that nothing in front of the app answers for it; see docs/troubleshooting.md#verify"
	}
	return "a self-hosted handler run directly (-listen) requires a key only with MCP_EXTENSION_KEY set; on Azure, built-in authentication turns the key check off (ENABLE_BUILTIN_AUTH); see docs/troubleshooting.md#verify"
}

// unreachable is the likely cause of a request that got no answer.
func unreachable(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %v: a function app's first request after a pause starts it (a cold start), which can take long; run make verify again", requestLimit)
	}
	return "nothing answered there: is the server running at this address, and the URL right?"
}

// status sends initialize (Streamable HTTP) or opens the stream (SSE),
// with the key or without, and returns the status; a session it opened
// is closed.
func (c *checker) status(ctx context.Context, tr Transport, withKey bool) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, requestLimit)
	defer cancel()
	method, body := http.MethodPost, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"verify","version":"1.0.0"}}}`)
	if tr.Name == "sse" {
		method, body = http.MethodGet, strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, tr.URL, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json, text/event-stream")
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := http.DefaultClient
	if withKey {
		hc = c.http
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err // it names the URL, which holds no key (ParseEndpoint); the report is scrubbed anyway
	}
	resp.Body.Close() // an SSE stream ends here
	if id := resp.Header.Get("Mcp-Session-Id"); id != "" && method == http.MethodPost {
		del, err := http.NewRequestWithContext(ctx, http.MethodDelete, tr.URL, nil)
		if err == nil {
			del.Header.Set("Mcp-Session-Id", id)
			if r, err := hc.Do(del); err == nil {
				r.Body.Close()
			}
		}
	}
	return resp.StatusCode, nil
}

// transport runs the checks of one transport.
func (c *checker) transport(ctx context.Context, tr Transport) {
	name := tr.Name + ": "
	s, closeIt, err := c.connect(ctx, tr)
	if err != nil {
		c.add(name+"initialize", fail, c.connectCause(ctx, tr, err))
		return
	}
	defer closeIt()
	init := s.InitializeResult()
	c.add(name+"initialize", pass, fmt.Sprintf("server %q %s, protocol %s", init.ServerInfo.Name, init.ServerInfo.Version, init.ProtocolVersion))
	listCtx, cancel := context.WithTimeout(ctx, probeLimit)
	defer cancel()
	l, err := List(listCtx, s)
	if err != nil {
		c.add(name+"listings", fail, scrub(err.Error(), c.opts.Key))
		return
	}
	c.compareServer(name, l)
	c.compareListings(name, l)
	c.probes(ctx, name, s, l)
}

// connect opens a go-sdk client session on tr, with the key. The context
// it connects with lives as long as the session, for the SSE transport's
// stream is bound to it: the connection alone is bounded, by a timer. It
// outlives ctx, so that an interrupt (ctx ending) leaves the session open
// for the probes' cleanups; closeIt ends it.
func (c *checker) connect(ctx context.Context, tr Transport) (_ *mcp.ClientSession, closeIt func(), _ error) {
	interrupted := ctx
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	bound := time.AfterFunc(requestLimit, cancel)
	stopWatching := context.AfterFunc(interrupted, cancel) // until connected
	defer stopWatching()
	var t mcp.Transport = &mcp.StreamableClientTransport{Endpoint: tr.URL, HTTPClient: c.http, MaxRetries: -1}
	if tr.Name == "sse" {
		t = &mcp.SSEClientTransport{Endpoint: tr.URL, HTTPClient: c.http}
	}
	s, err := mcp.NewClient(&mcp.Implementation{Name: "verify", Version: "1.0.0"}, nil).Connect(ctx, t, nil)
	if timedOut := !bound.Stop(); err != nil || timedOut {
		if err == nil {
			s.Close()
		}
		if timedOut {
			err = fmt.Errorf("initialize: %w", context.DeadlineExceeded)
		}
		cancel()
		return nil, nil, err
	}
	return s, func() { s.Close(); cancel() }, nil
}

// connectCause says why a session could not be opened, from the status
// the endpoint answers.
func (c *checker) connectCause(ctx context.Context, tr Transport, err error) string {
	what := "could not connect: " + scrub(err.Error(), c.opts.Key)
	st, serr := c.status(ctx, tr, true)
	switch {
	case serr != nil:
		return what + ": " + unreachable(serr)
	case errors.Is(err, context.DeadlineExceeded):
		return what + ": " + unreachable(err)
	case st == http.StatusUnauthorized && c.opts.Key == "":
		return "401 Unauthorized: the endpoint wants a key: set MCP_KEY (make verify URL=… KEY=…); the trigger hosting takes the system key mcp_extension, the self hosting the default host key (docs/deploy.md#get-the-key)"
	case st == http.StatusUnauthorized:
		return "401 Unauthorized with the key: the endpoint does not know this key; the trigger hosting takes the system key mcp_extension, the self hosting the default host key (docs/deploy.md#get-the-key)"
	case st == http.StatusForbidden && c.opts.Key == "":
		return "403 Forbidden: the endpoint refuses this client; with a key it may not (set MCP_KEY); a self-hosted handler run directly refuses cross-site requests (docs/troubleshooting.md#verify)"
	case st == http.StatusForbidden:
		return "403 Forbidden with the key: a key of the app, but not the one this path takes: /runtime/webhooks/mcp takes only the system key mcp_extension, /mcp the default host key; see docs/troubleshooting.md#verify"
	case st == http.StatusNotFound:
		return "404 Not Found: nothing serves MCP at this path: the trigger hosting serves /runtime/webhooks/mcp, the self hosting /mcp (MCP_HOSTING); check the URL against the hosting deployed"
	case st >= 300:
		return fmt.Sprintf("%s (HTTP %d %s)", what, st, http.StatusText(st))
	}
	return what
}

// compareServer compares initialize's serverInfo and instructions with
// the declared ones.
func (c *checker) compareServer(name string, l *Listing) {
	got, want := l.Init, c.model.Init
	var diffs []string
	if got.ServerInfo.Name != want.ServerInfo.Name {
		diffs = append(diffs, fmt.Sprintf("name %q, declared %q", got.ServerInfo.Name, want.ServerInfo.Name))
	}
	if got.ServerInfo.Version != want.ServerInfo.Version {
		diffs = append(diffs, fmt.Sprintf("version %q, declared %q", got.ServerInfo.Version, want.ServerInfo.Version))
	}
	if got.Instructions != want.Instructions {
		diffs = append(diffs, fmt.Sprintf("instructions %s, declared %s", show(got.Instructions), show(want.Instructions)))
	}
	if len(diffs) > 0 {
		cause := "host.json's extensions.mcp is not the app's (run make generate, then deploy again)"
		if c.ep.Hosting == hosting.Self {
			cause = "the handler deployed was built from other declarations: deploy again"
		}
		c.add(name+"server info", fail, "the server answers "+strings.Join(diffs, "; ")+": "+cause)
		return
	}
	c.add(name+"server info", pass, "name, version and instructions as declared")
}

// compareListings compares each list with the declared one.
func (c *checker) compareListings(name string, l *Listing) {
	compareList(c, name+"tools/list", "tool", l.Tools, c.model.Tools, func(t *mcp.Tool) string { return t.Name })
	compareList(c, name+"resources/templates/list", "resource template", l.Templates, c.model.Templates, func(t *mcp.ResourceTemplate) string { return t.URITemplate })
	compareList(c, name+"resources/list", "resource", l.Resources, c.model.Resources, func(r *mcp.Resource) string { return r.URI })
	compareList(c, name+"prompts/list", "prompt", l.Prompts, c.model.Prompts, func(p *mcp.Prompt) string { return p.Name })
}

func compareList[T any](c *checker, check, kind string, got, want []T, key func(T) string) {
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if len(got) == 0 {
		c.add(check, fail, "listed no "+kind+"s, declared "+strings.Join(keys(want, key), ", ")+": "+c.nothingCause(kind))
		return
	}
	byKey := map[string]T{}
	for _, g := range got {
		byKey[key(g)] = g
	}
	var problems []string
	for _, w := range want {
		g, ok := byKey[key(w)]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s %s is declared but not listed", kind, key(w)))
			continue
		}
		delete(byKey, key(w))
		for _, fd := range fieldDiffs(g, w) {
			problems = append(problems, fmt.Sprintf("%s's %s differs: %s", key(w), fd.field, strings.Join(fd.diffs, "; ")))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		problems = append(problems, fmt.Sprintf("%s %s is listed but not declared", kind, k))
	}
	if len(problems) > 0 {
		c.add(check, fail, strings.Join(problems, "; ")+": "+c.differsCause())
		return
	}
	c.add(check, pass, fmt.Sprintf("%d as declared: %s", len(want), strings.Join(keys(want, key), ", ")))
}

// fieldDiffs compares two listed functions member by member: the
// differences of each member that differs (inputSchema, description, …).
func fieldDiffs(got, want any) []fieldDiff {
	g, _ := generic(got).(map[string]any)
	w, _ := generic(want).(map[string]any)
	var out []fieldDiff
	for _, k := range slices.Sorted(maps.Keys(merge(g, w))) {
		gv, gin := g[k]
		wv, win := w[k]
		switch {
		case !gin:
			out = append(out, fieldDiff{k, []string{fmt.Sprintf("the endpoint lists none, declared %s", show(wv))}})
		case !win:
			out = append(out, fieldDiff{k, []string{fmt.Sprintf("the endpoint lists %s, declared none", show(gv))}})
		default:
			if d := differences(gv, wv, 3); len(d) > 0 {
				out = append(out, fieldDiff{k, d})
			}
		}
	}
	return out
}

type fieldDiff struct {
	field string
	diffs []string
}

func (c *checker) nothingCause(kind string) string {
	if c.ep.Hosting == hosting.Triggers {
		return "the extension did not register the triggers; check the extension bundle range in host.json (the MCP triggers need bundle 4.x with the MCP extension) and that the package has functions/ (make generate), or switch MCP_HOSTING=self; see docs/troubleshooting.md#verify"
	}
	return "the server at this URL does not serve this app's " + kind + "s: check the URL, and that the handler deployed is this app's; see docs/troubleshooting.md#verify"
}

func (c *checker) differsCause() string {
	if c.ep.Hosting == hosting.Triggers {
		return "the deployment runs other declarations than these (run make generate and deploy again), or the host lists the trigger otherwise than devhost models it (docs/contract.md); see docs/troubleshooting.md#verify"
	}
	return "the handler deployed was built from other declarations than these: deploy again; see docs/troubleshooting.md#verify"
}

func keys[T any](list []T, key func(T) string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		out = append(out, key(v))
	}
	return out
}

// probes runs the declared probes on s, then says for each declared
// function whether a probe called it.
func (c *checker) probes(ctx context.Context, name string, s *mcp.ClientSession, l *Listing) {
	fns := c.opts.Functions
	var decls []declared
	for _, t := range fns.Tools {
		decls = append(decls, declared{kind: "tool", name: t.Name})
	}
	for _, r := range fns.Resources {
		decls = append(decls, declared{kind: "resource", name: r.Name, match: resourceMatcher(r.URI)})
	}
	for _, p := range fns.Prompts {
		decls = append(decls, declared{kind: "prompt", name: p.Name})
	}
	u := newUsage(l, decls)
	for _, p := range c.opts.Probes {
		if ctx.Err() != nil {
			return // interrupted: no other probe starts
		}
		cl := &client{s: s, u: u, probe: p.Function}
		err := RunProbe(ctx, p, cl)
		check := name + "probe of " + p.Function
		switch {
		case err != nil && ctx.Err() != nil:
			c.add(check, fail, scrub(err.Error(), c.opts.Key)+": interrupted before it finished; its cleanups ran")
		case err != nil:
			c.add(check, fail, scrub(err.Error(), c.opts.Key)+": "+c.probeCause())
		default:
			c.add(check, pass, strings.Join(cl.did, ", "))
		}
	}
	if ctx.Err() != nil {
		return // what no probe called is not known
	}
	// What no probe touched: read-only functions are read once; the rest
	// are not called.
	for _, r := range fns.Resources {
		c.coverage(ctx, name, s, u, "resource", r.Name, len(r.Params()) == 0, func(cl Client, ctx context.Context) error {
			_, err := cl.ReadResource(ctx, r.URI)
			return err
		})
	}
	for _, p := range fns.Prompts {
		args, err := p.Arguments()
		readOnly := err == nil && !slices.ContainsFunc(args, func(a decl.PromptArgument) bool { return a.Required })
		c.coverage(ctx, name, s, u, "prompt", p.Name, readOnly, func(cl Client, ctx context.Context) error {
			_, err := cl.GetPrompt(ctx, p.Name, nil)
			return err
		})
	}
	for _, t := range fns.Tools {
		c.coverage(ctx, name, s, u, "tool", t.Name, false, nil)
	}
}

func (c *checker) coverage(ctx context.Context, name string, s *mcp.ClientSession, u *usage, kind, fn string, readOnly bool, read func(Client, context.Context) error) {
	check := name + kind + " " + fn
	if by := u.callers(kind, fn); len(by) > 0 {
		c.add(check, pass, "by the probe of "+strings.Join(by, ", "))
		return
	}
	if !readOnly {
		c.add(check, notCalled, "no probe calls it (declare one: mcpfunc."+strings.ToUpper(kind[:1])+kind[1:]+".Probe)")
		return
	}
	cl := &client{s: s, u: u, probe: "verify"}
	if err := RunProbe(ctx, Probe{Kind: kind, Function: fn, Run: func(ctx context.Context, c Client) error { return read(c, ctx) }}, cl); err != nil {
		c.add(check, fail, scrub(err.Error(), c.opts.Key))
		return
	}
	c.add(check, pass, strings.Join(cl.did, ", ")+" (read-only, no probe)")
}

func (c *checker) probeCause() string {
	return "the function answered otherwise than its probe expects; call it yourself (MCP Inspector) and read the function's log; see docs/troubleshooting.md#verify"
}

// keyTransport sends the key in x-functions-key, as the host takes it.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if k.key != "" {
		r = r.Clone(r.Context())
		r.Header.Set("x-functions-key", k.key)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// report prints the table and the verdict.
func (c *checker) report(out io.Writer) {
	wc, wr := len("CHECK"), len("RESULT")
	for _, r := range c.rows {
		wc, wr = max(wc, len(r.check)), max(wr, len(r.result))
	}
	line := func(a, b, d string) { fmt.Fprintf(out, "%-*s  %-*s  %s\n", wc, a, wr, b, d) }
	line("CHECK", "RESULT", "DETAIL")
	var failed, uncalled []string
	passed := 0
	for _, r := range c.rows {
		line(r.check, r.result, r.detail)
		switch r.result {
		case fail:
			failed = append(failed, r.check+": "+r.detail)
		case notCalled:
			uncalled = append(uncalled, r.check)
		default:
			passed++
		}
	}
	fmt.Fprintln(out)
	if c.interrupted {
		fmt.Fprintf(out, "verify: FAIL: interrupted after %d checks; the rest were not run\n", len(c.rows))
		return
	}
	if len(failed) > 0 {
		fmt.Fprintf(out, "verify: FAIL: %d of %d checks failed; first, %s\n", len(failed), len(c.rows), failed[0])
		return
	}
	verdict := fmt.Sprintf("verify: PASS: %d checks passed", passed)
	if len(uncalled) > 0 {
		verdict += fmt.Sprintf(", %d not called (no probe)", len(uncalled))
	}
	fmt.Fprintln(out, verdict)
}

// redactor writes what it is given with the secret replaced.
type redactor struct {
	w      io.Writer
	secret string
}

func (r *redactor) Write(p []byte) (int, error) {
	if _, err := io.WriteString(r.w, scrub(string(p), r.secret)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// scrub is s with every occurrence of secret replaced.
func scrub(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[key]")
}

func redactErr(err error, secret string) error {
	var u *UsageError
	if errors.As(err, &u) {
		return &UsageError{scrub(u.msg, secret)}
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		return errors.New(scrub(err.Error(), secret))
	}
	return err
}
