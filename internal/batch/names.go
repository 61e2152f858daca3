package batch

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxSlug is the longest name a page's file gets, in bytes, before its
// number and extension: short enough for every file system.
const maxSlug = 80

// Slug is a safe, short file name for a page: its title (else its URL's
// host and path) in lower case, letters and digits kept (in any script),
// every other run of characters one hyphen. It is never empty, never
// starts with a dot or a hyphen, and holds no separator: it names a file
// inside the folder, whatever the page says.
func Slug(title, rawURL string) string {
	s := title
	if strings.TrimSpace(s) == "" {
		if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
			s = u.Host + " " + u.Path
		} else {
			s = filepath.Base(rawURL)
		}
	}
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFC.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			sep := hyphen && b.Len() > 0
			if b.Len()+len(string(r))+btoi(sep) > maxSlug {
				break
			}
			if sep {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		hyphen = true
	}
	if b.Len() == 0 {
		return "page"
	}
	return b.String()
}

// Namer gives each page of a run its own file in a folder: a slug and
// the format's extension, numbered ("-2", "-3"…) when the name is taken,
// by an earlier page of the run or by a file already there, so that
// nothing is replaced.
type Namer struct {
	Dir   string
	Ext   string // with its dot
	taken map[string]bool
}

// Name returns the path for a page.
func (n *Namer) Name(title, rawURL string) (string, error) {
	if n.taken == nil {
		n.taken = map[string]bool{}
	}
	slug := Slug(title, rawURL)
	for i := 1; ; i++ {
		name := slug
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		name += n.Ext
		if n.taken[name] {
			continue
		}
		path := filepath.Join(n.Dir, name)
		if _, err := os.Lstat(path); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		n.taken[name] = true
		return path, nil
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
