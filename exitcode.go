package main

import (
	"errors"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/render"
	"github.com/insert-from-url/insert-from-url/strip"
)

// Exit codes. Where the condition is one curl knows, the number is curl's.
const (
	exitOK               = 0
	exitOther            = 1
	exitUsage            = 2
	exitBadURL           = 3
	exitResolve          = 6
	exitConnect          = 7
	exitPartial          = 18
	exitHTTP             = 22
	exitWrite            = 23
	exitTimeout          = 28
	exitTLS              = 35
	exitReadFile         = 37
	exitTooManyRedirects = 47
	exitCertificate      = 60
	exitEncoding         = 61
	exitTooLarge         = 63
	exitNoMatch          = 64 // our own: nothing matches --select
	exitNoArticle        = 65 // our own: --require-article and no article
	exitBrowser          = 66 // our own: --render has no browser, or it failed
	exitInterrupted      = 130
)

var kindExit = map[fetch.Kind]int{
	fetch.KindOther:            exitOther,
	fetch.KindBadURL:           exitBadURL,
	fetch.KindUnsupported:      exitOther,
	fetch.KindResolve:          exitResolve,
	fetch.KindConnect:          exitConnect,
	fetch.KindPartial:          exitPartial,
	fetch.KindTimeout:          exitTimeout,
	fetch.KindTLS:              exitTLS,
	fetch.KindCertificate:      exitCertificate,
	fetch.KindTooManyRedirects: exitTooManyRedirects,
	fetch.KindRedirectRefused:  exitOther,
	fetch.KindEncoding:         exitEncoding,
	fetch.KindTooLarge:         exitTooLarge,
	fetch.KindReadFile:         exitReadFile,
	fetch.KindHTTP:             exitHTTP,
	fetch.KindInterrupted:      exitInterrupted,
}

// exitCode maps an error to the command's exit code.
func exitCode(err error) int {
	var fe *fetch.Error
	var se *fetch.StatusError
	var br *pipeline.BinaryRefusedError
	var be *render.BrowserError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &fe):
		if code, ok := kindExit[fe.Kind]; ok {
			return code
		}
	case errors.As(err, &se):
		return exitHTTP
	case errors.As(err, &br), output.IsWriteError(err):
		return exitWrite
	case errors.Is(err, strip.ErrUnknownCharset), errors.Is(err, pipeline.ErrRenderLocal):
		return exitUsage
	case errors.Is(err, pipeline.ErrNoMatch):
		return exitNoMatch
	case errors.Is(err, readable.ErrNoArticle):
		return exitNoArticle
	case errors.Is(err, readable.ErrTooLarge):
		return exitTooLarge
	case errors.Is(err, render.ErrNoBrowser), errors.As(err, &be):
		return exitBrowser
	}
	return exitOther
}
