package misp

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestDecodePageRepeatedMembersAsFastjson checks attributes that repeat
// the members of the one before, as MISP writes them, with one member
// changed here and there (its value, its key, the white space or the
// comma after it, or damaged by a byte): a member known whole from the
// attribute before is read as the fastjson decoder reads it.
func TestDecodePageRepeatedMembersAsFastjson(t *testing.T) {
	members := []string{`"id":"1"`, `"event_id":"7"`, `"object_relation":null`, `"category":"Network activity"`,
		`"type":"ip-dst"`, `"to_ids":true`, `"uuid":"5f0c9a52-6d1e-4b7a-9c3d-000000000001"`, `"timestamp":"1700000000"`,
		`"distribution":5`, `"comment":""`, `"deleted":false`, `"value":"198.51.100.1"`, `"x":{}`, `"n":NaN`}
	changes := []string{`"id":"2"`, `"event_id":"8"`, `"object_relation":"ip"`, `"category":"Payload delivery"`,
		`"category":"Network activi\t"`, `"timestamp":"1700000009"`, `"type":"domain"`, `"to_ids":false`, `"to_ids":1`,
		`"timestamp":1700000001`, `"distribution":-5`, `"comment":"a\"b"`, `"valu\u0065":"x"`, `"type" :"ip-dst"`,
		`"type": "ip-dst"`, `"to_ids":true `, `"value":"198.51.100.1`, `"event_id":"7"}`, `"x":{"a":[1,2]}`, `"n":nan`,
		`"id":"1"x`}
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for range 3000 {
		attrs := make([]string, 2+r.IntN(6))
		for i := range attrs {
			ms := append([]string(nil), members...)
			for range r.IntN(3) {
				ms[r.IntN(len(ms))] = changes[r.IntN(len(changes))]
			}
			attrs[i] = "{" + strings.Join(ms, ",") + "}"
		}
		if d := sameAsFastjson(t, attrPage(attrs...)); d.err == "" {
			accepted++
		}
	}
	if accepted < 500 {
		t.Fatalf("only %d of 3000 pages were accepted: the pages test too little", accepted)
	}
}
