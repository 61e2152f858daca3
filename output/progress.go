package output

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Progress draws a one-line meter on a terminal while a transfer runs: bytes
// received, rate, and percent when the size is known. It appears only once
// the transfer has lasted Delay, and Stop erases it.
type Progress struct {
	w        io.Writer
	received func() int64
	total    int64
	delay    time.Duration
	stop     chan struct{}
	done     sync.WaitGroup
	once     sync.Once
	extra    atomic.Pointer[func() string]
}

// SetExtra adds what f returns to the meter's line ("  images 3/12"). It
// may be called on a nil Progress, and from any goroutine.
func (p *Progress) SetExtra(f func() string) {
	if p != nil {
		p.extra.Store(&f)
	}
}

// ProgressDelay is how long a transfer runs before the meter appears.
const ProgressDelay = time.Second

// StartProgress starts a meter on w. received reports the bytes so far; total
// is the expected size or -1.
func StartProgress(w io.Writer, received func() int64, total int64, delay time.Duration) *Progress {
	p := &Progress{w: w, received: received, total: total, delay: delay, stop: make(chan struct{})}
	p.done.Add(1)
	go p.loop()
	return p
}

func (p *Progress) loop() {
	defer p.done.Done()
	start := time.Now()
	select {
	case <-p.stop:
		return
	case <-time.After(p.delay):
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	drawn := false
	for {
		n := p.received()
		rate := float64(n) / time.Since(start).Seconds()
		line := fmt.Sprintf("\r\x1b[K%s  %s/s", FormatBytes(float64(n)), FormatBytes(rate))
		if p.total > 0 {
			line += fmt.Sprintf("  %3.0f%% of %s", 100*float64(n)/float64(p.total), FormatBytes(float64(p.total)))
		}
		if f := p.extra.Load(); f != nil && n == 0 {
			line = "\r\x1b[K" + strings.TrimSpace((*f)())
		} else if f != nil {
			line += (*f)()
		}
		fmt.Fprint(p.w, line)
		drawn = true
		select {
		case <-p.stop:
			if drawn {
				fmt.Fprint(p.w, "\r\x1b[K")
			}
			return
		case <-tick.C:
		}
	}
}

// Stop erases the meter and waits until it is gone. It may be called twice.
func (p *Progress) Stop() {
	if p == nil {
		return
	}
	p.once.Do(func() { close(p.stop) })
	p.done.Wait()
}

// FormatBytes writes a size the way people read it: "512 B", "1.5 MiB".
func FormatBytes(n float64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%.0f B", n)
	}
	suffixes := "KMGTPE"
	i := -1
	for n >= unit && i < len(suffixes)-1 {
		n /= unit
		i++
	}
	return fmt.Sprintf("%.1f %ciB", n, suffixes[i])
}
