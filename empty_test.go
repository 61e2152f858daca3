package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyConversionSaysSo checks that a page that converts to nothing
// says so on stderr, and that reading mode prints the page rather than an
// article with no text.
func TestEmptyConversionSaysSo(t *testing.T) {
	dir := t.TempDir()
	write := func(name, page string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hidden := write("hidden.html", `<html><body><div style="visibility:hidden"><p>Built by scripts.</p></div></body></html>`)
	// Hidden whole until its scripts run: printed, hidden parts included.
	runCmd(t, "-f", "text", hidden).check(t, 0, "warning: the page hides all of its content until its scripts run", "Built by scripts.\n")
	if r := runCmd(t, "-f", "text", "--readable", hidden); r.stdout != "Built by scripts.\n" || !strings.Contains(r.stderr, "hides all of its content") {
		t.Errorf("--readable on a page hidden until scripted: %q, stderr %q", r.stdout, r.stderr)
	}
	shell := write("shell.html", `<html><head><title>App</title></head><body><div id="root"></div><script>render()</script></body></html>`)
	runCmd(t, "-f", "markdown", shell).check(t, 0, "warning: the page converted to nothing", "")
	runCmd(t, "-f", "org", "--select", "div", hidden).check(t, 0, "warning: the selection holds no text", "")

}

// TestOutputDirectoryMissing checks that -o into a folder that does not
// exist names the user's file and folder, not our temporary file.
func TestOutputDirectoryMissing(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "p.html")
	if err := os.WriteFile(page, []byte("<p>x</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "notes", "note.md")
	r := runCmd(t, "-f", "markdown", "-o", out, page)
	r.check(t, 23, "no such directory "+filepath.Join(dir, "notes"), "")
	if strings.Contains(r.stderr, ".part") {
		t.Errorf("the message names the temporary file: %q", r.stderr)
	}
}
