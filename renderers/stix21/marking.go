package stix21

import "fmt"

// marking is one TLP marking-definition object.
type marking struct {
	id   string // marking-definition--…
	json string // the whole object
}

// tlp2Extension is the OASIS TLP 2.0 extension definition.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// TLP 1.0 markings are built into STIX 2.1; the schema pins their ids,
// names and created time.
var tlp1 = map[string]string{
	"white": "613f2e26-407d-48c7-9eca-b8e91df99dc9",
	"green": "34098fce-860f-48ae-8e50-ebd3cc5e41da",
	"amber": "f88d31f6-486f-44da-b317-01333bde0b82",
	"red":   "5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

// TLP 2.0 markings are the fixed objects of the OASIS extension.
var tlp2 = map[string]string{
	"clear":        "94868c89-83c2-464b-929b-a1a8aa3c8487",
	"green":        "bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
	"amber":        "55d920b0-5e8b-4f79-9ee9-91f868d9b421",
	"amber+strict": "939a9414-2ddd-4d32-a0cd-375ea402b003",
	"red":          "e828b379-4e03-4974-9ac4-e53a884c97c1",
}

func tlp1Marking(level string) *marking {
	id := "marking-definition--" + tlp1[level]
	return &marking{id: id, json: `{"type":"marking-definition","spec_version":"2.1","id":"` + id +
		`","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:` + upper(level) +
		`","definition":{"tlp":"` + level + `"}}`}
}

func tlp2Marking(level string) *marking {
	id := "marking-definition--" + tlp2[level]
	return &marking{id: id, json: `{"type":"marking-definition","spec_version":"2.1","id":"` + id +
		`","created":"2022-10-01T00:00:00.000Z","name":"TLP:` + upper(level) +
		`","extensions":{"` + tlp2Extension + `":{"extension_type":"property-extension","tlp_2_0":"` + level + `"}}}`}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// lookupMarking returns the marking for a tlp option value under a
// tlp_version option value, or nil for "none".
//
//   - auto: white, green, amber, red use TLP 1.0; clear and amber+strict,
//     which TLP 1.0 lacks, use TLP 2.0;
//   - 1: clear is the same as white; amber+strict is refused;
//   - 2: white is the same as clear.
func lookupMarking(level, version string) (*marking, error) {
	switch level {
	case "none":
		return nil, nil
	case "clear", "white", "green", "amber", "amber+strict", "red":
	default:
		return nil, fmt.Errorf("%q is not one of none, clear, white, green, amber, amber+strict, red", level)
	}
	switch version {
	case "1":
		if level == "amber+strict" {
			return nil, fmt.Errorf("amber+strict has no TLP 1.0 marking (use tlp_version 2 or auto)")
		}
		if level == "clear" {
			level = "white"
		}
		return tlp1Marking(level), nil
	case "2":
		if level == "white" {
			level = "clear"
		}
		return tlp2Marking(level), nil
	}
	if _, ok := tlp1[level]; ok {
		return tlp1Marking(level), nil
	}
	return tlp2Marking(level), nil
}
