// Package elisp carries the Emacs package, insert-from-url.el, inside the
// binary, so that one install ships both.
package elisp

import _ "embed"

// Source is the text of insert-from-url.el.
//
//go:embed insert-from-url.el
var Source string

// FileName is the name the package must be saved under.
const FileName = "insert-from-url.el"
