// Insert-from-url fetches a web page (or reads a file or standard input),
// decodes its body to UTF-8, optionally converts HTML to plain text, Markdown
// or Org, and prints it. It exits with curl's exit codes, so scripts written
// for curl can read its failures, and prints nothing but the body on stdout.
//
// Usage:
//
//	insert-from-url [flags] URL|FILE|-
//
// Run insert-from-url --help for the flags.
package main

import (
	"context"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/term"
)

const progName = "insert-from-url"

func main() {
	// net/http logs some protocol errors to the standard logger; stderr
	// carries our one line and nothing else.
	log.SetOutput(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	signals := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		// A signal the parent ignores (nohup, a script's "cmd &") stays
		// ignored: Notify would make it end the run.
		if !signal.Ignored(sig) {
			signal.Notify(signals, sig)
		}
	}
	c := &command{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	done := make(chan int, 1)
	go func() { done <- c.run(ctx, os.Args[1:]) }()
	select {
	case code := <-done:
		os.Exit(code)
	case sig := <-signals:
		// A read of stdin or a FIFO cannot be cancelled: rather than wait
		// for it, take the output back and leave, with the shell's code
		// for a death by this signal.
		cancel()
		c.abort()
		grace := interruptGrace
		if c.rendering.Load() > 0 {
			// The browser, its children and its profile must go
			// first: the render returns once they have.
			grace = renderGrace
		}
		select {
		case <-done: // its one error line, if it was quick
		case <-time.After(grace):
		}
		code := 128 + 2
		if s, ok := sig.(syscall.Signal); ok {
			code = 128 + int(s)
		}
		os.Exit(code)
	}
}

// interruptGrace is how long a signal lets the run end on its own.
const interruptGrace = 200 * time.Millisecond

// renderGrace is how long a signal waits for a browser to be cleaned up.
const renderGrace = 5 * time.Second

// isTerminal reports whether w is a terminal. Tests pass writers with an
// IsTerminal method to stand for one.
func isTerminal(w io.Writer) bool {
	switch t := w.(type) {
	case interface{ IsTerminal() bool }:
		return t.IsTerminal()
	case *os.File:
		return term.IsTerminal(int(t.Fd()))
	}
	return false
}
