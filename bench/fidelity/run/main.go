// Command run measures the structural fidelity of a converter on real pages
// (see package fidelity) and prints one row.
//
//	go run ./bench/fidelity/run -format markdown                 # ours
//	go run ./bench/fidelity/run -format org -cmd 'pandoc -f html -t org --wrap=none {file}'
//	go run ./bench/fidelity/run -format text -cmd 'w3m -dump -T text/html {file}'
//
// Pages are go-readability's test pages and, when present,
// ../shared/realpages/pages; -pages names other folders or files.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/insert-from-url/insert-from-url/decode"
	"github.com/insert-from-url/insert-from-url/internal/fidelity"
	"github.com/insert-from-url/insert-from-url/strip"
)

var verbose = flag.Bool("v", false, "list what each page misses")

func main() {
	format := flag.String("format", "markdown", "markdown, org or text")
	cmd := flag.String("cmd", "", "shell command that converts {file} (default: insert-from-url's converter, in process)")
	name := flag.String("name", "", "the row's name")
	pagesFlag := flag.String("pages", "", "comma-separated folders or files of pages (default: go-readability's and ../shared/realpages)")
	flag.Parse()
	pages, err := findPages(*pagesFlag)
	if err != nil || len(pages) == 0 {
		fmt.Fprintln(os.Stderr, "fidelity: no pages:", err)
		os.Exit(1)
	}
	if *name == "" {
		*name = "insert-from-url " + *format
		if *cmd != "" {
			*name = strings.Fields(*cmd)[0] + " " + *format
		}
	}
	score, failed, err := measure(pages, *format, *cmd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fidelity:", err)
		os.Exit(1)
	}
	fmt.Println(fidelity.Header())
	only := []fidelity.Kind(nil)
	if *format == "text" {
		only = []fidelity.Kind{fidelity.Shingles}
	}
	fmt.Printf("%s   (%d pages, %d failed)\n", score.Row(*name, only...), score.Pages, failed)
}

// base is the URL every page is read at, on both sides of the measure.
var base, _ = url.Parse("http://fakehost/test/page.html")

func findPages(spec string) ([]string, error) {
	var roots []string
	if spec != "" {
		roots = strings.Split(spec, ",")
	} else {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/readeck/go-readability/v2").Output()
		if err != nil {
			return nil, err
		}
		roots = append(roots, filepath.Join(strings.TrimSpace(string(out)), "test-pages"))
		if _, err := os.Stat("../shared/realpages/pages"); err == nil {
			roots = append(roots, "../shared/realpages/pages")
		}
	}
	var pages []string
	for _, r := range roots {
		st, err := os.Stat(r)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			pages = append(pages, r)
			continue
		}
		found, _ := filepath.Glob(filepath.Join(r, "*", "source.html"))
		more, _ := filepath.Glob(filepath.Join(r, "*.html"))
		pages = append(append(pages, found...), more...)
	}
	return pages, nil
}

// convert returns the output of the converter on page.
func convert(page, format, cmd string) ([]byte, error) {
	if cmd == "" {
		in, err := os.ReadFile(page)
		if err != nil {
			return nil, err
		}
		f, _ := strip.ParseFormat(format)
		var out bytes.Buffer
		body, err := decode.Decode(bytes.NewReader(in), "text/html", decode.Options{})
		if err != nil {
			return nil, err
		}
		err = strip.Convert(&out, body, strip.Options{Format: f, HTML: true, BaseURL: base, Links: strip.LinksNone})
		return out.Bytes(), err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, "sh", "-c", strings.ReplaceAll(cmd, "{file}", "'"+strings.ReplaceAll(page, "'", `'\''`)+"'"))
	return c.Output()
}

func measure(pages []string, format, cmd string) (*fidelity.Score, int, error) {
	dir, err := os.MkdirTemp("", "fidelity")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	outs := make([][]byte, len(pages))
	errs := make([]error, len(pages))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				outs[i], errs[i] = convert(pages[i], format, cmd)
			}
		}()
	}
	for i := range pages {
		next <- i
	}
	close(next)
	wg.Wait()
	failed := 0
	if format == "org" {
		for i, out := range outs {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.org", i)), out, 0o644)
		}
		el, _ := filepath.Abs("internal/fidelity/org-html.el")
		if err := fidelity.ExportOrg(dir, el); err != nil {
			return nil, 0, err
		}
	}
	score := &fidelity.Score{}
	for i, page := range pages {
		in, err := os.ReadFile(page)
		if err != nil {
			return nil, 0, err
		}
		// The page in its own charset, as a browser (and the converter)
		// reads it.
		body, err := decode.Decode(bytes.NewReader(in), "text/html", decode.Options{})
		if err != nil {
			return nil, 0, err
		}
		src, err := fidelity.FromHTML(body, base)
		if err != nil {
			return nil, 0, err
		}
		out := outs[i]
		if errs[i] != nil {
			failed++
			fmt.Fprintf(os.Stderr, "%s: %v\n", page, errs[i])
			out = nil
		}
		var got *fidelity.Elements
		switch format {
		case "markdown":
			got, err = fidelity.FromMarkdown(out, base)
		case "org":
			html, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%04d.html", i)))
			if msg, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%04d.err", i))); err == nil {
				fmt.Fprintf(os.Stderr, "%s: Org export failed: %s\n", page, msg)
				failed++
			}
			got, err = fidelity.FromHTML(bytes.NewReader(html), base)
		default:
			got = fidelity.FromText(string(out))
		}
		if err != nil {
			return nil, 0, err
		}
		score.Add(src, got)
		if *verbose {
			for k := fidelity.Kind(0); k < fidelity.Shingles; k++ {
				var missing []string
				for key, n := range src[k] {
					if got[k][key] < n {
						missing = append(missing, key)
					}
				}
				if len(missing) > 0 {
					fmt.Fprintf(os.Stderr, "%s %s: %d missing, e.g. %.60q\n", filepath.Base(filepath.Dir(page))+"/"+filepath.Base(page), k, len(missing), missing[:min(3, len(missing))])
				}
			}
		}
	}
	return score, failed, nil
}
