// Package output is where a body goes: a sink that shows nothing of a
// failed transfer, a filter that keeps escape sequences away from terminals,
// and a progress meter. It never prints on its own account.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/term"
)

// spoolMemory is how much of a body a Spool holds in memory before it moves
// to a temporary file, so that memory stays flat for any body size.
const spoolMemory = 4 << 20

// Sink receives a body. Nothing written reaches its destination for good
// until Commit; Abort drops what was written and leaves the destination as
// it was (an existing -o file untouched, stdout empty).
type Sink interface {
	io.Writer
	Commit() error
	Abort()
}

// WriteError is a failure to write the output (exit code 23).
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "write failed: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// NewFile returns a Sink for the file at path. A regular file, or a path
// that does not exist yet, is written to a temporary file beside it that
// Commit renames over it, so that a failed run leaves it as it was; a
// symbolic link is followed to the file it names, which is replaced, while
// the link stays. Anything else (a FIFO, a device such as /dev/null or
// /dev/stdout) is opened and written directly, as curl does.
func NewFile(path string) (Sink, error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, &WriteError{errors.New("is a directory")}
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, &WriteError{err}
		}
		return &directSink{w: f, close: f.Close, terminal: term.IsTerminal(int(f.Fd()))}, nil
	}
	path, err := followLinks(path)
	if err != nil {
		return nil, &WriteError{err}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.part")
	if err != nil {
		// The temporary file is ours: the message names the user's.
		d := filepath.Clean(dir)
		switch st, serr := os.Stat(d); {
		case errors.Is(serr, fs.ErrNotExist):
			err = fmt.Errorf("no such directory %s", d)
		case serr == nil && !st.IsDir():
			err = fmt.Errorf("%s is not a directory", d)
		case errors.Is(err, fs.ErrPermission):
			err = fmt.Errorf("permission denied in %s", d)
		default:
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = fmt.Errorf("%s: %w", path, pe.Err) // our temporary file is no name of the user's
			}
		}
		return nil, &WriteError{err}
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	} else if umask := currentUmask(); umask >= 0 {
		mode &^= os.FileMode(umask)
	}
	_ = f.Chmod(mode)
	return &fileSink{f: f, path: path}, nil
}

// followLinks returns the path that path's chain of symbolic links ends
// at, which may not exist yet (a dangling link names the file to create).
func followLinks(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", errors.New("too many levels of symbolic links")
}

type fileSink struct {
	f    *os.File
	path string
	err  error
}

func (s *fileSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	if err != nil {
		s.err = &WriteError{err}
		return n, s.err
	}
	return n, nil
}

func (s *fileSink) Commit() error {
	if s.err != nil {
		s.Abort()
		return s.err
	}
	if err := s.f.Close(); err != nil {
		os.Remove(s.f.Name())
		return &WriteError{err}
	}
	if err := os.Rename(s.f.Name(), s.path); err != nil {
		os.Remove(s.f.Name())
		return &WriteError{err}
	}
	return nil
}

func (s *fileSink) Abort() {
	s.f.Close()
	os.Remove(s.f.Name())
}

// NewStdout returns the Sink for standard output w. A regular file is written
// in place and truncated back on Abort to its length at the start (the end
// for a file opened to append, the offset otherwise); /dev/null is written
// directly; a pipe, terminal or any other writer gets the body only on
// Commit, spooled in memory and then in a temporary file meanwhile.
func NewStdout(w io.Writer) Sink {
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil {
			if st.Mode().IsRegular() {
				if off, err := f.Seek(0, io.SeekCurrent); err == nil {
					if appending(f) {
						off = st.Size()
					}
					return &truncSink{f: f, start: off}
				}
			}
			if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(st, null) {
				return &directSink{w: f}
			}
		}
	}
	return &Spool{dst: w}
}

// directSink writes straight to its destination, which nothing can take
// back: /dev/null, a FIFO, a device.
type directSink struct {
	w        io.Writer
	close    func() error // nil when the destination is not ours to close
	terminal bool
}

// IsTerminal reports whether the sink writes to a terminal, which must
// not get escape sequences.
func (s *directSink) IsTerminal() bool { return s.terminal }

func (s *directSink) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		err = &WriteError{err}
	}
	return n, err
}

func (s *directSink) Commit() error {
	if s.close != nil {
		if err := s.close(); err != nil {
			return &WriteError{err}
		}
	}
	return nil
}

func (s *directSink) Abort() {
	if s.close != nil {
		s.close()
	}
}

// truncSink writes to a regular file and cuts it back to where it started
// when the transfer fails.
type truncSink struct {
	f     *os.File
	start int64
}

func (s *truncSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	if err != nil {
		err = &WriteError{err}
	}
	return n, err
}
func (s *truncSink) Commit() error { return nil }
func (s *truncSink) Abort() {
	if s.f.Truncate(s.start) == nil {
		s.f.Seek(s.start, io.SeekStart)
	}
}

// ErrAborted is what a Guard's writes return once it was aborted.
var ErrAborted = errors.New("output aborted")

// Guard is a Sink that another goroutine may abort at any time (on a
// signal): the abort waits for a write in progress, and every later write
// or commit fails, so nothing reaches the destination after it.
type Guard struct {
	mu   sync.Mutex
	s    Sink
	done bool // committed or aborted
}

// NewGuard returns a Guard around s.
func NewGuard(s Sink) *Guard { return &Guard{s: s} }

func (g *Guard) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return 0, &WriteError{ErrAborted}
	}
	return g.s.Write(p)
}

// Commit commits the sink unless it was aborted.
func (g *Guard) Commit() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.done {
		return &WriteError{ErrAborted}
	}
	g.done = true // a late Abort must not undo it
	return g.s.Commit()
}

// Abort aborts the sink once; it does nothing after Commit.
func (g *Guard) Abort() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.done {
		g.done = true
		g.s.Abort()
	}
}

// Spool holds a body until Commit copies it to its destination.
type Spool struct {
	dst  io.Writer
	mem  bytes.Buffer
	file *os.File
	err  error
}

func (s *Spool) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.file == nil && s.mem.Len()+len(p) <= spoolMemory {
		return s.mem.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "insert-from-url-*.spool")
		if err != nil {
			s.err = &WriteError{fmt.Errorf("spool: %w", err)}
			return 0, s.err
		}
		os.Remove(f.Name()) // unlinked: the space is freed even if we crash
		s.file = f
		if _, err := s.mem.WriteTo(f); err != nil {
			s.err = &WriteError{fmt.Errorf("spool: %w", err)}
			return 0, s.err
		}
		s.mem = bytes.Buffer{}
	}
	n, err := s.file.Write(p)
	if err != nil {
		s.err = &WriteError{fmt.Errorf("spool: %w", err)}
	}
	return n, s.err
}

// Commit copies the spooled body to the destination.
func (s *Spool) Commit() error {
	if s.err != nil {
		s.Abort()
		return s.err
	}
	var err error
	if s.file != nil {
		if _, err = s.file.Seek(0, io.SeekStart); err == nil {
			_, err = io.CopyBuffer(onlyWriter{s.dst}, onlyReader{s.file}, make([]byte, 256<<10))
		}
		s.file.Close()
		s.file = nil
	} else {
		_, err = s.mem.WriteTo(s.dst)
	}
	if err != nil {
		return &WriteError{err}
	}
	return nil
}

// Abort drops the spooled body.
func (s *Spool) Abort() {
	s.mem = bytes.Buffer{}
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
}

// onlyWriter and onlyReader hide ReadFrom/WriteTo so that CopyBuffer uses
// its buffer rather than a sendfile path that would bypass wrappers.
type onlyWriter struct{ io.Writer }
type onlyReader struct{ io.Reader }

// IsWriteError reports whether err is a failure to write the output.
func IsWriteError(err error) bool {
	var we *WriteError
	return errors.As(err, &we)
}

// Copy copies src to dst in 256 KiB reads. io.Copy would hand the work to
// a WriterTo or ReaderFrom with buffers of 8 to 64 KiB, and at loopback
// speed the number of system calls is what counts.
func Copy(dst io.Writer, src io.Reader) (int64, error) {
	return io.CopyBuffer(onlyWriter{dst}, onlyReader{src}, make([]byte, 256<<10))
}
