//go:build unix

package output

import "syscall"

// currentUmask returns the process's umask. Reading it means setting it, so
// it is set straight back; the command calls this once, before any goroutine
// creates files.
func currentUmask() int {
	m := syscall.Umask(0o022)
	syscall.Umask(m)
	return m
}
