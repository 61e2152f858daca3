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
//
// Word F1 per kind of page, for a folder laid out as ../shared/wcxb-dev
// (ground-truth/NNNN.json with the page's main content and its kind,
// html/NNNN.html.gz), the measure of its score.py, computed in process:
//
//	go run ./bench/readable -wcxb ../shared/wcxb-dev
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
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
	ours, alone, _ = extractTyped(page)
	return ours, alone
}

func main() {
	snippets := flag.String("snippets", "", "score snippets: a folder with evaldata.json and pages/")
	verbose := flag.Bool("v", false, "with -snippets, list each page's misses")
	wcxb := flag.String("wcxb", "", "score word F1 per kind of page: a folder with ground-truth/ and html/")
	flag.Parse()
	if *wcxb != "" {
		scoreKinds(*wcxb)
		return
	}
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

// scoreKinds prints the mean word F1 of insert-from-url --readable and of
// go-readability alone, overall and per kind of page, and how often the
// page type that --metadata gives matches the benchmark's.
func scoreKinds(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "ground-truth", "*.json"))
	type sums struct {
		pages            int
		ours, alone      float64
		typed, typedGood int
	}
	by := map[string]*sums{}
	kinds := []string{"all", "article", "forum", "product", "collection", "listing", "documentation", "service"}
	for _, k := range kinds {
		by[k] = &sums{}
	}
	for _, f := range files {
		var gt struct {
			Internal struct {
				PageType struct {
					Primary string `json:"primary"`
				} `json:"page_type"`
			} `json:"_internal"`
			GroundTruth struct {
				MainContent string `json:"main_content"`
			} `json:"ground_truth"`
		}
		raw, err := os.ReadFile(f)
		if err != nil || json.Unmarshal(raw, &gt) != nil {
			continue
		}
		page, err := readGzip(filepath.Join(dir, "html", strings.TrimSuffix(filepath.Base(f), ".json")+".html.gz"))
		if err != nil {
			continue
		}
		kind := gt.Internal.PageType.Primary
		switch kind {
		case "category":
			kind = "collection"
		case "":
			kind = "article"
		}
		ours, alone, typ := extractTyped(page)
		for _, k := range []string{"all", kind} {
			s := by[k]
			if s == nil {
				continue
			}
			s.pages++
			s.ours += fidelity.WordF1(ours, gt.GroundTruth.MainContent)
			s.alone += fidelity.WordF1(alone, gt.GroundTruth.MainContent)
			if typ != "" {
				s.typed++
				if typ == kind {
					s.typedGood++
				}
			}
		}
	}
	fmt.Printf("%-14s %6s %16s %15s %12s\n", "kind", "pages", "insert-from-url", "go-readability", "type right")
	for _, k := range kinds {
		s := by[k]
		if s.pages == 0 {
			continue
		}
		n := float64(s.pages)
		fmt.Printf("%-14s %6d %16.3f %15.3f %6d of %-4d\n", k, s.pages, s.ours/n, s.alone/n, s.typedGood, s.typed)
	}
}

// extractTyped is extract, and the page type reading mode decided.
func extractTyped(page []byte) (ours, alone, typ string) {
	body, err := decode.Decode(bytes.NewReader(page), "text/html", decode.Options{})
	if err != nil {
		return "", "", ""
	}
	doc, err := readable.Parse(body)
	if err != nil {
		return "", "", ""
	}
	node, meta, err := readable.Article(doc, base)
	if err == nil {
		ours = text(node)
	} else {
		ours = text(doc)
	}
	if art, err := readability.FromDocument(doc, base); err == nil {
		alone = text(art.Node)
	}
	return ours, alone, meta.Type
}

func readGzip(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

func must(n *html.Node, err error) *html.Node {
	if err != nil {
		panic(err)
	}
	return n
}
