package exitcode

import (
	"errors"
	"fmt"
	"testing"

	"github.com/insert-from-url/insert-from-url/decode"
	"github.com/insert-from-url/insert-from-url/fetch"
	"github.com/insert-from-url/insert-from-url/internal/pipeline"
	"github.com/insert-from-url/insert-from-url/output"
	"github.com/insert-from-url/insert-from-url/readable"
	"github.com/insert-from-url/insert-from-url/render"
)

func TestOf(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("reading page: %w", err) }
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, OK},
		{errors.New("something"), Other},
		{&fetch.Error{Kind: fetch.KindResolve, Msg: "x"}, Resolve},
		{wrap(&fetch.Error{Kind: fetch.KindTimeout, Msg: "x"}), Timeout},
		{&fetch.Error{Kind: fetch.KindTooLarge, Msg: "x"}, TooLarge},
		{&fetch.Error{Kind: fetch.KindInterrupted, Msg: "x"}, Interrupted},
		{&fetch.StatusError{StatusCode: 404}, HTTP},
		{&output.WriteError{Err: errors.New("disk full")}, Write},
		{wrap(decode.ErrUnknownCharset), Usage},
		{wrap(pipeline.ErrNoMatch), NoMatch},
		{wrap(readable.ErrNoArticle), NoArticle},
		{readable.ErrTooLarge, TooLarge},
		{wrap(render.ErrNoBrowser), Browser},
	} {
		if got := Of(tc.err); got != tc.want {
			t.Errorf("Of(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// TestEveryKind: every kind of fetch failure has its code.
func TestEveryKind(t *testing.T) {
	for k := fetch.KindOther; k <= fetch.KindInterrupted; k++ {
		if _, ok := kinds[k]; !ok {
			t.Errorf("fetch kind %d has no exit code", k)
		}
	}
}
