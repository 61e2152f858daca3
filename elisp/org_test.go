package elisp

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/insert-from-url/insert-from-url/internal/fidelity"
	"github.com/insert-from-url/insert-from-url/internal/testpages"
	"github.com/insert-from-url/insert-from-url/strip"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// TestOrgOutputParses checks that Emacs's own Org parser reads the Org
// output of each golden page into the same headings, links, tables, code
// blocks, list items and quotes that a CommonMark parser reads from the
// Markdown output of the same page.
func TestOrgOutputParses(t *testing.T) {
	emacs(t)
	orgs := testpages.Goldens(".org")
	if len(orgs) == 0 {
		t.Fatal("no Org golden files")
	}
	// And a real document, converted now.
	dir := t.TempDir()
	page, err := os.ReadFile(testpages.Corpus("node-url.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []strip.Format{strip.FormatOrg, strip.FormatMarkdown} {
		var out bytes.Buffer
		if err := strip.Convert(&out, bytes.NewReader(page), strip.Options{Format: f, HTML: true}); err != nil {
			t.Fatal(err)
		}
		ext := map[strip.Format]string{strip.FormatOrg: ".org", strip.FormatMarkdown: ".md"}[f]
		os.WriteFile(filepath.Join(dir, "node-url"+ext), out.Bytes(), 0o644)
	}
	orgs = append(orgs, filepath.Join(dir, "node-url.org"))
	for _, org := range orgs {
		name := filepath.Base(org)
		t.Run(name, func(t *testing.T) {
			abs, _ := filepath.Abs(org)
			got := runEmacs(t, nil, "-l", "test/insert-from-url-org-structure.el", "--eval", fmt.Sprintf("(ifu-org-structure %q)", abs))
			md, err := os.ReadFile(strings.TrimSuffix(org, ".org") + ".md")
			if err != nil {
				t.Fatal(err)
			}
			want := markdownStructure(md)
			if strings.TrimSpace(got) != strings.TrimSpace(want) {
				t.Errorf("org-element reads:\n%s\nCommonMark reads from the Markdown:\n%s", got, want)
			}
		})
	}
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)

// markdownStructure lists what goldmark finds in md, in the same line
// format as test/insert-from-url-org-structure.el.
func markdownStructure(md []byte) string {
	p := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser()
	doc := p.Parse(text.NewReader(md))
	var b strings.Builder
	var skipImages []*ast.Image
	// An Org heading cannot live in a list item: strip writes it out of
	// the list, and the item's other content after it starts the item.
	deferredItem := map[ast.Node]bool{}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if p := n.Parent(); p != nil && deferredItem[p] {
			if _, isHeading := n.(*ast.Heading); !isHeading {
				b.WriteString("item\n")
				delete(deferredItem, p)
			}
		}
		switch n := n.(type) {
		case *ast.Heading:
			fmt.Fprintf(&b, "heading %d %s\n", n.Level, nonWord.ReplaceAllString(plain(n, md), ""))
		case *ast.Link:
			// Org links cannot hold links: an image inside a link with
			// other text is written before it (see strip's orgLinkImages).
			var images []*ast.Image
			other := false
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if img, ok := c.(*ast.Image); ok {
					images = append(images, img)
				} else if t, ok := c.(*ast.Text); !ok || strings.TrimSpace(string(t.Segment.Value(md))) != "" {
					other = true
				}
			}
			if len(images) == 1 && !other && len(plain(images[0], md)) > 0 {
				// An image with alternative text alone in a link: Org
				// writes [[href][alt]] (strip's orgLinkImages).
				fmt.Fprintf(&b, "link %s\n", util.UnescapePunctuations(n.Destination))
				skipImages = append(skipImages, images...)
				return ast.WalkContinue, nil
			}
			if len(images) > 0 && (other || len(plain(images[0], md)) == 0) {
				for _, img := range images {
					fmt.Fprintf(&b, "link %s\n", util.UnescapePunctuations(img.Destination))
				}
				fmt.Fprintf(&b, "link %s\n", util.UnescapePunctuations(n.Destination))
				skipImages = append(skipImages, images...)
				return ast.WalkContinue, nil
			}
			fmt.Fprintf(&b, "link %s\n", util.UnescapePunctuations(n.Destination))
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkEmail {
				fmt.Fprintf(&b, "link mailto:%s\n", n.URL(md))
				break
			}
			fmt.Fprintf(&b, "link %s\n", n.URL(md))
		case *ast.Image:
			for _, done := range skipImages {
				if done == n {
					return ast.WalkContinue, nil
				}
			}
			fmt.Fprintf(&b, "link %s\n", util.UnescapePunctuations(n.Destination))
		case *east.Table:
			fmt.Fprintf(&b, "table %d\n", n.ChildCount())
		case *ast.FencedCodeBlock:
			var code strings.Builder
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				code.Write(seg.Value(md))
			}
			fmt.Fprintf(&b, "block %q\n", strings.TrimRight(code.String(), "\n"))
		case *ast.ListItem:
			if _, isHeading := n.FirstChild().(*ast.Heading); isHeading {
				deferredItem[n] = true
				break
			}
			b.WriteString("item\n")
		case *ast.Blockquote:
			b.WriteString("quote\n")
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func plain(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if t, ok := c.(*ast.Text); ok {
				b.Write(t.Segment.Value(src))
			}
			if s, ok := c.(*ast.String); ok {
				b.Write(s.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// TestOrgRealPages runs the same comparison over the real pages that ship
// with go-readability, in one batch Emacs.
func TestOrgRealPages(t *testing.T) {
	emacs(t)
	if testing.Short() {
		t.Skip("converts 130 pages and runs Emacs over them")
	}
	pages := testpages.Readability()
	if len(pages) == 0 {
		t.Skip("no test pages")
	}
	dir := t.TempDir()
	pageURL, _ := url.Parse("http://fakehost/test/page.html")
	var calls []string
	for _, page := range pages {
		in, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(page))
		for f, ext := range map[strip.Format]string{strip.FormatOrg: ".org", strip.FormatMarkdown: ".md"} {
			var b bytes.Buffer
			// As fetched pages are: with the page's URL, so that links
			// are absolute.
			if err := strip.Convert(&b, bytes.NewReader(in), strip.Options{Format: f, HTML: true, BaseURL: pageURL}); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, name+ext), b.Bytes(), 0o644)
		}
		calls = append(calls, fmt.Sprintf("(progn (princ \"@@PAGE %s\\n\") (ifu-org-structure %q))", name, filepath.Join(dir, name+".org")))
	}
	got := runEmacs(t, nil, "-l", "test/insert-from-url-org-structure.el", "--eval", "(progn "+strings.Join(calls, " ")+")")
	differ := 0
	for _, part := range strings.Split(got, "@@PAGE ")[1:] {
		name, structure, _ := strings.Cut(part, "\n")
		md, _ := os.ReadFile(filepath.Join(dir, name+".md"))
		if strings.TrimSpace(structure) != strings.TrimSpace(markdownStructure(md)) {
			differ++
			if os.Getenv("IFU_ORG_DEBUG") != "" {
				a, b := strings.Split(strings.TrimSpace(structure), "\n"), strings.Split(strings.TrimSpace(markdownStructure(md)), "\n")
				for i := 0; i < len(a) && i < len(b); i++ {
					if a[i] != b[i] {
						t.Logf("%s @%d: org %.80q | md %.80q", name, i, a[i], b[i])
						break
					}
				}
			}
		}
	}
	// Known: URLs are encoded differently in the two formats, images
	// inside emphasis inside links are not moved out yet, and images in
	// links in table cells are not seen by this reading of Org. The bound
	// keeps the count from growing while those are worked on.
	const knownDifferences = 12
	t.Logf("%d of %d real pages read differently from their Markdown", differ, len(pages))
	if differ > knownDifferences {
		t.Errorf("%d of %d real pages read differently (at most %d known)", differ, len(pages), knownDifferences)
	}
}

// hostileLinks is a page that tries to put commands and local files
// behind links, as links and as plain text that Org reads as links.
const hostileLinks = `<p><a href="elisp:(delete-file &quot;x&quot;)">click</a>
<a href="shell:rm -rf ~">run</a> <a href="file:///etc/passwd">passwd</a> <a href="help:car">help</a>
<a href="info:emacs">info</a> <a href="id:123">id</a> <a href="whatsapp://send?text=x">share</a>
<a href="fb-messenger://share">fb</a> <a href="about:blank">about</a> <a href="data:text/html,x">data</a>
<a href="javascript:alert(1)">js</a> <a href="relative/page.html">relative</a> <a href="/root">root</a>
<a href="https://ok.example/">ok</a> <a href="mailto:a@b.example">mail</a>
<a href="x"><img src="file:///etc/img.png" alt="img"></a> <img src="shell:ls">
plain text: elisp:(kill-emacs) shell:ls file:/etc/passwd FILE:/x help:car [[elisp:(x)][y]]
[fn:1] <<target>> @@html:<b>@@ {{{macro}}} user_name x^2 /usr/bin/ *not bold*</p>`

// TestOrgLinkTypes asks org-element which link types the Org output holds:
// from a page on the network only http, https and mailto; from a local
// file, file too.
func TestOrgLinkTypes(t *testing.T) {
	emacs(t)
	dir := t.TempDir()
	remote, _ := url.Parse("https://example.com/dir/page.html")
	local, _ := url.Parse("file:///home/me/page.html")
	cases := []struct {
		name    string
		opt     strip.Options
		allowed string
	}{
		{"remote", strip.Options{BaseURL: remote}, " http https mailto "},
		{"local", strip.Options{BaseURL: local, Local: true}, " http https mailto file "},
	}
	for _, c := range cases {
		c.opt.Format, c.opt.HTML = strip.FormatOrg, true
		var out bytes.Buffer
		if err := strip.Convert(&out, strings.NewReader(hostileLinks), c.opt); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, c.name+".org")
		os.WriteFile(file, out.Bytes(), 0o644)
		got := runEmacs(t, nil, "--eval", fmt.Sprintf(`(progn (require 'org) (require 'org-element)
  (with-temp-buffer (insert-file-contents %q) (org-mode)
    (let ((tree (org-element-parse-buffer)))
      (org-element-map tree 'link (lambda (l) (princ (format "link %%s %%s\n" (org-element-property :type l) (org-element-property :raw-link l)))))
      ;; Sub- and superscripts (user_name, x^2) matter only to the
      ;; exporter: words stay whole.
      (org-element-map tree '(footnote-reference target export-snippet macro italic bold)
        (lambda (e) (princ (format "markup %%s\n" (org-element-type e))))))))`, file))
		for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			switch {
			case f[0] == "link" && !strings.Contains(c.allowed, " "+f[1]+" "):
				t.Errorf("%s: Org reads a %s link: %s\n%s", c.name, f[1], line, out.String())
			case f[0] == "markup":
				t.Errorf("%s: Org reads %s in the page's text\n%s", c.name, f[1], out.String())
			}
		}
		if c.name == "local" && !strings.Contains(got, "link file file:///home/me/relative/page.html") {
			t.Errorf("local: relative link not resolved to a file link:\n%s", got)
		}
	}
}

// orgFidelityFloors are TestFidelityFloors' floors for Org, measured
// through Org's own HTML export: within 0.02 of Markdown's but for list
// items, where a heading inside an item (which Org cannot hold) is written
// out of the list. Words with "_" or "^" inside (snake_case, x^2) are
// written whole, so that search and grep find them in a note; a stock
// export makes sub- and superscripts of them, which costs headings 0.001,
// items 0.008 and shingles 0.003 here (with ^:{} the floors were 0.997,
// 0.888 and 0.983, and still hold).
var orgFidelityFloors = map[fidelity.Kind]float64{
	fidelity.Headings:  0.996,
	fidelity.Items:     0.880,
	fidelity.Cells:     0.805,
	fidelity.DataCells: 0.884,
	fidelity.Blocks:    1.000,
	fidelity.Links:     0.889,
	fidelity.Shingles:  0.980,
}

// TestOrgFidelityFloors converts the real pages to Org, has Org export
// them to HTML (every page must export: no broken link), and checks how
// much of the pages' structure is found again.
func TestOrgFidelityFloors(t *testing.T) {
	emacs(t)
	if testing.Short() {
		t.Skip("converts 134 pages and exports them with Org")
	}
	pages := testpages.Readability()
	if len(pages) == 0 {
		t.Skip("no test pages")
	}
	base, _ := url.Parse("http://fakehost/test/page.html")
	dir := t.TempDir()
	for i, page := range pages {
		in, _ := os.ReadFile(page)
		var b bytes.Buffer
		if err := strip.Convert(&b, bytes.NewReader(in), strip.Options{Format: strip.FormatOrg, HTML: true, BaseURL: base}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.org", i)), b.Bytes(), 0o644)
	}
	el, _ := filepath.Abs("../internal/fidelity/org-html.el")
	if err := fidelity.ExportOrg(dir, el); err != nil {
		t.Fatal(err)
	}
	score := &fidelity.Score{}
	for i, page := range pages {
		if msg, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%04d.err", i))); err == nil {
			t.Errorf("%s: Org export fails: %s", page, msg)
		}
		in, _ := os.ReadFile(page)
		src, err := fidelity.FromHTML(bytes.NewReader(in), base)
		if err != nil {
			t.Fatal(err)
		}
		html, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%04d.html", i)))
		got, err := fidelity.FromHTML(bytes.NewReader(html), base)
		if err != nil {
			t.Fatal(err)
		}
		score.Add(src, got)
	}
	t.Log("\n" + fidelity.Header() + "\n" + score.Row("org"))
	for _, msg := range score.Below(orgFidelityFloors) {
		t.Error(msg)
	}
}
