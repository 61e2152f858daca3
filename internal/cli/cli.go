// Package cli holds the command line's generic pieces: flag values in
// seconds and in sizes, and the flag list --help shows.
package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/spf13/pflag"
)

// maxSeconds is the longest duration a flag takes: 100 years.
const maxSeconds = 100 * 365 * 24 * 3600

// Seconds is a duration flag given in seconds ("10", "0.5") or as a Go
// duration ("1m30s").
type Seconds time.Duration

func (s *Seconds) String() string {
	return strconv.FormatFloat(time.Duration(*s).Seconds(), 'f', -1, 64)
}
func (s *Seconds) Type() string { return "seconds" }
func (s *Seconds) Set(v string) error {
	if f, err := strconv.ParseFloat(v, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if f < 0 {
			return errors.New("must not be negative")
		}
		if !(f <= maxSeconds) { // NaN and infinities too
			return fmt.Errorf("%q is more than 100 years", v)
		}
		*s = Seconds(time.Duration(f * float64(time.Second)))
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("%q is not a number of seconds", v)
	}
	*s = Seconds(d)
	return nil
}

// ByteSize is a size flag: "65536", "64K", "64M", "1G" (powers of 1024).
type ByteSize int64

func (b *ByteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
func (b *ByteSize) Type() string { return "size" }
func (b *ByteSize) Set(v string) error {
	s := strings.ToUpper(strings.TrimSpace(v))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "B"), "I")
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K':
			mult, s = 1<<10, s[:n-1]
		case 'M':
			mult, s = 1<<20, s[:n-1]
		case 'G':
			mult, s = 1<<30, s[:n-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size", v)
	}
	*b = ByteSize(n * mult)
	return nil
}

// Usages lists the flags as --help shows them. pflag's own list writes a
// flag with an optional value as `--render MODE[="always"]`, which reads as
// if MODE were required; this one writes `--render[=MODE]`.
func Usages(fs *pflag.FlagSet) string {
	type row struct{ names, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		name, usage := pflag.UnquoteUsage(f)
		names := "    "
		if f.Shorthand != "" {
			names = "-" + f.Shorthand + ", "
		}
		names += "--" + f.Name
		switch {
		case name == "":
		case f.NoOptDefVal != "":
			names += "[=" + name + "]"
		default:
			names += " " + name
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" {
			def := f.DefValue
			if f.Value.Type() == "string" {
				def = strconv.Quote(def)
			}
			usage += " (default " + def + ")"
		}
		rows = append(rows, row{names, usage})
		width = max(width, len(names))
	})
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, r.names, r.usage)
	}
	return b.String()
}

// OneLine keeps a message on one line, whatever a server put in it, and
// without the bidi controls that would make it read otherwise.
func OneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return ' '
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// Inputs are the command line's inputs: args, then those of the list file
// (--input-file; "" for none, "-" for stdin). Stdin is read once: as the
// list, or as one page.
func Inputs(args []string, list string, stdin io.Reader) ([]string, error) {
	inputs := args
	if list != "" {
		more, err := readList(list, stdin)
		if err != nil {
			return nil, err
		}
		if len(more) == 0 && len(args) == 0 {
			return nil, fmt.Errorf("no URL in %s", list)
		}
		inputs = append(slices.Clip(args), more...)
	}
	stdins := 0
	for _, in := range inputs {
		if in == "-" {
			stdins++
		}
	}
	switch {
	case len(inputs) == 0:
		return nil, errors.New("no URL given")
	case list == "-" && stdins > 0:
		return nil, errors.New("stdin is the list of inputs (--input-file -): it cannot be a page too")
	case stdins > 1:
		return nil, errors.New("stdin (-) can be read once")
	}
	return inputs, nil
}

// readList reads a list of inputs, one a line: blank lines and lines
// that start with # are skipped. "-" reads stdin.
func readList(name string, stdin io.Reader) ([]string, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, &fetch.Error{Kind: fetch.KindReadFile, URL: name, Msg: "cannot read the input list", Err: err}
		}
		defer f.Close()
		r = f
	}
	var list []string
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			list = append(list, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &fetch.Error{Kind: fetch.KindReadFile, URL: name, Msg: "cannot read the input list", Err: err}
	}
	return list, nil
}

// Version is the module's version as built (go install …@v1.2.3), or
// "devel".
func Version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
