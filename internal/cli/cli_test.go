package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSeconds(t *testing.T) {
	for in, want := range map[string]time.Duration{"10": 10 * time.Second, "0.5": 500 * time.Millisecond, "1m30s": 90 * time.Second, "0": 0} {
		var s Seconds
		if err := s.Set(in); err != nil || time.Duration(s) != want {
			t.Errorf("Set(%q) = %v, %v", in, time.Duration(s), err)
		}
	}
	for _, bad := range []string{"-1", "NaN", "Inf", "1e300", "ten", "-1s"} {
		var s Seconds
		if err := s.Set(bad); err == nil {
			t.Errorf("Set(%q) took it", bad)
		}
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"65536": 65536, "64K": 64 << 10, "64M": 64 << 20, "1G": 1 << 30, "2MiB": 2 << 20, "0": 0} {
		var b ByteSize
		if err := b.Set(in); err != nil || int64(b) != want {
			t.Errorf("Set(%q) = %d, %v", in, int64(b), err)
		}
	}
	for _, bad := range []string{"-1", "1T", "x", "9999999999G"} {
		var b ByteSize
		if err := b.Set(bad); err == nil {
			t.Errorf("Set(%q) took it", bad)
		}
	}
	if b := ByteSize(64 << 20); b.String() != "64M" {
		t.Errorf("String() = %s", b.String())
	}
}

func TestInputs(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "list")
	os.WriteFile(list, []byte("# reading list\n  https://a.example/  \n\n#https://skipped.example/\nb.html\n"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("# nothing\n\n"), 0o644)
	for _, tc := range []struct {
		args  []string
		list  string
		stdin string
		want  string // inputs joined by |, or the error's text
	}{
		{[]string{"x"}, "", "", "x"},
		{[]string{"x", "-"}, "", "", "x|-"},
		{[]string{"x"}, list, "", "x|https://a.example/|b.html"},
		{nil, "-", "u1\n# c\nu2\n", "u1|u2"},
		{nil, "", "", "no URL given"},
		{nil, empty, "", "no URL in " + empty},
		{[]string{"-"}, "-", "u1\n", "cannot be a page too"},
		{[]string{"-", "-"}, "", "", "can be read once"},
		{nil, filepath.Join(dir, "missing"), "", "cannot read the input list"},
	} {
		got, err := Inputs(tc.args, tc.list, strings.NewReader(tc.stdin))
		s := strings.Join(got, "|")
		if err != nil {
			s = err.Error()
		}
		if !strings.Contains(s, tc.want) || (err == nil && s != tc.want) {
			t.Errorf("Inputs(%q, %q) = %q, want %q", tc.args, tc.list, s, tc.want)
		}
	}
}
