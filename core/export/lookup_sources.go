package export

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/core/misp"
)

// maxLookupSources bounds the MISP attributes a lookup reads.
const maxLookupSources = 1000

// Source is one MISP attribute whose value canonicalises to the value
// looked up.
type Source struct {
	EventID       string   `json:"event_id"`
	EventUUID     string   `json:"event_uuid"`
	EventInfo     string   `json:"event_info,omitempty"`
	AttributeUUID string   `json:"attribute_uuid"`
	Type          string   `json:"type"`
	Category      string   `json:"category"`
	Value         string   `json:"value"`
	Tags          []string `json:"tags"`
	ToIDS         bool     `json:"to_ids"`
	Timestamp     int64    `json:"timestamp"`
}

// lookupAttr is the part of a restSearch attribute a lookup reads.
type lookupAttr struct {
	EventID   json.RawMessage `json:"event_id"`
	UUID      string          `json:"uuid"`
	Type      string          `json:"type"`
	Category  string          `json:"category"`
	Value     string          `json:"value"`
	ToIDS     json.RawMessage `json:"to_ids"`
	Timestamp json.RawMessage `json:"timestamp"`
	Event     struct {
		UUID string `json:"uuid"`
		Info string `json:"info"`
	} `json:"Event"`
	Tag []struct {
		Name string `json:"name"`
	} `json:"Tag"`
}

// sources asks MISP for the attributes whose value contains the canonical
// value (or is the input as typed), and keeps those that canonicalise to
// it. A value MISP holds only defanged is not found this way; the lists
// above still show whether it is carried.
func (s *Service) sources(ctx context.Context, lr LookupRequest, ins []indicator.Indicator) ([]Source, error) {
	client := misp.New(misp.Options{
		Site:       lr.Site.Name,
		BaseURL:    lr.MISPURL,
		Key:        lr.MISPKey,
		Timeout:    time.Duration(lr.Site.MISPTimeoutSeconds) * time.Second,
		VerifyCert: lr.Site.VerifyCert(),
		UserAgent:  s.opts.UserAgent,
	})
	values := []string{"%" + ins[0].Value + "%"}
	if v := strings.TrimSpace(lr.Value); v != ins[0].Value {
		values = append(values, v)
	}
	body, _ := json.Marshal(map[string]any{
		"returnFormat": "json", "value": values, "includeEventTags": 1, "includeEventUuid": 1,
		"limit": maxLookupSources, "page": 1,
	})
	answer, err := client.PostJSON(ctx, "/attributes/restSearch", body)
	if err != nil {
		return []Source{}, fmt.Errorf("lookup sources: %w", err)
	}
	var page struct {
		Response struct {
			Attribute []lookupAttr `json:"Attribute"`
		} `json:"response"`
	}
	if err := json.Unmarshal(answer, &page); err != nil {
		return []Source{}, fmt.Errorf("lookup sources: %w", &misp.Error{Kind: misp.BadResponse, Site: lr.Site.Name, Detail: "restSearch answer is not an attribute list"})
	}
	out := []Source{}
	for _, a := range page.Response.Attribute {
		if !yieldsAny(a.Type, a.Value, ins) {
			continue
		}
		src := Source{EventID: scalar(a.EventID), EventUUID: a.Event.UUID, EventInfo: a.Event.Info, AttributeUUID: a.UUID,
			Type: a.Type, Category: a.Category, Value: a.Value, Tags: []string{}}
		switch scalar(a.ToIDS) {
		case "true", "1":
			src.ToIDS = true
		}
		src.Timestamp, _ = strconv.ParseInt(scalar(a.Timestamp), 10, 64)
		for _, t := range a.Tag {
			src.Tags = append(src.Tags, t.Name)
		}
		out = append(out, src)
	}
	return out, nil
}

// yieldsAny reports whether a MISP attribute canonicalises to one of ins
// under some data type.
func yieldsAny(mispType, value string, ins []indicator.Indicator) bool {
	for _, dt := range indicator.DataTypes() {
		if !slices.ContainsFunc(ins, func(in indicator.Indicator) bool { return dt.Yields.Has(in.Type) }) {
			continue
		}
		x := indicator.NewExtractor(dt, 32)
		for _, got := range x.Add(nil, indicator.Attribute{Type: mispType, Value: value}) {
			if slices.ContainsFunc(ins, func(in indicator.Indicator) bool { return in.Type == got.Type && in.Value == got.Value }) {
				return true
			}
		}
	}
	return false
}

func scalar(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(m))
}
