package strip

import (
	"bytes"
	"os"
	"testing"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

func TestRTDebug(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough), goldmark.WithRendererOptions(html.WithUnsafe()))
	in, _ := os.ReadFile(os.Getenv("PAGE"))
	out := convertString(t, in, FormatMarkdown)
	var rendered bytes.Buffer
	md.Convert([]byte(out), &rendered)
	second := convertString(t, rendered.Bytes(), FormatMarkdown)
	os.WriteFile("/tmp/rt/a.md", []byte(normalizeMarkers(out)), 0644)
	os.WriteFile("/tmp/rt/b.md", []byte(normalizeMarkers(second)), 0644)
	os.WriteFile("/tmp/rt/r.html", rendered.Bytes(), 0644)
}
