// Command readable measures article extraction, insert-from-url's
// --readable beside go-readability alone, in two ways:
//
// Word F1 against reference article bodies, for folders holding
// source.html and expected.html (the layout of go-readability's and
// Readability.js's test pages):
//
//	go run ./bench/readable $(go env GOMODCACHE)/codeberg.org/readeck/go-readability/v2@v2.1.3/test-pages/*/
//
// Snippets, by trafilatura's rule, for a folder holding evaldata.json and
// pages/ (as ../shared/realpages): a snippet an article must contain and
// that the text holds is a true positive, one missing a false negative, a
// snippet of boilerplate that the text holds a false positive:
//
//	go run ./bench/readable -snippets ../shared/realpages
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"

	"github.com/insert-from-url/insert-from-url/decode"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/strip"

	"github.com/insert-from-url/insert-from-url/internal/fidelity"
)

var base, _ = url.Parse("http://fakehost/test/page.html")

// text converts n as insert-from-url --readable -f text does.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var out bytes.Buffer
	strip.ConvertNodes(&out, []*html.Node{n}, strip.Options{Format: strip.FormatText, HTML: true, Links: strip.LinksNone, BaseURL: base, NoImageText: true})
	return out.String()
}

// extract returns the text of the article of page, by insert-from-url
// (the whole page when it finds none, as the command prints) and by
// go-readability alone.
func extract(page []byte) (ours, alone string) {
	body, err := decode.Decode(bytes.NewReader(page), "text/html", decode.Options{})
	if err != nil {
		return "", ""
	}
	doc, err := readable.Parse(body)
	if err != nil {
		return "", ""
	}
	if node, _, err := readable.Article(doc, base); err == nil {
		ours = text(node)
	} else {
		ours = text(doc)
	}
	if art, err := readability.FromDocument(doc, base); err == nil {
		alone = text(art.Node)
	}
	return ours, alone
}

func main() {
	snippets := flag.String("snippets", "", "score snippets: a folder with evaldata.json and pages/")
	verbose := flag.Bool("v", false, "with -snippets, list each page's misses")
	flag.Parse()
	if *snippets != "" {
		scoreSnippets(*snippets, *verbose)
		return
	}
	scoreWords(flag.Args())
}

func scoreWords(dirs []string) {
	type score struct {
		name     string
		ours, ra float64
	}
	var scores []score
	for _, dir := range dirs {
		src, err1 := os.ReadFile(filepath.Join(dir, "source.html"))
		exp, err2 := os.ReadFile(filepath.Join(dir, "expected.html"))
		if err1 != nil || err2 != nil {
			continue
		}
		want := text(must(html.Parse(bytes.NewReader(exp))))
		ours, alone := extract(src)
		scores = append(scores, score{filepath.Base(filepath.Clean(dir)), fidelity.WordF1(ours, want), fidelity.WordF1(alone, want)})
	}
	sort.Slice(scores, func(i, j int) bool { return scores[i].ours-scores[i].ra < scores[j].ours-scores[j].ra })
	var sumOurs, sumRA float64
	for _, s := range scores {
		sumOurs += s.ours
		sumRA += s.ra
		if s.ours != s.ra {
			fmt.Printf("%-40s insert-from-url %.3f  go-readability %.3f\n", s.name, s.ours, s.ra)
		}
	}
	n := float64(len(scores))
	fmt.Printf("%d pages: mean word F1 insert-from-url --readable %.3f, go-readability alone %.3f\n", len(scores), sumOurs/n, sumRA/n)
}

// counts are the snippets of a score.
type counts struct{ tp, fp, fn int }

func (c counts) String() string {
	p := float64(c.tp) / float64(max(1, c.tp+c.fp))
	r := float64(c.tp) / float64(max(1, c.tp+c.fn))
	f := 2 * float64(c.tp) / float64(max(1, 2*c.tp+c.fp+c.fn))
	return fmt.Sprintf("precision %.3f recall %.3f F1 %.4f", p, r, f)
}

func (c *counts) add(out string, with, without []string) (missed, extra []string) {
	for _, w := range with {
		if strings.Contains(out, norm(w)) {
			c.tp++
		} else {
			c.fn++
			missed = append(missed, w)
		}
	}
	for _, w := range without {
		if strings.Contains(out, norm(w)) {
			c.fp++
			extra = append(extra, w)
		}
	}
	return missed, extra
}

func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

func scoreSnippets(dir string, verbose bool) {
	raw, err := os.ReadFile(filepath.Join(dir, "evaldata.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var eval map[string]struct {
		File    string   `json:"file"`
		With    []string `json:"with"`
		Without []string `json:"without"`
	}
	if err := json.Unmarshal(raw, &eval); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var ours, alone counts
	pages := 0
	for _, item := range eval {
		page, err := os.ReadFile(filepath.Join(dir, "pages", item.File))
		if err != nil {
			continue
		}
		pages++
		o, a := extract(page)
		missed, extra := ours.add(norm(o), item.With, item.Without)
		alone.add(norm(a), item.With, item.Without)
		if verbose && len(missed)+len(extra) > 0 {
			fmt.Printf("%s: missed %q extra %q\n", item.File, missed, extra)
		}
	}
	fmt.Printf("%d pages: insert-from-url --readable %s\n", pages, ours)
	fmt.Printf("%d pages: go-readability alone      %s\n", pages, alone)
}

func must(n *html.Node, err error) *html.Node {
	if err != nil {
		panic(err)
	}
	return n
}
