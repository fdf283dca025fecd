package export

import (
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/config"
	"github.com/cratos-project/cratos/internal/testtool/misptest"
)

// lookupEmulator returns a MISP emulator holding one published event,
// tagged for the block feed, of attrs.
func lookupEmulator(t *testing.T, attrs []mispsim.Attribute) *mispsim.Server {
	t.Helper()
	return misptest.Emulator(t, mispsim.Event{Info: "lookup", Published: true, Tags: []string{"cratos:incident-classification=block"},
		Attributes: attrs})
}

// lookupAny looks value up at the MISP at url under site, ten years back,
// and returns the result with its verdict on the any list of dataType,
// failing t on an error or where the result has no such list.
func lookupAny(t *testing.T, svc *Service, site *config.Site, url, value, dataType string) (*LookupResult, ListVerdict) {
	t.Helper()
	res, err := svc.Lookup(t.Context(), LookupRequest{Site: site, MISPURL: url, MISPKey: mispsim.DefaultKey, Value: value, Age: "10y"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Lists {
		if l.Feed == "any" && l.DataType == dataType {
			return res, l
		}
	}
	t.Fatalf("no any/%s list in %+v", dataType, res.Lists)
	return nil, ListVerdict{}
}
