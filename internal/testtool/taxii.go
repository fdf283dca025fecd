package testtool

import "encoding/json"

// TAXIIEnvelope is what tests read from a TAXII 2.1 envelope, manifest
// or versions resource.
type TAXIIEnvelope struct {
	More     bool              `json:"more"`
	Next     string            `json:"next"`
	Objects  []json.RawMessage `json:"objects"`
	Versions []string          `json:"versions"`
}

// TAXIIObject is what tests read from a STIX object of an envelope or a
// record of a manifest.
type TAXIIObject struct {
	Type      string `json:"type"`
	ID        string `json:"id"`
	Created   string `json:"created"`
	Modified  string `json:"modified"`
	Revoked   bool   `json:"revoked"`
	Pattern   string `json:"pattern"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}
