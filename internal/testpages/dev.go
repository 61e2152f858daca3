package testpages

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Dev returns the development pages beside the repository, when they are
// there (tests must pass without them): wcxb-dev's saved pages and, with
// realpages, ../shared/realpages' too.
func Dev(realpages bool) []string {
	shared := filepath.Join(Root(), "..", "shared")
	pages, _ := filepath.Glob(filepath.Join(shared, "wcxb-dev", "html", "*.html.gz"))
	if realpages {
		more, _ := filepath.Glob(filepath.Join(shared, "realpages", "pages", "*.html"))
		pages = append(pages, more...)
	}
	return pages
}

// NotInHTML returns the ids of the wcxb-dev pages whose main content is not
// in their HTML (its not-in-html.txt): an empty conversion is right there.
func NotInHTML(root string) map[string]bool {
	ids := map[string]bool{}
	list, err := os.ReadFile(filepath.Join(root, "..", "shared", "wcxb-dev", "not-in-html.txt"))
	if err != nil {
		return ids
	}
	for _, line := range strings.Split(string(list), "\n") {
		if f := strings.Fields(line); len(f) > 0 && !strings.HasPrefix(f[0], "#") {
			ids[f[0]] = true
		}
	}
	return ids
}

// Read returns a page's bytes, decompressed when it is gzipped.
func Read(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasSuffix(path, ".gz") {
		return b, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
