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

// MaxEncodings is how many Content-Encoding layers a response may have, as
// in curl: each layer is a decoder with its own buffers and window, so a
// response of thousands of layers ("gzip, gzip, …", a few bytes each)
// would cost memory in proportion to its header, whatever --max-size says.
// No server compresses twice on purpose; "identity" is not counted.
const MaxEncodings = 5

// zstdMaxWindow caps the window a zstd frame may ask for: 8 MiB, the
// limit RFC 9659 sets for zstd as an HTTP content coding (browsers refuse
// larger windows too).
const zstdMaxWindow = 8 << 20

// decompress undoes the Content-Encoding values in header order (the last one
// applied is undone first). The returned close function releases decoders.
// No decoder is made before the body is read: each allocates its buffers
// on its first Read.
func decompress(r io.Reader, headerValues []string) (io.Reader, func() error, error) {
	var codings []string
	n := 0
	for _, v := range headerValues {
		for v != "" {
			var c string
			c, v, _ = strings.Cut(v, ",")
			c = strings.ToLower(strings.TrimSpace(c))
			if c == "" || c == "identity" {
				continue
			}
			if n++; n <= MaxEncodings {
				codings = append(codings, c)
			}
		}
	}
	if n > MaxEncodings {
		return nil, nil, fmt.Errorf("%d Content-Encoding layers, more than the %d that are decoded", n, MaxEncodings)
	}
	var layers []*lazyReader
	closeAll := func() error {
		for _, l := range layers {
			l.close()
		}
		return nil
	}
	for i := len(codings) - 1; i >= 0; i-- {
		l, err := decoder(r, codings[i])
		if err != nil {
			return nil, nil, err
		}
		layers = append(layers, l)
		r = l
	}
	return r, closeAll, nil
}

// decoder returns a lazy reader for one coding: its decoder is made on the
// first Read, so that a network error while a header is read is reported as
// such and not as a corrupt encoding, and so that a layer costs no memory
// before its bytes arrive.
func decoder(r io.Reader, coding string) (*lazyReader, error) {
	switch coding {
	case "gzip", "x-gzip":
		return &lazyReader{init: func() (io.Reader, func(), error) {
			z, err := gzip.NewReader(r)
			return z, nil, err
		}}, nil
	case "deflate":
		// RFC 9110 says zlib; some servers send raw deflate. The zlib
		// header is two bytes with a checksum, which tells them apart.
		return &lazyReader{init: func() (io.Reader, func(), error) {
			br := bufio.NewReader(r)
			h, err := br.Peek(2)
			if len(h) == 0 {
				return nil, nil, err
			}
			if len(h) < 2 {
				return nil, nil, io.ErrUnexpectedEOF
			}
			if h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
				z, err := zlib.NewReader(br)
				return z, nil, err
			}
			return flate.NewReader(br), nil, nil
		}}, nil
	case "br":
		// The format's window is at most 16 MiB (the large-window
		// extension is off by default), allocated as the stream needs.
		return &lazyReader{init: func() (io.Reader, func(), error) {
			return brotli.NewReader(r), nil, nil
		}}, nil
	case "zstd":
		return &lazyReader{init: func() (io.Reader, func(), error) {
			d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxWindow(zstdMaxWindow))
			if err != nil {
				return nil, nil, err
			}
			return d, d.Close, nil
		}}, nil
	}
	return nil, fmt.Errorf("unsupported Content-Encoding %q", coding)
}

// lazyReader makes its reader on the first Read.
type lazyReader struct {
	init    func() (io.Reader, func(), error)
	r       io.Reader
	release func()
	err     error
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.r == nil && l.err == nil {
		// An empty body (io.EOF before any byte) stays empty.
		l.r, l.release, l.err = l.init()
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.r.Read(p)
}

// close releases the decoder, if it was made.
func (l *lazyReader) close() {
	if l.release != nil {
		l.release()
		l.release = nil
	}
}
