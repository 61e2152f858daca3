package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
)

// Kind says what went wrong, in the terms a caller needs to choose an exit
// code or a message. The zero value is KindOther.
type Kind int

// The kinds of failure. They mirror curl's error classes so that the command
// can use curl's exit codes.
const (
	KindOther            Kind = iota
	KindBadURL                // the input is not a URL or path we can use
	KindUnsupported           // a scheme other than http, https or file
	KindResolve               // the host name does not resolve
	KindConnect               // the TCP connection failed
	KindPartial               // the body ended before its announced end
	KindTimeout               // connect timeout or --max-time reached
	KindTLS                   // the TLS handshake failed
	KindCertificate           // the server's certificate is not trusted
	KindTooManyRedirects      // more redirects than allowed
	KindRedirectRefused       // a redirect to a scheme we do not follow
	KindEncoding              // a corrupt or unknown Content-Encoding
	KindTooLarge              // the decoded body is over MaxSize
	KindReadFile              // a local file or stdin cannot be read
	KindHTTP                  // the server answered with status >= 400
	KindInterrupted           // the context was cancelled (Ctrl-C)
)

// Error is a failed fetch. Its message says what happened and to which input,
// with any password in the URL redacted.
type Error struct {
	Kind Kind
	URL  string // redacted URL or file name
	Msg  string // what happened, e.g. "connection refused"
	Err  error  // the underlying error, if any
	Hint string // what may help, after the URL in parentheses; may be empty
}

func (e *Error) Error() string {
	s := e.Msg
	if e.URL != "" {
		s += ": " + e.URL
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// StatusError reports an HTTP status of 400 or more.
type StatusError struct {
	StatusCode int
	Status     string // e.g. "404 Not Found"
	URL        string // redacted
}

func (e *StatusError) Error() string { return "HTTP " + e.Status + ": " + e.URL }

// redact returns u as a string with any password replaced by "xxxxx".
func redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.Redacted()
}

// classify turns an error from net/http into an *Error. ctx is the request's
// context: its deadline tells a --max-time timeout from other cancellations.
func classify(ctx context.Context, err error, u *url.URL, o *Options) error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	target := redact(u)
	wrap := func(k Kind, msg string) error { return &Error{Kind: k, URL: target, Msg: msg, Err: err} }

	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return wrap(KindTimeout, fmt.Sprintf("timed out after %s (--max-time)", o.maxTime()))
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return wrap(KindInterrupted, "interrupted")
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return wrap(KindResolve, "cannot resolve host "+dnsErr.Name)
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	switch {
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidErr):
		return wrap(KindCertificate, "untrusted certificate ("+lastPart(err)+"); -k skips the check")
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "proxyconnect" {
		proxy, reason := "", lastPart(opErr.Err)
		var dial *net.OpError
		if errors.As(opErr.Err, &dial) && dial.Addr != nil {
			proxy = " " + dial.Addr.String()
			reason = lastPart(dial.Err)
		}
		if opErr.Timeout() {
			return wrap(KindTimeout, fmt.Sprintf("cannot connect to the proxy%s within %s (--connect-timeout)", proxy, o.connectTimeout()))
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			reason = "connection refused"
		}
		return wrap(KindConnect, "cannot connect to the proxy"+proxy+" ("+reason+")")
	}
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		if opErr.Timeout() {
			return wrap(KindTimeout, fmt.Sprintf("cannot connect within %s (--connect-timeout)", o.connectTimeout()))
		}
		if errors.Is(err, syscall.ECONNREFUSED) {
			return wrap(KindConnect, "connection refused")
		}
		return wrap(KindConnect, "cannot connect ("+lastPart(err)+")")
	}
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var handshake *handshakeError
	if errors.As(err, &handshake) || errors.As(err, &recErr) || errors.As(err, &alert) || strings.Contains(err.Error(), "tls: ") ||
		strings.Contains(err.Error(), "HTTP response to HTTPS client") {
		return wrap(KindTLS, "TLS handshake failed ("+lastPart(err)+")")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return wrap(KindPartial, "connection closed before the body ended")
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return wrap(KindTimeout, "timed out ("+lastPart(err)+")")
	}
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		return wrap(KindOther, "connection closed by the server ("+lastPart(err)+")")
	}
	if errors.Is(err, os.ErrNotExist) {
		return wrap(KindReadFile, "no such file")
	}
	return wrap(KindOther, lastPart(err))
}

// lastPart returns the innermost message of err, without the "Get URL:"
// prefixes that net/http adds: the URL is printed once, at the end.
func lastPart(err error) string {
	for {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
			continue
		}
		break
	}
	return err.Error()
}
