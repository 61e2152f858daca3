package main

import (
	"time"

	"github.com/insert-from-url/insert-from-url/output"
)

// renderMeterDelay is when the meter says that a browser renders: at once
// for a program that shows it (Emacs's mode line), else after the usual
// delay.
func renderMeterDelay(forProgram bool) time.Duration {
	if forProgram {
		return 0
	}
	return output.ProgressDelay
}
