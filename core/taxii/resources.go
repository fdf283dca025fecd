package taxii

import (
	"encoding/json"
	"mime"
	"strings"
)

// MediaType is the TAXII 2.1 media type of every response.
const MediaType = "application/taxii+json;version=2.1"

// MaxContentLength is the api root's max_content_length: the server
// accepts no content (it is read-only), so this is the request body limit.
const MaxContentLength = 64 << 10

// Acceptable reports whether an Accept header admits a TAXII 2.1
// response: application/taxii+json with version 2.1 or no version, with
// a q above zero.
func Acceptable(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt != "application/taxii+json" {
			continue
		}
		if v, ok := params["version"]; ok && v != "2.1" {
			continue
		}
		if q, ok := params["q"]; ok && (q == "0" || strings.Trim(q, "0.") == "") {
			continue
		}
		return true
	}
	return false
}

// Info describes one collection.
type Info struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types"`
}

// NewInfo returns the description of a site's collection for feed;
// selects says which MISP attributes the feed selects. The title is the
// feed name alone: clients such as OpenCTI's taxii2 connector name a
// collection <api root>.<title> and split that at its one dot.
func NewInfo(site, feed, selects string) Info {
	return Info{
		ID:    CollectionID(site, feed),
		Title: feed,
		Description: "Indicators of the " + feed + " feed of " + site + ": " + selects +
			". Every indicator type STIX patterns can express, from attributes changed in the last 10 years; " +
			"an indicator that leaves the feed gets a revoked version.",
		CanRead:    true,
		MediaTypes: []string{StixMediaType},
	}
}

// Discovery returns the discovery resource for one API root path.
func Discovery(root string) []byte {
	b, _ := json.Marshal(map[string]any{
		"title":       "Cratos TAXII 2.1",
		"description": "Read-only TAXII 2.1 collections of the MISP feeds of this token's site.",
		"default":     root,
		"api_roots":   []string{root},
	})
	return b
}

// APIRoot returns the API root resource of a site.
func APIRoot(site string) []byte {
	b, _ := json.Marshal(map[string]any{
		"title":              "Cratos: " + site,
		"description":        "The feeds of " + site + " as TAXII 2.1 collections.",
		"versions":           []string{MediaType},
		"max_content_length": MaxContentLength,
	})
	return b
}

// Collections returns the collections resource.
func Collections(infos []Info) []byte {
	b, _ := json.Marshal(map[string]any{"collections": infos})
	return b
}

// CollectionJSON returns one collection resource.
func CollectionJSON(info Info) []byte {
	b, _ := json.Marshal(info)
	return b
}
