package fetch

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
)

// AcceptEncoding is the Accept-Encoding header sent with every request: the
// encodings decompress understands.
const AcceptEncoding = "gzip, deflate, br, zstd"

// decompress undoes the Content-Encoding values in header order (the last one
// applied is undone first). The returned close function releases decoders.
func decompress(r io.Reader, headerValues []string) (io.Reader, func() error, error) {
	var codings []string
	for _, v := range headerValues {
		for _, c := range strings.Split(v, ",") {
			c = strings.ToLower(strings.TrimSpace(c))
			if c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	var closers []func() error
	closeAll := func() error {
		for _, c := range closers {
			c()
		}
		return nil
	}
	for i := len(codings) - 1; i >= 0; i-- {
		next, closeFn, err := decoder(r, codings[i])
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		r = next
		if closeFn != nil {
			closers = append(closers, closeFn)
		}
	}
	return r, closeAll, nil
}

// decoder returns a lazy reader for one coding: a decoder that needs a header
// reads it on the first Read, so that a network error there is reported as
// such and not as a corrupt encoding.
func decoder(r io.Reader, coding string) (io.Reader, func() error, error) {
	switch coding {
	case "gzip", "x-gzip":
		l := &lazyReader{init: func() (io.Reader, error) { return gzip.NewReader(r) }}
		return l, nil, nil
	case "deflate":
		// RFC 9110 says zlib; some servers send raw deflate. The zlib
		// header is two bytes with a checksum, which tells them apart.
		l := &lazyReader{init: func() (io.Reader, error) {
			br := bufio.NewReader(r)
			h, err := br.Peek(2)
			if len(h) == 0 {
				return nil, err
			}
			if len(h) < 2 {
				return nil, io.ErrUnexpectedEOF
			}
			if h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
				return zlib.NewReader(br)
			}
			return flate.NewReader(br), nil
		}}
		return l, nil, nil
	case "br":
		return brotli.NewReader(r), nil, nil
	case "zstd":
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			return nil, nil, err
		}
		return d, func() error { d.Close(); return nil }, nil
	}
	return nil, nil, fmt.Errorf("unsupported Content-Encoding %q", coding)
}

type lazyReader struct {
	init func() (io.Reader, error)
	r    io.Reader
	err  error
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.r == nil && l.err == nil {
		// An empty body (io.EOF before any byte) stays empty.
		l.r, l.err = l.init()
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.r.Read(p)
}
