package misp

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/core/indicator"
)

// Without an order MISP's paged query has no ORDER BY, and the database
// may read each page in another order (the emulator: odd pages by type,
// even pages by id): pages then repeat some attributes and miss others.
// Every page asks for Attribute.id order, so none is missed.
func TestPagingOrdersByID(t *testing.T) {
	sim, err := mispsim.New(mispsim.Options{UnorderedPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	ev := mispsim.Event{Info: "paging", Published: true}
	for i := 1; i <= 7; i++ {
		a := mispsim.Attribute{Type: "ip-dst", Value: fmt.Sprintf("192.0.2.%d", i), ToIDS: true}
		if i%2 == 0 {
			a.Type, a.Value = "domain", fmt.Sprintf("d%d.example", i)
		}
		ev.Attributes = append(ev.Attributes, a)
	}
	if _, err := sim.AddEvent(ev); err != nil {
		t.Fatal(err)
	}
	url, err := sim.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	c := New(Options{Site: "s", BaseURL: url, Key: mispsim.DefaultKey})
	q := Query{Types: []string{"ip-dst", "domain"}}
	ctx := context.Background()

	var unordered []string
	for page := 1; page <= 4; page++ {
		body := strings.Replace(string(q.Body(2, page)), `"order":"Attribute.id",`, "", 1)
		answer, err := c.PostJSON(ctx, "/attributes/restSearch", []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodePage(answer, func(a indicator.Attribute) { unordered = append(unordered, strings.Clone(a.Value)) }); err != nil {
			t.Fatal(err)
		}
	}
	if want := "d2.example d4.example 192.0.2.3 d4.example 192.0.2.3 192.0.2.5 192.0.2.7"; strings.Join(unordered, " ") != want {
		t.Fatalf("pages without order read %v, want %s (192.0.2.1 and d6.example missed)", unordered, want)
	}

	sim.ResetRequests()
	var got []string
	n, err := c.SearchAttributes(ctx, q, 2, 1, func() func(indicator.Attribute) {
		return func(a indicator.Attribute) { got = append(got, a.Value) }
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := "192.0.2.1 d2.example 192.0.2.3 d4.example 192.0.2.5 d6.example 192.0.2.7"; n != 7 || strings.Join(got, " ") != want {
		t.Errorf("read %d attributes %v, want 7: %s", n, got, want)
	}
	var tails []string
	for _, r := range sim.Requests() {
		tails = append(tails, string(r.Body[strings.Index(string(r.Body), `"excludeDecayed":0`):]))
	}
	want := []string{
		`"excludeDecayed":0,"order":"Attribute.id","limit":2,"page":1}`,
		`"excludeDecayed":0,"order":"Attribute.id","limit":2,"page":2}`,
		`"excludeDecayed":0,"order":"Attribute.id","limit":2,"page":3}`,
		`"excludeDecayed":0,"order":"Attribute.id","limit":2,"page":4}`,
	}
	if !slices.Equal(tails, want) {
		t.Errorf("restSearch bodies end\n%s\nwant\n%s", strings.Join(tails, "\n"), strings.Join(want, "\n"))
	}
}
