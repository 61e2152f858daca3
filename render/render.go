// Package render loads a page in a headless Chromium, waits until its
// scripts have built it, and returns the rendered DOM as HTML, for pages
// that send an empty shell and fill it with JavaScript. The browser runs
// with a fresh temporary profile that is removed afterwards, never
// downloads, and never outlives the call; the page's request rules (-H,
// -A, -u, proxies, --max-time, --max-size) apply as they do to a fetch.
package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/insert-from-url/insert-from-url/fetch"
)

// Browsers are the names a browser is looked up by on PATH, in order.
var Browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell", "headless-shell"}

// ErrNoBrowser is returned when no browser is found.
var ErrNoBrowser = errors.New("no browser for --render: install Chromium (apt install chromium) or name one with --browser PATH")

// BrowserError is a browser that would not start or that died.
type BrowserError struct{ Err error }

func (e *BrowserError) Error() string { return "the browser failed: " + e.Err.Error() }
func (e *BrowserError) Unwrap() error { return e.Err }

// FindBrowser returns the browser to use: path when it is given, else the
// first of Browsers on PATH.
func FindBrowser(path string) (string, error) {
	if path != "" {
		found, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w (%s: %v)", ErrNoBrowser, path, err)
		}
		return found, nil
	}
	for _, name := range Browsers {
		if found, err := exec.LookPath(name); err == nil {
			return found, nil
		}
	}
	return "", ErrNoBrowser
}

// Options says how to render.
type Options struct {
	// Browser is the browser's path; "" looks one up (FindBrowser).
	Browser string
	// Fetch holds the request rules: Header, UserAgent, User, Insecure,
	// MaxTime (the whole render) and MaxSize (the rendered DOM).
	Fetch fetch.Options
	// Quiet is how long the page must go without a DOM change or a
	// network event to count as settled; 0 means DefaultQuiet.
	Quiet time.Duration
}

// DefaultQuiet is the settling time: long enough for a script's next
// step (a timer, a fetch that follows another), short enough to wait.
const DefaultQuiet = 500 * time.Millisecond

// longRequest is how long requests in flight without any network event
// may keep the page from settling: long polls and event streams never end.
const longRequest = 3 * time.Second

// Page loads u (http or https) in a headless browser, waits until the
// page has settled, and returns its DOM as HTML (shadow roots flattened
// into their hosts) in a response that reads like a fetched page's: its
// URL is where the page ended up, its status the document's.
func Page(ctx context.Context, u *url.URL, o Options) (*fetch.Response, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &fetch.Error{Kind: fetch.KindUnsupported, URL: u.Redacted(), Msg: "only http and https pages are rendered"}
	}
	path, err := FindBrowser(o.Browser)
	if err != nil {
		return nil, err
	}
	if o.Quiet <= 0 {
		o.Quiet = DefaultQuiet
	}
	maxTime := o.Fetch.MaxTime
	if maxTime == 0 {
		maxTime = fetch.DefaultMaxTime
	}
	runCtx, cancelRun := context.WithCancel(ctx)
	if maxTime > 0 {
		runCtx, cancelRun = context.WithTimeout(ctx, maxTime)
	}
	defer cancelRun()

	// The browser's own files (shared memory, sockets, its NSS database
	// and caches) go to a folder of this run, removed once it is gone:
	// nothing is left in the user's home or temporary folder.
	scratch, err := os.MkdirTemp(scratchParent(), "ifu-render-")
	if err != nil {
		return nil, &BrowserError{Err: err}
	}
	defer os.RemoveAll(scratch)
	opts := append(allocatorOptions(path, o), chromedp.Env("TMPDIR="+scratch, "HOME="+scratch,
		"XDG_CONFIG_HOME="+scratch, "XDG_CACHE_HOME="+scratch, "XDG_DATA_HOME="+scratch))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(runCtx, opts...)
	// The allocator's cancel waits until the browser and its children
	// are gone and the temporary profile is removed.
	defer cancelAlloc()
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	html, final, status, err := load(tabCtx, u, o)
	if err != nil {
		return nil, classify(runCtx, ctx, u, err)
	}
	if max := o.Fetch.MaxSize; max == 0 && int64(len(html)) > fetch.DefaultMaxSize || max > 0 && int64(len(html)) > max {
		return nil, &fetch.Error{Kind: fetch.KindTooLarge, URL: final.Redacted(), Msg: "rendered page larger than --max-size"}
	}
	resp := &fetch.Response{
		URL:           final,
		Name:          final.Redacted(),
		Proto:         "HTTP/1.1",
		StatusCode:    status,
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header:        http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		ContentLength: int64(len(html)),
		Body:          io.NopCloser(strings.NewReader(html)),
	}
	return resp, nil
}

// scratchParent returns the folder for the browser's scratch folder: the
// temporary folder, unless its name is so long that the browser's socket
// names in it would pass the 107 bytes a socket name may have.
func scratchParent() string {
	if dir := os.TempDir(); len(dir) <= 40 {
		return dir
	}
	if st, err := os.Stat("/tmp"); err == nil && st.IsDir() {
		return "/tmp"
	}
	return ""
}

func allocatorOptions(path string, o Options) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		// Nothing of the user's: no extensions, no sync, no GPU.
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("deny-permission-prompts", true),
	)
	if o.Fetch.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(o.Fetch.UserAgent))
	}
	if o.Fetch.Insecure {
		opts = append(opts, chromedp.Flag("ignore-certificate-errors", true))
	}
	if proxy, bypass := proxyFromEnvironment(); proxy != "" {
		opts = append(opts, chromedp.ProxyServer(proxy))
		if bypass != "" {
			opts = append(opts, chromedp.Flag("proxy-bypass-list", bypass))
		}
	} else {
		// The system's settings are not read: as for a fetch, only the
		// environment says which proxy to use.
		opts = append(opts, chromedp.Flag("no-proxy-server", true))
	}
	return opts
}

// proxyFromEnvironment returns the proxy the environment names (as Go's
// http.ProxyFromEnvironment reads it: HTTPS_PROXY, then HTTP_PROXY) and
// the hosts that bypass it, in Chromium's syntax.
func proxyFromEnvironment() (proxy, bypass string) {
	get := func(name string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return os.Getenv(strings.ToLower(name))
	}
	proxy = get("HTTPS_PROXY")
	if proxy == "" {
		proxy = get("HTTP_PROXY")
	}
	if no := get("NO_PROXY"); no != "" {
		bypass = strings.ReplaceAll(no, ",", ";")
	}
	return proxy, bypass
}

// load navigates to u, waits for the page to settle and returns its HTML,
// its final URL and the status of its document.
func load(ctx context.Context, u *url.URL, o Options) (string, *url.URL, int, error) {
	t := newTracker()
	if err := chromedp.Listen(ctx, t.event); err != nil {
		return "", nil, 0, &BrowserError{Err: err}
	}
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchMutations})
			return err
		}),
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		return "", nil, 0, &BrowserError{Err: err}
	}
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorDeny}); err != nil {
		return "", nil, 0, &BrowserError{Err: err}
	}
	if headers := pageHeaders(o.Fetch); len(headers) > 0 {
		if err := interceptRequests(ctx, u, headers); err != nil {
			return "", nil, 0, &BrowserError{Err: err}
		}
	}
	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: u.String()})
	if err != nil {
		return "", nil, 0, err
	}
	if res.ErrorText != "" {
		return "", nil, 0, &chromedp.LoadError{ErrorText: res.ErrorText}
	}
	t.setMainFrame(res.FrameID)
	if err := settle(ctx, t, o.Quiet); err != nil {
		return "", nil, 0, err
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[[2]string](serializeDOM))
	if err != nil {
		return "", nil, 0, err
	}
	final, err := url.Parse(state[0])
	if err != nil || (final.Scheme != "http" && final.Scheme != "https") {
		return "", nil, 0, fmt.Errorf("the page went to %q, which is not an http or https page", state[0])
	}
	status := t.documentStatus()
	if status == 0 {
		status = http.StatusOK
	}
	return state[1], final, status, nil
}

// settle waits until the document is parsed, no DOM change and no network
// event came for quiet, and no request is in flight (or none has moved for
// longRequest: a long poll).
func settle(ctx context.Context, t *tracker, quiet time.Duration) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		sinceChange, err := chromedp.Run(ctx, chromedp.Evaluate[float64](msSinceChange))
		if err != nil {
			// A navigation replaced the document under the call:
			// the page is not settled.
			if ctx.Err() != nil {
				return ctx.Err()
			}
			continue
		}
		if sinceChange < 0 {
			continue // still loading
		}
		inFlight, sinceNetwork := t.network()
		domQuiet := time.Duration(sinceChange)*time.Millisecond >= quiet
		netQuiet := sinceNetwork >= quiet && (inFlight == 0 || sinceNetwork >= longRequest)
		if domQuiet && netQuiet {
			return nil
		}
	}
}

// watchMutations runs in every document before its scripts: it records
// when the DOM last changed.
const watchMutations = `(() => {
  window.__insertFromURLChanged = performance.now();
  new MutationObserver(() => { window.__insertFromURLChanged = performance.now(); })
    .observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
})();`

// msSinceChange is how long ago the DOM changed, or -1 while the document
// is still being parsed.
const msSinceChange = `document.readyState === "loading" ? -1 :
  performance.now() - (window.__insertFromURLChanged || 0)`

// serializeDOM returns the page's URL and its DOM as HTML, each shadow root
// in place of its host's children (with their slots filled), as a reader
// sees them; scripts are left out, except JSON-LD, which holds metadata.
const serializeDOM = `(() => {
  const voids = new Set(["area","base","br","col","embed","hr","img","input","link","meta","source","track","wbr"]);
  const text = s => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const attr = s => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;");
  const out = [];
  const walk = n => {
    if (n.nodeType === Node.TEXT_NODE) { out.push(text(n.data)); return; }
    if (n.nodeType !== Node.ELEMENT_NODE) return;
    const tag = n.localName;
    if (tag === "script" && n.type !== "application/ld+json") return;
    if (tag === "template" || tag === "noscript") return;
    out.push("<" + tag);
    for (const a of n.attributes) out.push(" " + a.name + "=\"" + attr(a.value) + "\"");
    out.push(">");
    if (voids.has(tag)) return;
    let kids = n.childNodes;
    if (tag === "slot") {
      const assigned = n.assignedNodes({flatten: true});
      if (assigned.length) kids = assigned;
    } else if (n.shadowRoot) {
      kids = n.shadowRoot.childNodes;
    }
    if (tag === "script" || tag === "style") {
      out.push(n.textContent.replace(/<\//g, "<\\/"));
    } else {
      for (const k of kids) walk(k);
    }
    out.push("</" + tag + ">");
  };
  walk(document.documentElement);
  return [location.href, "<!DOCTYPE html>" + out.join("")];
})()`

// tracker follows the page's network activity and its document's status.
type tracker struct {
	mu        sync.Mutex
	inFlight  map[network.RequestID]bool
	last      time.Time
	mainFrame cdp.FrameID
	status    int
}

func newTracker() *tracker {
	return &tracker{inFlight: map[network.RequestID]bool{}, last: time.Now()}
}

// event is called by chromedp for each event of the tab: it must be quick.
func (t *tracker) event(ev any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		t.inFlight[ev.RequestID] = true
	case *network.EventLoadingFinished:
		delete(t.inFlight, ev.RequestID)
	case *network.EventLoadingFailed:
		delete(t.inFlight, ev.RequestID)
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument && (t.mainFrame == "" || ev.FrameID == t.mainFrame) {
			t.status = int(ev.Response.Status)
		}
	default:
		return
	}
	t.last = time.Now()
}

func (t *tracker) setMainFrame(id cdp.FrameID) {
	t.mu.Lock()
	t.mainFrame = id
	t.mu.Unlock()
}

func (t *tracker) network() (inFlight int, since time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.inFlight), time.Since(t.last)
}

func (t *tracker) documentStatus() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

// pageHeaders returns the headers that go to the page's origin only: -H's
// and -u's. A User-Agent is set for the whole browser instead.
func pageHeaders(o fetch.Options) map[string]string {
	h := map[string]string{}
	for name, values := range o.Header {
		if strings.EqualFold(name, "User-Agent") || len(values) == 0 || values[len(values)-1] == "" {
			continue
		}
		h[http.CanonicalHeaderKey(name)] = strings.Join(values, ", ")
	}
	if o.User != "" {
		req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
		user, pass, _ := strings.Cut(o.User, ":")
		req.SetBasicAuth(user, pass)
		h["Authorization"] = req.Header.Get("Authorization")
	}
	return h
}

// interceptRequests adds headers to the requests the page makes to its own
// origin (scheme, host and port of u); requests to any other origin go as
// the browser makes them, so that no credential leaves the page's origin.
func interceptRequests(ctx context.Context, u *url.URL, headers map[string]string) error {
	if _, err := chromedp.Call(ctx, cdpfetch.Enable, cdpfetch.EnableParams{}); err != nil {
		return err
	}
	paused := chromedp.Events(ctx, cdpfetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			params := cdpfetch.ContinueRequestParams{RequestID: ev.RequestID}
			if r, err := url.Parse(ev.Request.URL); err == nil && fetch.SameOrigin(r, u) {
				params.Headers = mergeHeaders(ev.Request.Headers, headers)
			}
			chromedp.Call(ctx, cdpfetch.ContinueRequest, params)
		}
	}()
	return nil
}

func mergeHeaders(have network.Headers, add map[string]string) []*cdpfetch.HeaderEntry {
	var out []*cdpfetch.HeaderEntry
	for name, v := range have {
		if _, ok := add[http.CanonicalHeaderKey(name)]; !ok {
			out = append(out, &cdpfetch.HeaderEntry{Name: name, Value: fmt.Sprint(v)})
		}
	}
	for name, v := range add {
		out = append(out, &cdpfetch.HeaderEntry{Name: name, Value: v})
	}
	return out
}

// classify turns a render's failure into the fetch error a static fetch of
// the page would have given, for the same exit code.
func classify(runCtx, parent context.Context, u *url.URL, err error) error {
	name := u.Redacted()
	switch {
	case parent.Err() != nil:
		return &fetch.Error{Kind: fetch.KindInterrupted, URL: name, Msg: "interrupted", Err: err}
	case errors.Is(runCtx.Err(), context.DeadlineExceeded):
		return &fetch.Error{Kind: fetch.KindTimeout, URL: name, Msg: "the page did not settle before --max-time", Err: err}
	}
	var le *chromedp.LoadError
	if errors.As(err, &le) {
		kind := fetch.KindOther
		switch text := le.ErrorText; {
		case strings.Contains(text, "NAME_NOT_RESOLVED"):
			kind = fetch.KindResolve
		case strings.Contains(text, "CONNECTION_REFUSED"), strings.Contains(text, "ADDRESS_UNREACHABLE"), strings.Contains(text, "PROXY_CONNECTION_FAILED"):
			kind = fetch.KindConnect
		case strings.Contains(text, "CERT_"):
			kind = fetch.KindCertificate
		case strings.Contains(text, "SSL_"):
			kind = fetch.KindTLS
		case strings.Contains(text, "TIMED_OUT"):
			kind = fetch.KindTimeout
		}
		return &fetch.Error{Kind: kind, URL: name, Msg: "the browser could not load the page (" + le.ErrorText + ")", Err: err}
	}
	var fe *fetch.Error
	if errors.As(err, &fe) || errors.Is(err, ErrNoBrowser) {
		return err
	}
	var be *BrowserError
	if errors.As(err, &be) {
		return err
	}
	return &BrowserError{Err: err}
}
