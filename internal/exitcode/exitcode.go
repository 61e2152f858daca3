// Package exitcode maps the program's errors to its exit codes. Where the
// condition is one curl knows, the number is curl's, so that scripts
// written for curl read the program's failures.
package exitcode

import (
	"errors"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/render"
	"github.com/insert-from-url/insert-from-url/strip"
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

var kindCode = map[fetch.Kind]int{
	fetch.KindOther:            Other,
	fetch.KindBadURL:           BadURL,
	fetch.KindUnsupported:      Other,
	fetch.KindResolve:          Resolve,
	fetch.KindConnect:          Connect,
	fetch.KindPartial:          Partial,
	fetch.KindTimeout:          Timeout,
	fetch.KindTLS:              TLS,
	fetch.KindCertificate:      Certificate,
	fetch.KindTooManyRedirects: TooManyRedirects,
	fetch.KindRedirectRefused:  Other,
	fetch.KindEncoding:         Encoding,
	fetch.KindTooLarge:         TooLarge,
	fetch.KindReadFile:         ReadFile,
	fetch.KindHTTP:             HTTP,
	fetch.KindInterrupted:      Interrupted,
}

// Of maps an error to the exit code it ends a run with: OK for nil, Other
// for an error no rule names.
func Of(err error) int {
	var fe *fetch.Error
	var se *fetch.StatusError
	var br *pipeline.BinaryRefusedError
	var be *render.BrowserError
	switch {
	case err == nil:
		return OK
	case errors.As(err, &fe):
		if code, ok := kindCode[fe.Kind]; ok {
			return code
		}
	case errors.As(err, &se):
		return HTTP
	case errors.As(err, &br), output.IsWriteError(err):
		return Write
	case errors.Is(err, strip.ErrUnknownCharset), errors.Is(err, pipeline.ErrRenderLocal):
		return Usage
	case errors.Is(err, pipeline.ErrNoMatch):
		return NoMatch
	case errors.Is(err, readable.ErrNoArticle):
		return NoArticle
	case errors.Is(err, readable.ErrTooLarge):
		return TooLarge
	case errors.Is(err, render.ErrNoBrowser), errors.As(err, &be):
		return Browser
	}
	return Other
}
