//go:build !unix

package output

import "os"

func currentUmask() int { return -1 }

func appending(*os.File) bool { return false }
