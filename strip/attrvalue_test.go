package strip

import "testing"

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
