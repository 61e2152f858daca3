// Package fetch opens the input of insert-from-url: an http or https URL, a
// local file, or standard input. It returns the response's metadata and a body
// reader that is decompressed, capped in size and bounded in time, and reports
// every failure as a typed *Error or *StatusError. It never prints or exits.
package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults used when the corresponding Options field is zero.
const (
	DefaultMaxRedirects   = 10
	DefaultConnectTimeout = 10 * time.Second
	DefaultMaxTime        = 60 * time.Second
	DefaultMaxSize        = 64 << 20
)

// Options controls a fetch. The zero value is usable: every zero field means
// the default documented on it.
type Options struct {
	// MaxRedirects is how many redirects are followed: 0 means
	// DefaultMaxRedirects, a negative value means none (the 3xx response
	// itself is returned).
	MaxRedirects int
	// ConnectTimeout bounds the TCP connection; 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// MaxTime bounds the whole transfer, body included; 0 means
	// DefaultMaxTime, a negative value means no limit.
	MaxTime time.Duration
	// MaxSize caps the decoded body of an HTTP response in bytes; 0 means
	// DefaultMaxSize, a negative value means no limit. Files and stdin
	// are not capped.
	MaxSize int64
	// Header holds extra request headers. A header with an empty value
	// removes one that would be sent otherwise (as curl's -H "Name:" does).
	Header http.Header
	// UserAgent is sent unless Header sets one; empty means no User-Agent.
	UserAgent string
	// User is "user:password" for basic authentication; empty means none.
	User string
	// Insecure skips the verification of TLS certificates.
	Insecure bool
}

func (o *Options) maxRedirects() int {
	switch {
	case o.MaxRedirects == 0:
		return DefaultMaxRedirects
	case o.MaxRedirects < 0:
		return 0
	}
	return o.MaxRedirects
}

func (o *Options) connectTimeout() time.Duration {
	if o.ConnectTimeout <= 0 {
		return DefaultConnectTimeout
	}
	return o.ConnectTimeout
}

func (o *Options) maxTime() time.Duration {
	if o.MaxTime == 0 {
		return DefaultMaxTime
	}
	return o.MaxTime
}

func (o *Options) maxSize() int64 {
	if o.MaxSize == 0 {
		return DefaultMaxSize
	}
	return o.MaxSize
}

// Response is an opened input. The caller must Close Body.
type Response struct {
	// URL is the final URL after redirects; nil for files and stdin.
	URL *url.URL
	// LocalURL is where a file or stdin's relative links lead: the file's
	// file: URL, or the working directory's for stdin; nil for HTTP.
	LocalURL *url.URL
	// Name is what error messages call the input: the redacted URL, the
	// file name, or "stdin".
	Name string
	// Proto, Status and StatusCode describe an HTTP response ("HTTP/1.1",
	// "200 OK", 200); they are empty for files and stdin.
	Proto      string
	Status     string
	StatusCode int
	// Header is the HTTP response header, or a synthesized Content-Type for
	// files whose extension is known.
	Header http.Header
	// ContentLength is the length announced by the server before any
	// decompression, or the size of a file; -1 when unknown.
	ContentLength int64
	// Body is the decoded body. Its Read returns an *Error for a truncated
	// body, a corrupt encoding, a size over MaxSize or a timeout.
	Body io.ReadCloser

	received atomic.Int64
}

// Received returns how many bytes of the body have arrived so far, before
// decompression. It may be called from another goroutine.
func (r *Response) Received() int64 { return r.received.Load() }

// ContentType returns the Content-Type header.
func (r *Response) ContentType() string { return r.Header.Get("Content-Type") }

// Err returns a *StatusError when the HTTP status is 400 or more.
func (r *Response) Err() error {
	if r.StatusCode >= 400 {
		return &StatusError{StatusCode: r.StatusCode, Status: r.Status, URL: r.Name}
	}
	return nil
}

// Open opens input: "-" is stdin, a path or file:// URL is a local file, and
// an http or https URL is fetched. A name without a scheme is a file when such
// a file exists and an https URL otherwise. A response with an HTTP error
// status is returned, not an error: see Response.Err.
func Open(ctx context.Context, input string, stdin io.Reader, o Options) (*Response, error) {
	if input == "-" {
		r := openReader(ctx, io.NopCloser(stdin), "stdin", "", -1)
		if wd, err := os.Getwd(); err == nil {
			r.LocalURL = fileURL(wd + string(filepath.Separator))
		}
		return r, nil
	}
	u, path, err := ParseInput(input)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return openFile(ctx, path)
	}
	r, err := get(ctx, u, &o, newClient(&o))
	var fe *Error
	if err != nil && !strings.Contains(input, "://") && errors.As(err, &fe) && (fe.Kind == KindTLS || fe.Kind == KindConnect) {
		// The user typed no scheme and https was assumed: a server on a
		// port of its own (localhost:8080) usually speaks plain HTTP.
		u.Scheme = "http"
		fe.Hint = "no scheme was given, so https was tried; for plain HTTP, give " + redact(u)
	}
	return r, err
}

// A Client fetches the resources of one page (its images) over one pool
// of connections, with the rules the page was fetched with: the same
// timeouts, size cap and redirect rules, and its credentials (User) and
// extra headers (Header) only for the origin they were given for.
type Client struct {
	o      Options
	page   *url.URL
	client *http.Client
}

// NewClient returns a Client for the resources of a page. page is the URL
// the user asked for, before any redirect: the origin that o.User and
// o.Header are meant for (a page that redirected to another origin was
// fetched without them, and its resources are too); nil sends them nowhere.
func NewClient(o Options, page *url.URL) *Client {
	c := &Client{o: o, page: page}
	c.client = newClient(&c.o)
	return c
}

// Get fetches u, an http or https URL. Like Open, it returns a response
// with an HTTP error status, not an error.
func (c *Client) Get(ctx context.Context, u *url.URL) (*Response, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &Error{Kind: KindUnsupported, URL: redact(u), Msg: "only http and https are fetched"}
	}
	o := c.o
	if c.page == nil || !SameOrigin(u, c.page) {
		o.User = ""
		o.Header = removals(o.Header)
		u = cloneURL(u)
		u.User = nil
	}
	return get(ctx, u, &o, c.client)
}

// credentialHeaders are the request headers that say who the user is:
// they go to the origin they were given for and nowhere else. So do all
// the headers of Options.Header (an X-Api-Key is as secret as a Cookie).
var credentialHeaders = []string{"Authorization", "Cookie", "Proxy-Authorization"}

// isRemoval reports whether the values of a header in Options.Header say
// to remove it ("Name:").
func isRemoval(values []string) bool { return len(values) == 1 && values[0] == "" }

// removals returns the headers of h that remove a header: the part of
// Options.Header that is no secret and goes to every origin.
func removals(h http.Header) http.Header {
	out := http.Header{}
	for name, values := range h {
		if isRemoval(values) {
			out[name] = values
		}
	}
	return out
}

// defaultHeader is what a request carries before Options.Header: the
// Accept-Encoding we decode and the User-Agent ("" keeps Go from sending
// its own).
func defaultHeader(o *Options) http.Header {
	h := http.Header{}
	h.Set("Accept-Encoding", AcceptEncoding)
	h.Set("User-Agent", o.UserAgent)
	return h
}

func cloneURL(u *url.URL) *url.URL {
	c := *u
	return &c
}

// ParseInput resolves what an input names: an http(s) URL, or a local path.
// A URL is read as browsers read what is typed or pasted: white space at
// its ends and tabs and newlines inside are dropped, and characters that a
// request line cannot carry are percent-encoded (a space as %20).
func ParseInput(input string) (u *url.URL, path string, err error) {
	bad := func(msg string) error { return &Error{Kind: KindBadURL, URL: redactRaw(input), Msg: msg} }
	if input == "" {
		return nil, "", bad("empty URL")
	}
	scheme, _, hasScheme := strings.Cut(input, "://")
	if !hasScheme || strings.ContainsAny(scheme, "/.?#") {
		if strings.HasPrefix(input, "/") || strings.HasPrefix(input, "./") || strings.HasPrefix(input, "../") {
			return nil, input, nil
		}
		if _, err := os.Stat(input); err == nil {
			return nil, input, nil
		}
		if strings.HasPrefix(input, "-") {
			return nil, input, nil
		}
		input, scheme = "https://"+input, "https"
	}
	input = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimFunc(input, func(r rune) bool { return r <= ' ' })) // C0 controls and space
	scheme, _, _ = strings.Cut(input, "://")
	switch strings.ToLower(scheme) {
	case "http", "https":
	case "file":
		fu, err := url.Parse(input)
		if err != nil || (fu.Host != "" && fu.Host != "localhost") {
			return nil, "", bad("malformed file URL")
		}
		return nil, filepath.FromSlash(fu.Path), nil
	default:
		return nil, "", &Error{Kind: KindUnsupported, URL: redactRaw(input), Msg: "protocol " + strings.ToLower(scheme) + " not supported"}
	}
	u, err = url.Parse(input)
	if err != nil {
		msg := "malformed URL"
		var ue *url.Error
		if redacted := redactRaw(input); redacted != input {
			// Go's message quotes the part it could not read, which may be
			// the password.
			return nil, "", &Error{Kind: KindBadURL, URL: redacted, Msg: msg}
		} else if errors.As(err, &ue) {
			msg += " (" + ue.Err.Error() + ")"
		}
		return nil, "", &Error{Kind: KindBadURL, URL: input, Msg: msg}
	}
	if u.Hostname() == "" {
		return nil, "", &Error{Kind: KindBadURL, URL: redact(u), Msg: "malformed URL (no host)"}
	}
	u.RawQuery = escapeQuery(u.RawQuery)
	return u, "", nil
}

// escapeQuery percent-encodes what browsers encode in a query: controls,
// space, quotes, angle brackets and every byte outside ASCII. Go sends the
// path escaped, but the query as it was given.
func escapeQuery(q string) string {
	escaped := func(c byte) bool {
		return c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`'
	}
	n := 0
	for i := 0; i < len(q); i++ {
		if escaped(q[i]) {
			n++
		}
	}
	if n == 0 {
		return q
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(q)+2*n)
	for i := 0; i < len(q); i++ {
		if c := q[i]; escaped(c) {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}

// redactRaw hides what may be a password in a URL that does not parse: all
// between the first colon after the scheme and the last @, whatever a
// password holds (/, #, ? or spaces).
func redactRaw(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		if user, _, hasPass := strings.Cut(rest[:at], ":"); hasPass {
			return scheme + "://" + user + ":xxxxx" + rest[at:]
		}
	}
	return s
}

func openFile(ctx context.Context, path string) (*Response, error) {
	f, err := os.Open(path)
	if err != nil {
		msg := "cannot read file"
		switch {
		case errors.Is(err, os.ErrNotExist):
			msg = "no such file"
		case errors.Is(err, os.ErrPermission):
			msg = "permission denied"
		}
		return nil, &Error{Kind: KindReadFile, URL: path, Msg: msg, Err: err}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &Error{Kind: KindReadFile, URL: path, Msg: "cannot read file", Err: err}
	}
	if st.IsDir() {
		f.Close()
		return nil, &Error{Kind: KindReadFile, URL: path, Msg: "is a directory"}
	}
	r := openReader(ctx, f, path, fileType(path), st.Size())
	if abs, err := filepath.Abs(path); err == nil {
		r.LocalURL = fileURL(abs)
	}
	return r, nil
}

// fileURL returns the file: URL of an absolute path.
func fileURL(abs string) *url.URL {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x on Windows
	}
	return &url.URL{Scheme: "file", Path: p}
}

// fileType is the media type a file's extension names, without the charset
// that mime adds for some (".html" gives "charset=utf-8"): a file says its
// charset in its content, with a BOM or a <meta>, never in its name.
func fileType(path string) string {
	mediaType, _, err := mime.ParseMediaType(mime.TypeByExtension(filepath.Ext(path)))
	if err != nil {
		return ""
	}
	return mediaType
}

func openReader(ctx context.Context, rc io.ReadCloser, name, ctype string, size int64) *Response {
	r := &Response{Name: name, Header: http.Header{}, ContentLength: size}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	// MaxSize guards against what a server sends; a file or a pipe the
	// user chose is read whole, whatever its size.
	body := &countingReader{r: rc, n: &r.received}
	r.Body = &readCloser{Reader: &fileErrReader{r: body, name: name, ctx: ctx}, close: rc.Close}
	return r
}

// fileErrReader labels read errors of a file or stdin, and stops at the
// next read once ctx is done (Ctrl-C during a long conversion).
type fileErrReader struct {
	r    io.Reader
	name string
	ctx  context.Context
}

func (f *fileErrReader) Read(p []byte) (int, error) {
	if f.ctx.Err() != nil {
		return 0, &Error{Kind: KindInterrupted, URL: f.name, Msg: "interrupted", Err: f.ctx.Err()}
	}
	n, err := f.r.Read(p)
	if err != nil && err != io.EOF {
		var fe *Error
		if !errors.As(err, &fe) {
			err = &Error{Kind: KindReadFile, URL: f.name, Msg: "read failed (" + err.Error() + ")", Err: err}
		}
	}
	return n, err
}

func newClient(o *Options) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: o.connectTimeout(), KeepAlive: 30 * time.Second}
	tr.DialContext = dialer.DialContext
	// We ask for and decode the encodings ourselves; net/http would only
	// handle gzip and would hide the Content-Encoding header.
	tr.DisableCompression = true
	tr.ForceAttemptHTTP2 = true
	if o.Insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked with -k
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return checkRedirect(req, via, o)
		},
	}
}

// checkRedirect applies curl's rules to a redirect: only http and https,
// never from https down to http, at most MaxRedirects, credentials and
// the user's headers only to the origin they were given for, and never a
// Referer.
func checkRedirect(req *http.Request, via []*http.Request, o *Options) error {
	max := o.maxRedirects()
	if max == 0 {
		return http.ErrUseLastResponse
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return &Error{Kind: KindRedirectRefused, URL: redact(via[0].URL),
			Msg: "redirect to " + redact(req.URL) + " refused: only http and https are followed"}
	}
	if prev := via[len(via)-1].URL; prev.Scheme == "https" && req.URL.Scheme == "http" {
		// What came over TLS must not send us where anyone on the path
		// can read and change the page. curl follows such a redirect
		// unless --proto-redir forbids it, and then fails with
		// CURLE_UNSUPPORTED_PROTOCOL (1): KindRedirectRefused, as for a
		// redirect to file: or ftp:, is that exit code.
		return &Error{Kind: KindRedirectRefused, URL: redact(via[0].URL),
			Msg: "redirect from https to " + redact(req.URL) + " refused: plain http after https is not followed"}
	}
	if len(via) > max {
		return &Error{Kind: KindTooManyRedirects, URL: redact(via[0].URL),
			Msg: fmt.Sprintf("more than %d redirects (--max-redirs)", max)}
	}
	req.Header.Del("Referer")
	req.URL.RawQuery = escapeQuery(req.URL.RawQuery) // a Location with a raw space
	if leftOrigin(req, via) {
		// net/http copies the first request's headers to every hop, and
		// drops only Authorization and Cookie, and only when the host
		// changes: every header the user gave is dropped here, when the
		// scheme, host or port changes (and for the rest of the chain, as
		// net/http does for its own), and what it replaced is restored.
		def := defaultHeader(o)
		for name, values := range o.Header {
			if isRemoval(values) {
				continue // a removal stays: it is no secret
			}
			delete(req.Header, name)
			req.Header.Del(name)
			if v, ok := def[http.CanonicalHeaderKey(name)]; ok {
				req.Header[http.CanonicalHeaderKey(name)] = v
			}
		}
		for _, h := range credentialHeaders {
			req.Header.Del(h)
		}
		// net/http would turn a user:password@ in the Location into an
		// Authorization header for the new host.
		req.URL.User = nil
	}
	return nil
}

// leftOrigin reports whether the redirect chain via, then req, has been to
// another origin than the first request's.
func leftOrigin(req *http.Request, via []*http.Request) bool {
	if !SameOrigin(req.URL, via[0].URL) {
		return true
	}
	for _, r := range via[1:] {
		if !SameOrigin(r.URL, via[0].URL) {
			return true
		}
	}
	return false
}

// SameOrigin reports whether a and b have one origin: scheme, host and
// port (the scheme's default when none is given).
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

func get(parent context.Context, u *url.URL, o *Options, client *http.Client) (*Response, error) {
	ctx, cancel := parent, context.CancelFunc(func() {})
	if t := o.maxTime(); t > 0 {
		ctx, cancel = context.WithTimeout(parent, t)
	}
	// A connection cut during the TLS handshake surfaces as a bare EOF or
	// reset: only the trace tells it from a server that closed after it.
	var handshake atomic.Int32
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		TLSHandshakeStart: func() { handshake.Store(handshakeStarted) },
		TLSHandshakeDone: func(_ tls.ConnectionState, err error) {
			if err == nil {
				handshake.Store(handshakeDone)
			}
		},
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		cancel()
		return nil, &Error{Kind: KindBadURL, URL: redact(u), Msg: "malformed URL", Err: err}
	}
	req.Header = defaultHeader(o)
	if o.User != "" {
		user, pass, _ := strings.Cut(o.User, ":")
		req.SetBasicAuth(user, pass)
	}
	for name, values := range o.Header {
		name = http.CanonicalHeaderKey(name) // as checkRedirect finds it
		if isRemoval(values) {
			req.Header.Del(name)
			if name == "User-Agent" {
				req.Header.Set(name, "") // Go would send its own otherwise
			}
			continue
		}
		if name == "Host" {
			req.Host = values[len(values)-1]
			continue
		}
		req.Header[name] = values
	}
	resp, err := client.Do(req)
	if err != nil {
		if handshake.Load() == handshakeStarted {
			err = &handshakeError{err}
		}
		err = classify(ctx, err, u, o) // before cancel, which would read as Ctrl-C
		cancel()
		return nil, err
	}
	r := &Response{
		URL:           resp.Request.URL,
		Name:          redact(resp.Request.URL),
		Proto:         resp.Proto,
		Status:        resp.Status,
		StatusCode:    resp.StatusCode,
		Header:        resp.Header,
		ContentLength: resp.ContentLength,
	}
	if r.Status == "" || r.Status == fmt.Sprint(r.StatusCode) {
		r.Status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	r.Status = strings.TrimSpace(r.Status)
	var body io.Reader = &netReader{r: resp.Body, ctx: ctx, u: r.URL, o: o, n: &r.received}
	closers := []func() error{resp.Body.Close}
	dec, closeDec, err := decompress(body, resp.Header.Values("Content-Encoding"))
	if err != nil {
		resp.Body.Close()
		cancel()
		return nil, &Error{Kind: KindEncoding, URL: r.Name, Msg: err.Error(), Err: err}
	}
	body = &encodingErrReader{r: dec, name: r.Name}
	closers = append(closers, closeDec)
	if max := o.maxSize(); max > 0 {
		body = &capReader{r: body, left: max, max: max, name: r.Name}
	}
	r.Body = &readCloser{Reader: body, close: func() error {
		var first error
		for i := len(closers) - 1; i >= 0; i-- {
			if err := closers[i](); err != nil && first == nil {
				first = err
			}
		}
		cancel()
		return first
	}}
	return r, nil
}

// The states of a request's last TLS handshake.
const (
	handshakeNone int32 = iota
	handshakeStarted
	handshakeDone
)

// handshakeError marks an error that ended a TLS handshake.
type handshakeError struct{ err error }

func (e *handshakeError) Error() string { return e.err.Error() }
func (e *handshakeError) Unwrap() error { return e.err }

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

// countingReader counts the bytes read, for the progress meter.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// netReader reads the body as it comes off the network, counts it, and turns
// a short body, a reset or a timeout into an *Error.
type netReader struct {
	r   io.Reader
	ctx context.Context
	u   *url.URL
	o   *Options
	n   *atomic.Int64
}

func (r *netReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n.Add(int64(n))
	if err != nil && err != io.EOF {
		ce := classify(r.ctx, err, r.u, r.o)
		var fe *Error
		if errors.As(ce, &fe) && fe.Kind == KindPartial {
			fe.Msg = fmt.Sprintf("body ended early after %d bytes", r.n.Load())
		}
		return n, ce
	}
	return n, err
}

// encodingErrReader reports errors of a decompressor as KindEncoding, and
// passes on those of the network below it.
type encodingErrReader struct {
	r    io.Reader
	name string
}

func (e *encodingErrReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		var fe *Error
		if !errors.As(err, &fe) {
			err = &Error{Kind: KindEncoding, URL: e.name, Msg: "corrupt compressed body (" + err.Error() + ")", Err: err}
		}
	}
	return n, err
}

// capReader fails with KindTooLarge once more than max bytes have been read.
type capReader struct {
	r    io.Reader
	left int64
	max  int64
	name string
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells an exact fit from an overflow.
		var b [1]byte
		n, err := c.r.Read(b[:])
		if n == 0 {
			return 0, err
		}
		return 0, &Error{Kind: KindTooLarge, URL: c.name, Msg: fmt.Sprintf("body larger than %d bytes (--max-size)", c.max)}
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
