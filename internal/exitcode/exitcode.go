// Package exitcode maps the program's errors to its exit codes. Where the
// condition is one curl knows, the number is curl's, so that scripts
// written for curl read the program's failures.
package exitcode

import (
	"errors"

	"github.com/insert-from-url/insert-from-url/decode"
	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/render"
)

// The exit codes.
const (
	OK               = 0
	Other            = 1
	Usage            = 2
	BadURL           = 3
	Resolve          = 6
	Connect          = 7
	Partial          = 18
	HTTP             = 22
	Write            = 23
	Timeout          = 28
	TLS              = 35
	ReadFile         = 37
	TooManyRedirects = 47
	Certificate      = 60
	Encoding         = 61
	TooLarge         = 63
	NoMatch          = 64 // our own: nothing matches --select
	NoArticle        = 65 // our own: --require-article and no article
	Browser          = 66 // our own: --render has no browser, or it failed
	Interrupted      = 130
)

// kinds are the fetch failures' codes, and the names records give them.
var kinds = map[fetch.Kind]struct {
	code int
	name string
}{
	fetch.KindOther:            {Other, "other"},
	fetch.KindBadURL:           {BadURL, "bad-url"},
	fetch.KindUnsupported:      {Other, "unsupported"},
	fetch.KindResolve:          {Resolve, "resolve"},
	fetch.KindConnect:          {Connect, "connect"},
	fetch.KindPartial:          {Partial, "partial"},
	fetch.KindTimeout:          {Timeout, "timeout"},
	fetch.KindTLS:              {TLS, "tls"},
	fetch.KindCertificate:      {Certificate, "certificate"},
	fetch.KindTooManyRedirects: {TooManyRedirects, "too-many-redirects"},
	fetch.KindRedirectRefused:  {Other, "redirect-refused"},
	fetch.KindEncoding:         {Encoding, "encoding"},
	fetch.KindTooLarge:         {TooLarge, "too-large"},
	fetch.KindReadFile:         {ReadFile, "read-file"},
	fetch.KindHTTP:             {HTTP, "http"},
	fetch.KindInterrupted:      {Interrupted, "interrupted"},
}

// Of maps an error to the exit code it ends a run with: OK for nil, Other
// for an error no rule names.
func Of(err error) int {
	code, _ := Classify(err)
	return code
}

// Classify returns err's exit code and the name of its kind, as records
// give it ("resolve", "http", "timeout", "no-match"…): "" for nil.
func Classify(err error) (code int, kind string) {
	var fe *fetch.Error
	var se *fetch.StatusError
	var br *pipeline.BinaryRefusedError
	var be *render.BrowserError
	switch {
	case err == nil:
		return OK, ""
	case errors.As(err, &fe):
		if k, ok := kinds[fe.Kind]; ok {
			return k.code, k.name
		}
	case errors.As(err, &se):
		return HTTP, "http"
	case errors.As(err, &br):
		return Write, "binary-refused"
	case output.IsWriteError(err):
		return Write, "write"
	case errors.Is(err, decode.ErrUnknownCharset):
		return Usage, "unknown-charset"
	case errors.Is(err, pipeline.ErrRenderLocal):
		return Usage, "usage"
	case errors.Is(err, pipeline.ErrNoMatch):
		return NoMatch, "no-match"
	case errors.Is(err, readable.ErrNoArticle):
		return NoArticle, "no-article"
	case errors.Is(err, readable.ErrTooLarge):
		return TooLarge, "too-large"
	case errors.Is(err, render.ErrNoBrowser), errors.As(err, &be):
		return Browser, "browser"
	}
	return Other, "other"
}
