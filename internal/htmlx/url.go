// Package htmlx holds the HTML policy that the converter (strip) and
// reading mode (readable) share, so that both read a page by one set of
// rules: how a link is cleaned and resolved, which links a page may make,
// and where a page's <base> leads. It imports nothing of this module.
package htmlx

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Base returns the base URL of a document at docURL whose first <base>
// element with an href says href: the one place where <base> is read, for
// the stream path (strip) and the tree path (BaseURL) alike. docURL may be
// nil (a page from stdin): only an absolute href gives a base then.
func Base(docURL *url.URL, href string) *url.URL {
	href = CleanURL(href)
	if href == "" {
		return docURL
	}
	u, err := url.Parse(href)
	switch {
	case err != nil:
		return docURL
	case docURL != nil:
		return docURL.ResolveReference(u)
	case u.IsAbs():
		return u
	}
	return nil
}

// BaseURL returns the base URL of the parsed document doc fetched from
// docURL: its first <base href>, resolved by Base, else docURL.
func BaseURL(doc *html.Node, docURL *url.URL) *url.URL {
	var find func(*html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.Namespace == "" && n.DataAtom == atom.Base {
			for _, a := range n.Attr {
				if a.Namespace == "" && a.Key == "href" {
					return n
				}
			}
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Template || n.Namespace != "") {
			return nil // a template's content and SVG are no part of the document's base
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if b := find(c); b != nil {
				return b
			}
		}
		return nil
	}
	n := find(doc)
	if n == nil {
		return docURL
	}
	for _, a := range n.Attr {
		if a.Key == "href" {
			return Base(docURL, a.Val)
		}
	}
	return docURL
}

// ResolveURL makes href absolute against base; it returns "" for links that
// lead nowhere useful (javascript:, empty).
func ResolveURL(base *url.URL, href string) string {
	href = CleanURL(href)
	if href == "" {
		return ""
	}
	lower := strings.ToLower(href)
	if strings.HasPrefix(lower, "javascript:") || strings.HasPrefix(lower, "vbscript:") || strings.HasPrefix(lower, "data:text/html") {
		return ""
	}
	if isPlainAbsolute(href) {
		return href
	}
	u, err := url.Parse(href)
	if err != nil && Scheme(href) == "" {
		// "%20http://x" is a relative path to a browser, and an error
		// (a colon in the first segment) to url.Parse.
		u, err = url.Parse("./" + href)
	}
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	return u.String()
}

// LinkAllowed reports whether a page may link to the resolved target u: an
// http, https or mailto URL, a file: URL or a relative one from a local page.
func LinkAllowed(u string, local bool) bool {
	switch scheme := Scheme(u); scheme {
	case "http", "https", "mailto":
		return true
	case "file", "":
		return local // a relative link without a base is a local file to Org
	}
	return false
}

// Scheme returns the lower-cased scheme of u, or "" when u has none.
func Scheme(u string) string {
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case (c|0x20 >= 'a' && c|0x20 <= 'z'):
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return strings.ToLower(u[:i])
		default:
			return ""
		}
	}
	return ""
}

// isPlainAbsolute reports whether href is an http(s) URL that url.Parse and
// String would give back unchanged, so that parsing can be skipped.
func isPlainAbsolute(href string) bool {
	rest, ok := strings.CutPrefix(href, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(href, "http://"); !ok {
			return false
		}
	}
	if rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_' || c == '~' ||
			c >= 'A' && c <= 'Z' && i > strings.IndexByte(rest, '/') && strings.IndexByte(rest, '/') >= 0) {
			return false
		}
	}
	return true
}

// CleanURL applies the WHATWG URL parser's first steps: leading and
// trailing C0 controls and spaces go, tabs and newlines inside go, and other
// control characters, spaces and invalid UTF-8 are percent-encoded.
func CleanURL(href string) string {
	href = strings.TrimFunc(href, func(r rune) bool { return r <= ' ' })
	clean := utf8.ValidString(href)
	for i := 0; clean && i < len(href); i++ {
		if c := href[i]; c <= ' ' || c == 0x7f {
			clean = false
		}
	}
	if clean {
		return href
	}
	var b strings.Builder
	for i := 0; i < len(href); {
		c := href[i]
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c <= ' ' || c == 0x7f:
			fmt.Fprintf(&b, "%%%02X", c)
			i++
			continue
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(href[i:])
			if r == utf8.RuneError && size == 1 {
				fmt.Fprintf(&b, "%%%02X", c)
				i++
				continue
			}
			b.WriteString(href[i : i+size])
			i += size
			continue
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}
