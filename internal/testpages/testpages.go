// Package testpages finds the real pages that tests convert:
// go-readability's test pages (130-odd news, blog and wiki pages), which
// ship inside that module, so every checkout has them in its module cache.
package testpages

import (
	"os/exec"
	"path/filepath"
	"strings"
)

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
