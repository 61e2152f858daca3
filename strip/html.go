package strip

import (
	"fmt"
	"io"
)

func convertHTML(w io.Writer, r io.Reader, opt Options) error {
	return fmt.Errorf("format %s: not implemented yet", opt.Format)
}
