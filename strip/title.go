package strip

import (
	"bufio"
	"errors"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// writeTitle writes the page's title on one line: <title>, else og:title,
// else the first h1. It stops reading once <title> is found.
func writeTitle(w *bufio.Writer, r io.Reader) error {
	z := html.NewTokenizer(r)
	var title, ogTitle, h1 strings.Builder
	var inTitle, inH1, h1Done bool
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return err
			}
			for _, t := range []string{title.String(), ogTitle.String(), h1.String()} {
				if t = collapseSpace(t); t != "" {
					w.WriteString(t + "\n")
					break
				}
			}
			return nil
		case html.TextToken:
			switch {
			case inTitle:
				title.Write(z.Text())
			case inH1 && skip == 0:
				h1.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch a := atom.Lookup(name); a {
			// HTML ignores the slash of <title/> or <script/>: each is open.
			case atom.Title:
				inTitle = true
			case atom.H1:
				inH1 = !h1Done
			case atom.Script, atom.Style, atom.Template:
				if inH1 {
					skip++
				}
			case atom.Meta:
				var prop, content string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "property", "name":
						prop = strings.ToLower(string(v))
					case "content":
						content = string(v)
					}
				}
				if prop == "og:title" && ogTitle.Len() == 0 {
					ogTitle.WriteString(content)
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Title:
				inTitle = false
				if t := collapseSpace(title.String()); t != "" {
					w.WriteString(t + "\n")
					return nil
				}
			case atom.H1:
				if inH1 {
					inH1, h1Done = false, true
				}
			case atom.Script, atom.Style, atom.Template:
				if skip > 0 {
					skip--
				}
			}
		}
	}
}
