//go:build unix

package output

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// currentUmask returns the process's umask. Reading it means setting it, so
// it is set straight back; the command calls this once, before any goroutine
// creates files.
func currentUmask() int {
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return m
}

// appending reports whether f was opened in append mode (the shell's >>),
// where every write goes to the end of the file, whatever its offset says.
func appending(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	flags := 0
	if rc.Control(func(fd uintptr) { flags, err = unix.FcntlInt(fd, unix.F_GETFL, 0) }) != nil || err != nil {
		return false
	}
	return flags&unix.O_APPEND != 0
}
