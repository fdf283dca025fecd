package mispview

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/valyala/fastjson"
)

var (
	errMalformed     = errors.New("answered with malformed JSON")
	errNoWarninglist = errors.New("answer has no Warninglist")
)

// viewEntries calls fn with each entry of a /warninglists/view answer
// ({"Warninglist": {"WarninglistEntry": [...]}}), each parsed on its own
// by one parser reused, so that a list of a million entries costs the
// answer and one entry's tree, not a tree of the whole answer. The entries
// are those fastjson's Get finds: the first key of each name; none when
// WarninglistEntry is not a list. An answer that is not strict JSON but
// that fastjson reads (NaN, a raw control character) is parsed whole.
func viewEntries(body []byte, fn func(*fastjson.Value)) error {
	if !json.Valid(body) {
		doc, err := fastjson.ParseBytes(body)
		if err != nil {
			return errMalformed
		}
		wl := doc.Get("Warninglist")
		if wl == nil {
			return errNoWarninglist
		}
		for _, e := range wl.GetArray("WarninglistEntry") {
			fn(e)
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	found, err := enterKey(dec, "Warninglist")
	if err != nil {
		return err
	}
	if !found {
		return errNoWarninglist
	}
	if found, err = enterKey(dec, "WarninglistEntry"); err != nil || !found {
		return err
	}
	if t, err := dec.Token(); err != nil {
		return errMalformed
	} else if t != json.Delim('[') {
		return nil
	}
	var (
		p   fastjson.Parser
		raw json.RawMessage
	)
	for dec.More() {
		if err := dec.Decode(&raw); err != nil {
			return errMalformed
		}
		e, err := p.ParseBytes(raw)
		if err != nil {
			return errMalformed
		}
		fn(e)
	}
	return nil
}

// enterKey reads the object at dec's position up to the value of its
// first member named key, and reports whether there is one; a value that
// is not an object has no members.
func enterKey(dec *json.Decoder, key string) (bool, error) {
	if t, err := dec.Token(); err != nil {
		return false, errMalformed
	} else if t != json.Delim('{') {
		return false, nil
	}
	var raw json.RawMessage
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false, errMalformed
		}
		if k, _ := t.(string); k == key {
			return true, nil
		}
		if err := dec.Decode(&raw); err != nil {
			return false, errMalformed
		}
	}
	return false, nil
}
