package main

import "path/filepath"

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
