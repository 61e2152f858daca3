package output

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTerminalFilter(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"a\x1b[1;31mred\x1b[0m b", "ared b"},
		{"title\x1b]0;evil\x07 done", "title done"},
		{"st\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ end", "stlink end"},
		{"c0 \x00\x01\x07\x08\r\x7f end", "c0  end"},
		{"c1 \u0085 \u009b31m end", "c1   end"},
		{"keep ¢ é \u00a0 ok", "keep ¢ é \u00a0 ok"},
		{"\x1b]unterminated\nnext line\n", "\nnext line\n"},
		{"esc \x1bc reset", "esc  reset"},
		{"raw c1 \x9b2Jx \x85y", "raw c1 \ufffd2Jx \ufffdy"},
		{"bad \xff \xc3( \xe2\x82 end", "bad \ufffd \ufffd( \ufffd end"},
		{"bidi a\u202eb\u2066c\u2069d\u202ae", "bidi abcde"},
		{"osc in utf-8 \u009d0;title\x07 end", "osc in utf-8  end"},
		{"wide 日本 ✓ 🙂", "wide 日本 ✓ 🙂"},
	}
	for _, c := range cases {
		// Whole, and split at every byte, which must give the same result.
		for split := 0; split <= len(c.in); split++ {
			var b bytes.Buffer
			f := NewTerminalFilter(&b)
			if split == 0 {
				f.Write([]byte(c.in))
			} else {
				f.Write([]byte(c.in[:split]))
				f.Write([]byte(c.in[split:]))
			}
			if b.String() != c.want {
				t.Errorf("filter(%q) split at %d = %q, want %q", c.in, split, b.String(), c.want)
				break
			}
		}
	}
}

func TestSpool(t *testing.T) {
	var dst bytes.Buffer
	s := NewStdout(&dst)
	big := bytes.Repeat([]byte("0123456789abcdef"), (spoolMemory/16)+1000)
	s.Write(big[:100])
	s.Write(big[100:])
	if dst.Len() != 0 {
		t.Fatal("spool wrote before Commit")
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dst.Bytes(), big) {
		t.Errorf("spooled %d bytes, want %d", dst.Len(), len(big))
	}

	dst.Reset()
	s = NewStdout(&dst)
	s.Write(big)
	s.Abort()
	if dst.Len() != 0 {
		t.Error("aborted spool wrote")
	}
}

func TestFileSink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	os.WriteFile(path, []byte("old"), 0o640)
	s, err := NewFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]byte("new"))
	s.Abort()
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("after Abort: %q", b)
	}
	s, _ = NewFile(path)
	s.Write([]byte("new"))
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("after Commit: %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	if _, err := NewFile(filepath.Join(dir, "missing", "x")); !IsWriteError(err) {
		t.Errorf("NewFile in a missing folder: %v", err)
	}
}

func TestProgress(t *testing.T) {
	var b syncBuffer
	p := StartProgress(&b, func() int64 { return 1536 }, 3072, 10*time.Millisecond)
	p.SetExtra(func() string { return "  images 2/5" })
	time.Sleep(100 * time.Millisecond)
	p.Stop()
	p.Stop()
	got := b.String()
	if !strings.Contains(got, "1.5 KiB") || !strings.Contains(got, "50% of 3.0 KiB  images 2/5") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress drew %q", got)
	}
	b = syncBuffer{}
	p = StartProgress(&b, func() int64 { return 1 }, -1, time.Hour)
	p.Stop()
	if b.String() != "" {
		t.Errorf("a short transfer drew %q", b.String())
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[float64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1 << 30: "1.0 GiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%v) = %q, want %q", n, got, want)
		}
	}
}
