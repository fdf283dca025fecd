package misp

import (
	"io"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/valyala/fastjson"
)

// decodeWhole is the client's reading of a whole answer: one that does
// not begin as JSON is refused as such, the others go to decodePage.
func decodeWhole(_ *fastjson.Parser, body []byte, fn func(indicator.Attribute)) (int, error) {
	if !looksLikeJSON(body) {
		return 0, errNotJSON
	}
	return decodePage(body, fn)
}

// decodeStreamed returns decodeStream reading its answer piece bytes at a
// time through a window of window bytes at first, which doubles up to most
// bytes while the answer fills it.
func decodeStreamed(piece, window, most int) func(*fastjson.Parser, []byte, func(indicator.Attribute)) (int, error) {
	return func(_ *fastjson.Parser, body []byte, fn func(indicator.Attribute)) (int, error) {
		n, _, readErr, err := decodeStream(&pieces{b: body, n: piece}, make([]byte, 0, window), most, fn)
		if readErr != nil {
			return n, readErr
		}
		return n, err
	}
}

// pieces reads b at most n bytes at a time.
type pieces struct {
	b []byte
	n int
}

func (p *pieces) Read(b []byte) (int, error) {
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(len(b), p.n)], p.b)
	p.b = p.b[n:]
	return n, nil
}

// decodePageTree is the straightforward decoder: one fastjson tree for
// the whole page. The streaming decodePage must agree with it.
func decodePageTree(p *fastjson.Parser, body []byte, fn func(indicator.Attribute)) (int, error) {
	v, err := p.ParseBytes(body)
	if err != nil {
		return 0, shapeError("answered with malformed JSON")
	}
	var list []*fastjson.Value
	switch v.Type() {
	case fastjson.TypeArray:
		list = v.GetArray()
	case fastjson.TypeObject:
		resp := v.Get("response")
		if resp == nil {
			if v.Get("errors") != nil || v.Get("message") != nil {
				return 0, shapeError("answered with an error: " + mispMessage(body, ""))
			}
			return 0, shapeError("answer has no \"response\" key")
		}
		switch resp.Type() {
		case fastjson.TypeArray:
			list = resp.GetArray()
			if len(list) > 0 {
				return 0, shapeError("answer holds events, not attributes")
			}
		case fastjson.TypeObject:
			attrs := resp.Get("Attribute")
			if attrs == nil {
				return 0, nil
			}
			if attrs.Type() != fastjson.TypeArray {
				return 0, shapeError("\"Attribute\" is not a list")
			}
			list = attrs.GetArray()
		default:
			return 0, shapeError("\"response\" is neither a list nor an object")
		}
	default:
		return 0, shapeError("answer is neither a list nor an object")
	}
	for _, a := range list {
		if a.Type() != fastjson.TypeObject {
			return 0, shapeError("an attribute is not an object")
		}
		fn(fastjsonFields(a))
	}
	return len(list), nil
}
