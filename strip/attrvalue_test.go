package strip

import (
	"fmt"
	"strings"
	"testing"
)

func TestAttrValue(t *testing.T) {
	for in, want := range map[string]string{
		"a?x=1&amp;y=2":  "a?x=1&y=2",
		"a?x=1&sect=2":   "a?x=1&sect=2",
		"a?x=1&sect;=2":  "a?x=1§=2",
		"&copy 2024":     "© 2024",
		"plain & simple": "plain & simple",
		"&#169;&#x41;":   "©A",
		"&lt;b&gt;":      "<b>",
		"x&notin=1":      "x&notin=1",
	} {
		if got := attrValue([]byte(in)); got != want {
			t.Errorf("attrValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIsEmailAutolink(t *testing.T) {
	for s, want := range map[string]bool{
		"ad@iab.com": true, "a.b+c@x-y.example.org": true, "x@localhost": true,
		"": false, "@x.com": false, "a@": false, "a b@x.com": false, "a@-x.com": false,
		"a@x-.com": false, "a@x..com": false, "a@x.com?subject=Hi": false, "a@b@c": false,
	} {
		if got := isEmailAutolink(s); got != want {
			t.Errorf("isEmailAutolink(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestDuplicateAttributes: an attribute given twice is the first one, as the
// HTML tokenizer (and so the tree path) keeps it, however many come before.
func TestDuplicateAttributes(t *testing.T) {
	var many strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&many, ` data-x%d="%d"`, i, i)
	}
	for _, tag := range []string{
		`<img alt="a bridge" src="x.png" ALT="">`,
		`<img` + many.String() + ` alt="a bridge" alt="" src="x.png">`,
		`<img src="x.png"` + many.String() + ` alt="a bridge"` + many.String() + ` alt="">`,
	} {
		if got := parseAttrs([]byte(tag)).alt; got != "a bridge" {
			t.Errorf("%.60s…: alt %q", tag, got)
		}
	}
	if parseAttrs([]byte(`<div style="color:red" style="display:none">`)).hidden {
		t.Error("the second style counted")
	}
}
