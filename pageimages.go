package main

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/images"
	"github.com/insert-from-url/insert-from-url/output"
)

// startImages opens the --images folder and starts downloading srcs, the
// images of the page, with the page's fetch rules; the local files among
// them are copied only when the page is local.
func (c *command) startImages(ctx context.Context, local bool, srcs []string) (*images.Store, error) {
	o := c.opts
	maxSize := o.Fetch.MaxSize
	if maxSize <= 0 {
		maxSize = fetch.DefaultMaxSize
	}
	store, err := images.New(ctx, images.Options{
		Dir:     o.Images,
		LinkDir: imageLinkDir(o.Images, o.Output, o.ImagesRelative),
		Client:  fetch.NewClient(o.Fetch, credentialsOrigin(o.Input)),
		MaxSize: maxSize,
		MaxTime: o.Fetch.MaxTime,
		Local:   local,
		Warn:    c.warn,
	})
	if err != nil {
		return nil, &output.WriteError{Err: err} // exit 23, as for -o
	}
	c.images.Store(store)
	for _, src := range srcs {
		store.Prefetch(src)
	}
	c.progress.SetExtra(func() string {
		done, total := store.Progress()
		return fmt.Sprintf("  images %d/%d", done, total)
	})
	return store, nil
}

// credentialsOrigin is the URL whose origin -u and -H are for: the one
// the user gave, not the one a redirect led to (whose request went without
// them, and whose images must too); nil for a file or stdin.
func credentialsOrigin(input string) *url.URL {
	if input == "-" {
		return nil
	}
	u, _, err := fetch.ParseInput(input)
	if err != nil {
		return nil
	}
	return u
}

// imageLinkDir is how the output's links name the images folder dir: from
// the folder relativeTo (when set, and not empty), else from the folder
// of the output file, when there is one, else as given.
func imageLinkDir(dir, output string, relativeTo *string) string {
	from := ""
	switch {
	case relativeTo != nil:
		from = *relativeTo
	case output != "" && output != "-":
		from = filepath.Dir(output)
	}
	if from != "" {
		from, err1 := filepath.Abs(from)
		to, err2 := filepath.Abs(dir)
		if err1 == nil && err2 == nil {
			if rel, err := filepath.Rel(from, to); err == nil {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(dir)
}
