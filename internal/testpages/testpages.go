// Package testpages finds the pages that tests convert: the repository's
// shared fixtures in testdata/ at its root (Corpus), go-readability's test
// pages (130-odd news, blog and wiki pages, which ship inside that module,
// so every checkout has them in its module cache), and the development
// sets in ../shared when a machine has them (Dev).
package testpages

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Root is the repository's root folder: every package names a shared
// fixture from it, the same way.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Corpus returns the path of a committed real document (the Node.js API
// docs, MIT), e.g. Corpus("node-url.html"); Corpus("*.html") is a glob
// for all of them.
func Corpus(name string) string {
	return filepath.Join(Root(), "testdata", "corpus", name)
}

// Readability returns the source.html files of go-readability's test
// pages, or nil when the module cannot be found.
func Readability() []string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "codeberg.org/readeck/go-readability/v2").Output()
	if err != nil {
		return nil
	}
	pages, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(out)), "test-pages", "*", "source.html"))
	return pages
}

// Goldens returns the converter's golden files of the format whose
// extension is ext (".org", ".md", ".txt"): the Emacs package's tests
// check that Org reads them as the converter meant.
func Goldens(ext string) []string {
	files, _ := filepath.Glob(filepath.Join(Root(), "strip", "testdata", "*"+ext))
	return files
}
