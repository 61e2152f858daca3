// Package strip converts HTML to plain text, Markdown or Org, as a stream
// (Convert: an io.Reader in, an io.Writer out) or from a parsed tree
// (ConvertNodes), the two reading HTML as the HTML parser does. Its input
// is UTF-8: package decode makes it so.
package strip
