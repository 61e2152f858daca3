package strip_test

import (
	"net/url"
	"os"
	"strings"

	"github.com/insert-from-url/insert-from-url/strip"
)

func ExampleConvert() {
	page := `<h1>Release notes</h1><p>Version <b>2.0</b> is out: see <a href="/changes">the changes</a>.</p>
<ul><li>Faster</li><li>Smaller</li></ul>`
	base, _ := url.Parse("https://example.org/news/")
	strip.Convert(os.Stdout, strings.NewReader(page), strip.Options{Format: strip.FormatMarkdown, HTML: true, BaseURL: base})
	// Output:
	// # Release notes
	//
	// Version **2.0** is out: see [the changes](https://example.org/changes).
	//
	// - Faster
	// - Smaller
}

func ExampleConvert_org() {
	page := `<h1>Notes</h1><pre class="language-sh">* not a heading</pre>`
	strip.Convert(os.Stdout, strings.NewReader(page), strip.Options{Format: strip.FormatOrg, HTML: true, BaseLevel: 1})
	// Output:
	// ** Notes
	//
	// #+begin_src sh
	// ,* not a heading
	// #+end_src
}
