package readable

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file finds the pictures that lazy loaders hide, as Readability
// does: in a <noscript> after a placeholder, in an attribute of a <figure>
// that holds no picture, and in attributes whose name only the loader
// knows.

// imageFile matches an image's file name in an attribute.
var imageFile = regexp.MustCompile(`(?i)\.(jpg|jpeg|png|webp)`)

// hasImageSource reports whether an <img> has a source, or an attribute
// that names an image file (a lazy loader's).
func hasImageSource(img *html.Node) bool {
	for _, at := range img.Attr {
		switch at.Key {
		case "src", "data-src", "srcset", "data-srcset":
			return true
		}
		if imageFile.MatchString(at.Val) {
			return true
		}
	}
	return false
}

// swapNoscriptImage notes the image that the <noscript> n holds, if that
// is all it holds, in place of the lazy image before it (whose image
// attributes it keeps, renamed data-old-* where they differ) or else of n
// itself, as Readability does. The page holds a <noscript>'s content as
// text, parsed here.
func (a *attempt) swapNoscriptImage(n *html.Node) {
	img := noscriptImage(n)
	if img == nil {
		return
	}
	prev := n.PrevSibling
	for prev != nil && (prev.Type != html.ElementNode || prev.DataAtom == atom.Img && !hasImageSource(prev)) {
		prev = prev.PrevSibling
	}
	if old := singleImage(prev); old != nil {
		for _, at := range old.Attr {
			if at.Val == "" || at.Key != "src" && at.Key != "srcset" && !imageFile.MatchString(at.Val) {
				continue
			}
			if v, ok := lookupAttr(img, at.Key); ok {
				if v == at.Val {
					continue
				}
				at.Key = "data-old-" + at.Key
			}
			img.Attr = append(img.Attr, at)
		}
		a.swaps[prev] = img
		return
	}
	if attr(img, "width") == "1" && attr(img, "height") == "1" {
		return // a tracking pixel
	}
	a.swaps[n] = img
}

// noscriptImage returns the <img> that the <noscript> n holds, if it holds
// nothing else.
func noscriptImage(n *html.Node) *html.Node {
	body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(textOf(n)), body)
	if err != nil {
		return nil
	}
	for _, c := range nodes {
		body.AppendChild(c)
	}
	img := singleImage(body)
	if img == nil {
		return nil
	}
	// The image alone: a wrapper's text, if any, is white space.
	return &html.Node{Type: html.ElementNode, DataAtom: atom.Img, Data: "img", Attr: img.Attr}
}

// singleImage returns the <img> that n is, or that n holds alone, through
// elements of one child and no text.
func singleImage(n *html.Node) *html.Node {
	for n != nil && n.Type == html.ElementNode {
		if n.DataAtom == atom.Img {
			return n
		}
		var only *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode && strings.TrimSpace(c.Data) != "":
				return nil
			case c.Type == html.ElementNode:
				if only != nil {
					return nil
				}
				only = c
			}
		}
		n = only
	}
	return nil
}

var (
	lazySrcset  = regexp.MustCompile(`(?i)\.(jpg|jpeg|png|webp)\s+\d`)
	lazySrc     = regexp.MustCompile(`(?i)^\s*\S+\.(jpg|jpeg|png|webp)\S*\s*$`)
	base64Image = regexp.MustCompile(`(?i)^data:\s*([^\s;,]+)\s*;\s*base64\s*,`)
)

// minBase64Pic is the length in base64 of the smallest picture that is no
// placeholder.
const minBase64Pic = 133

// fixLazyImages gives the lazy images under root the source that a
// lazy loader keeps in another attribute, whatever its name, as
// Readability does: an <img> or <picture> without src or srcset, or whose
// class says lazy, takes it as src or srcset; a <figure> with no picture
// gets an <img>; a tiny base64 placeholder gives way to such a source.
func fixLazyImages(root *html.Node) {
	removeWhere(root, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Img, atom.Picture, atom.Figure:
			fixLazyImage(n)
		}
		return false
	})
}

func fixLazyImage(n *html.Node) {
	src, srcset := attr(n, "src"), attr(n, "srcset")
	if m := base64Image.FindStringSubmatch(src); m != nil {
		if m[1] == "image/svg+xml" {
			return // an SVG can say much in a few bytes
		}
		elsewhere := false
		for _, at := range n.Attr {
			elsewhere = elsewhere || at.Key != "src" && imageFile.MatchString(at.Val) && isRequestURI(at.Val)
		}
		if elsewhere && len(src)-(strings.Index(src, "base64")+7) < minBase64Pic {
			src = ""
			setAttr(n, "src", "")
		}
	}
	if (src != "" || srcset != "") && !strings.Contains(strings.ToLower(attr(n, "class")), "lazy") {
		return
	}
	for _, at := range n.Attr {
		if at.Key == "src" || at.Key == "srcset" || at.Key == "alt" {
			continue
		}
		to := ""
		switch {
		case lazySrcset.MatchString(at.Val):
			to = "srcset"
		case lazySrc.MatchString(at.Val):
			to = "src"
		}
		if to == "" || !isRequestURI(at.Val) {
			continue
		}
		switch {
		case n.DataAtom != atom.Figure:
			setAttr(n, to, at.Val)
		case !holdsPicture(n):
			img := &html.Node{Type: html.ElementNode, DataAtom: atom.Img, Data: "img", Attr: []html.Attribute{{Key: to, Val: at.Val}}}
			n.AppendChild(img)
		}
	}
}

func isRequestURI(s string) bool {
	_, err := url.ParseRequestURI(s)
	return err == nil
}

func holdsPicture(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Img || c.DataAtom == atom.Picture || holdsPicture(c)) {
			return true
		}
	}
	return false
}

// setAttr sets n's attribute key to val (removes it if val is ""), on a
// copy of n's attributes: copies share theirs with the page.
func setAttr(n *html.Node, key, val string) {
	attrs := make([]html.Attribute, 0, len(n.Attr)+1)
	set := false
	for _, at := range n.Attr {
		if at.Key == key {
			if set || val == "" {
				continue
			}
			at.Val, set = val, true
		}
		attrs = append(attrs, at)
	}
	if !set && val != "" {
		attrs = append(attrs, html.Attribute{Key: key, Val: val})
	}
	n.Attr = attrs
}
