package misp

import (
	"github.com/valyala/fastjson"

	"github.com/cratos-project/cratos/core/indicator"
)

// fastjsonAttribute reads the attribute object at body[i] as the decoder
// did before the attribute scanner: the page's outline skips the value to
// find its end, and fastjson parses what it skipped. It returns the
// attribute, the index after the object and whether the object was well
// formed; attrScanner.attribute must give the same answers at every '{'.
func fastjsonAttribute(p *fastjson.Parser, body []byte, i int) (indicator.Attribute, int, bool) {
	s := &outline{b: body, i: i}
	if s.value() != nil {
		return indicator.Attribute{}, 0, false
	}
	v, err := p.ParseBytes(body[i:s.i])
	if err != nil {
		return indicator.Attribute{}, 0, false
	}
	return fastjsonFields(v), s.i, true
}

// fastjsonFields reads the seven fields of an attribute object parsed by
// fastjson.
func fastjsonFields(a *fastjson.Value) indicator.Attribute {
	return indicator.Attribute{
		Type:      intern(a.GetStringBytes("type")),
		Value:     string(a.GetStringBytes("value")),
		Category:  intern(a.GetStringBytes("category")),
		UUID:      string(a.GetStringBytes("uuid")),
		EventID:   intOf(a.Get("event_id")),
		Timestamp: intOf(a.Get("timestamp")),
		ToIDS:     boolOf(a.Get("to_ids")),
	}
}

// decodeListFastjson decodes a page of MISP's usual shape,
// {"response":{"Attribute":[...]}}, as the decoder before the attribute
// scanner did: the outline finds each attribute object and fastjson parses
// it. The benchmarks run it beside decodePage.
func decodeListFastjson(p *fastjson.Parser, body []byte, fn func(indicator.Attribute)) (int, error) {
	s := &outline{b: body}
	s.ws()
	for _, key := range []string{"response", "Attribute"} {
		if found, err := s.findKey(key); err != nil || !found {
			return 0, shapeError("answer is not a list of attributes")
		}
	}
	return s.array(func() error {
		start := s.i
		if err := s.value(); err != nil {
			return err
		}
		a, err := p.ParseBytes(s.b[start:s.i])
		if err != nil {
			return errMalformed
		}
		fn(fastjsonFields(a))
		return nil
	})
}
