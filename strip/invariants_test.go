package strip

import (
	"testing"
	"unicode/utf8"
)

// checkText asserts valid UTF-8 with no control characters but \n and \t.
func checkText(t *testing.T, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("output is not valid UTF-8")
	}
	for i, r := range out {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfeff || bidiControl(r) {
			t.Errorf("control character %U at byte %d", r, i)
			return
		}
	}
}
