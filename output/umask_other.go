//go:build !unix

package output

func currentUmask() int { return -1 }
