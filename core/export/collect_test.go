package export

import (
	"strconv"
	"testing"
	"unsafe"

	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/core/indicator"
)

// A list of collectLargeListAt indicators or more (here 64) is followed
// by a collection once sorted and another once made compact; a shorter
// one by none.
func TestCollectionsOfALargeList(t *testing.T) {
	collections := 0
	ipv4, _ := indicator.LookupDataType("ipv4")
	s := New(Options{})
	if s.collect.at != collectLargeListAt {
		t.Fatalf("a service collects for lists of %d indicators, want %d", s.collect.at, collectLargeListAt)
	}
	s.collect = collection{at: 64, run: func() { collections++ }}
	for _, tc := range []struct {
		n, collections int
	}{{63, 0}, {64, 2}, {200, 2}} {
		ins := make([]indicator.Indicator, tc.n)
		for i := range ins {
			ins[i] = indicator.Indicator{Type: indicator.IPv4, Value: "192.0.2." + strconv.Itoa(i)} // distinct: n < 256
		}
		var st indicator.Stats
		before := collections
		kept, _, err := s.finishExtract(Request{Site: &config.Site{}, DataType: ipv4}, ins, &st)
		if ran := collections - before; err != nil || ran != tc.collections || kept.Len() != tc.n {
			t.Errorf("%d indicators: %d kept (%v), %d collections, want %d", tc.n, kept.Len(), err, ran, tc.collections)
		}
	}
}

// The nets the address rules refuse are kept with the list in text of
// their own: none keeps the memory it was extracted from (a feed
// snapshot's text) alive.
func TestRefusedNetsOwnTheirText(t *testing.T) {
	ipv4ext, _ := indicator.LookupDataType("ipv4ext")
	text := []byte("10.0.0.0/8" + "u-1")
	ins := []indicator.Indicator{
		{Type: indicator.IPv4Net, Value: unsafe.String(&text[0], 10), UUID: unsafe.String(&text[10], 3)},
		{Type: indicator.IPv4, Value: "192.0.2.1"},
	}
	var st indicator.Stats
	kept, refused, err := New(Options{}).finishExtract(Request{Site: &config.Site{}, DataType: ipv4ext}, ins, &st)
	if err != nil || kept.Len() != 1 || len(refused) != 1 || refused[0].Value != "10.0.0.0/8" || refused[0].UUID != "u-1" {
		t.Fatalf("kept %v, refused %+v (%v)", kept.Slice(), refused, err)
	}
	for _, s := range []string{refused[0].Value, refused[0].UUID} {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= uintptr(unsafe.Pointer(&text[0])) && p < uintptr(unsafe.Pointer(&text[0]))+uintptr(len(text)) {
			t.Errorf("the refused net's %q lies in the text it was extracted from", s)
		}
	}
}
