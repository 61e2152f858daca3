package strip

import (
	"io"

	"golang.org/x/net/html"
)

// The tokenizer runs in a goroutine of its own and hands the converter
// batches of tokens, so that tokenizing and converting use two cores. A
// batch copies the tokens' bytes (text unescaped, tags raw) out of the
// tokenizer's buffer; a few batches circulate, so memory stays flat.

const (
	batchTokens = 1024
	batchBytes  = 64 << 10
	batchesLive = 4
)

type token struct {
	tt         html.TokenType
	start, end int
	// node is the element of a start tag read from a parsed tree: its
	// attributes are read from it, not from bytes (which then hold only
	// "<name>").
	node *html.Node
}

// tokenSource hands the converter batches of tokens: a tokenStream from
// bytes, or a nodeWalker from a tree.
type tokenSource interface {
	next() *tokenBatch
	release(*tokenBatch)
	close()
}

// tokenAdder takes tokens: addTokens feeds either source.
type tokenAdder interface {
	add(tt html.TokenType, parts ...[]byte) bool
}

type tokenBatch struct {
	toks []token
	buf  []byte
	err  error // set on the last batch: io.EOF or the read error
}

// append adds a token whose bytes are the concatenation of parts.
func (b *tokenBatch) append(tt html.TokenType, parts ...[]byte) {
	start := len(b.buf)
	for _, p := range parts {
		b.buf = append(b.buf, p...)
	}
	b.toks = append(b.toks, token{tt: tt, start: start, end: len(b.buf)})
}

// tokenStream tokenizes r in the background.
type tokenStream struct {
	full chan *tokenBatch
	free chan *tokenBatch
	done chan struct{}
}

// newTokenStream tokenizes r; scripted says <noscript> holds raw text, as
// it does for a browser that runs scripts, rather than markup.
func newTokenStream(r io.Reader, scripted bool) *tokenStream {
	s := newStream()
	go s.produce(r, scripted)
	return s
}

func newStream() *tokenStream {
	return &tokenStream{
		full: make(chan *tokenBatch, batchesLive),
		free: make(chan *tokenBatch, batchesLive+1),
		done: make(chan struct{}),
	}
}

// batcher fills batches and hands them to the converter.
type batcher struct {
	s    *tokenStream
	b    *tokenBatch
	made int
}

// get takes a free batch, or makes one while fewer than batchesLive+1
// exist; false means the converter has stopped.
func (bt *batcher) get() bool {
	// Batches are made as needed, small first: most pages fit in one,
	// and a short page should not pay for four.
	if bt.made <= batchesLive {
		select {
		case bt.b = <-bt.s.free:
		default:
			bt.made++
			bt.b = &tokenBatch{buf: make([]byte, 0, 4<<10), toks: make([]token, 0, 64)}
			return true
		}
	} else {
		select {
		case bt.b = <-bt.s.free:
		case <-bt.s.done:
			return false
		}
	}
	bt.b.toks, bt.b.buf, bt.b.err = bt.b.toks[:0], bt.b.buf[:0], nil
	return true
}

func (bt *batcher) send() bool {
	select {
	case bt.s.full <- bt.b:
		return true
	case <-bt.s.done:
		return false
	}
}

// add appends a token whose bytes are the concatenation of parts, and
// passes the batch on when it is full; false means the converter has
// stopped.
func (bt *batcher) add(tt html.TokenType, parts ...[]byte) bool {
	b := bt.b
	b.append(tt, parts...)
	if len(b.toks) >= batchTokens || len(b.buf) >= batchBytes {
		return bt.send() && bt.get()
	}
	return true
}

// end sends the last batch, with err (io.EOF when all went well).
func (bt *batcher) end(err error) {
	bt.b.err = err
	bt.send()
}

func (s *tokenStream) produce(r io.Reader, scripted bool) {
	feed := newTextFeed(r, maxTextRun)
	z := html.NewTokenizer(feed)
	dataState := true
	states := tokenizerState{noscriptMarkup: !scripted}
	var name []byte
	bt := &batcher{s: s}
	if !bt.get() {
		return
	}
	for {
		var data []byte
		feed.nextToken(dataState, z.Buffered())
		tt := z.Next()
		dataState = true
		switch tt {
		case html.ErrorToken:
			bt.end(z.Err())
			return
		case html.TextToken:
			data = z.Text()
			if raw, rest, ok := states.cutRaw(data); ok {
				end := append(append(append(name[:0], "</"...), states.rawIn...), '>')
				if !bt.add(tt, raw) || !bt.add(html.EndTagToken, end) || !addTokens(bt, string(rest)) {
					return
				}
				states.noscripts = max(0, states.noscripts-1)
				states.rawIn = states.rawIn[:0]
				continue
			}
			states.rawIn = states.rawIn[:0]
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			data = z.Raw()
			states.rawIn = states.rawIn[:0]
			if states.foreign > 0 || mayChangeState(data) {
				name = appendTagName(name[:0], data)
				dataState = states.after(z, tt, name)
			}
		default:
			continue // comments and doctypes show nothing
		}
		if !bt.add(tt, data) {
			return
		}
	}
}

// next returns the next batch; the previous one must be released first.
func (s *tokenStream) next() *tokenBatch { return <-s.full }

// release gives a batch back for reuse once nothing refers to its bytes.
func (s *tokenStream) release(b *tokenBatch) { s.free <- b }

// close stops the producer if it is still running.
func (s *tokenStream) close() { close(s.done) }

// mayChangeState reports whether a raw tag could be one that tokenizerState
// follows (a raw-text element, svg or math), by its first letter: most tags
// are not, and reading their names twice costs.
func mayChangeState(raw []byte) bool {
	i := 1
	if i < len(raw) && raw[i] == '/' {
		i++
	}
	if i >= len(raw) {
		return false
	}
	switch raw[i] | 0x20 {
	case 'i', 'm', 'n', 'p', 's', 't', 'x':
		return true
	}
	return false
}
