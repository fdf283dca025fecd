package mispsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// flexBool reads true/false, 0/1, "0"/"1" and null.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	switch s {
	case "true", "1":
		*b = true
	case "false", "0", "", "null":
		*b = false
	default:
		return fmt.Errorf("not a boolean: %s", data)
	}
	return nil
}

// flexInt reads a number or a numeric string; null and "" are 0.
type flexInt int64

func (n *flexInt) UnmarshalJSON(data []byte) error {
	s := strings.Trim(string(data), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", data)
	}
	*n = flexInt(f)
	return nil
}

// flexString reads a string or a number; null is "".
type flexString string

func (s *flexString) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		*s = ""
		return nil
	}
	if len(data) > 0 && data[0] == '"' {
		var v string
		if err := json.Unmarshal(data, &v); err != nil {
			return err
		}
		*s = flexString(v)
		return nil
	}
	*s = flexString(data)
	return nil
}

type fileTag struct {
	Name   string `json:"name"`
	Colour string `json:"colour"`
}

type fileAttr struct {
	Type               string     `json:"type"`
	Category           string     `json:"category"`
	Value              flexString `json:"value"`
	ToIDS              flexBool   `json:"to_ids"`
	UUID               string     `json:"uuid"`
	Timestamp          flexInt    `json:"timestamp"`
	Comment            flexString `json:"comment"`
	Deleted            flexBool   `json:"deleted"`
	DisableCorrelation flexBool   `json:"disable_correlation"`
	ObjectRelation     flexString `json:"object_relation"`
	FirstSeen          flexString `json:"first_seen"`
	LastSeen           flexString `json:"last_seen"`
	Distribution       flexString `json:"distribution"`
	SharingGroupID     flexInt    `json:"sharing_group_id"`
	Tag                []fileTag  `json:"Tag"`
}

type fileEvent struct {
	UUID         string     `json:"uuid"`
	Info         string     `json:"info"`
	Published    flexBool   `json:"published"`
	Timestamp    flexInt    `json:"timestamp"`
	Distribution flexString `json:"distribution"`
	SharingGroup flexInt    `json:"sharing_group_id"`
	Orgc         *struct {
		Name string `json:"name"`
		UUID string `json:"uuid"`
	} `json:"Orgc"`
	Tag       []fileTag  `json:"Tag"`
	Attribute []fileAttr `json:"Attribute"`
	Object    []struct {
		Deleted   flexBool   `json:"deleted"`
		Attribute []fileAttr `json:"Attribute"`
	} `json:"Object"`
}

// parseEventFile reads the events of one file in any of the wrappers MISP
// produces: {"Event":…}, {"response":[{"Event":…},…]} or a bare event. A
// JSON document that is not an event gives no events and no error.
func parseEventFile(data []byte) ([]fileEvent, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var doc any
		if err2 := json.Unmarshal(data, &doc); err2 != nil {
			return nil, err
		}
		return nil, nil // valid JSON, but not an object
	}
	var raws []json.RawMessage
	switch {
	case top["Event"] != nil:
		raws = append(raws, top["Event"])
	case top["response"] != nil:
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(top["response"], &items); err != nil {
			return nil, nil // a response of another kind
		}
		for _, it := range items {
			if it["Event"] != nil {
				raws = append(raws, it["Event"])
			}
		}
	case top["Attribute"] != nil || top["Object"] != nil || (top["info"] != nil && top["uuid"] != nil):
		raws = append(raws, data)
	}
	var out []fileEvent
	for _, r := range raws {
		var ev fileEvent
		if err := json.Unmarshal(r, &ev); err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// loadDir reads the event files, warninglists and indicator values of
// DataDir.
func (s *Server) loadDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("mispsim: data dir: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("mispsim: data dir %s: not a directory", dir)
	}
	evDir := dir
	if isDir(filepath.Join(dir, "misp-events")) {
		evDir = filepath.Join(dir, "misp-events")
	}
	var events []Event
	err = eachJSONFile(evDir, "data dir", func(f string, data []byte) error {
		fevs, err := parseEventFile(data)
		if err != nil {
			return fmt.Errorf("mispsim: parse %s: %w", f, err)
		}
		for i, fe := range fevs {
			events = append(events, s.convertFileEvent(fe, filepath.Base(f), i))
		}
		return nil
	})
	if err != nil {
		return err
	}
	shiftEvents(events, s.opts.Now())
	if s.opts.TagPrefix != "" {
		for i := range events {
			classifyEvent(&events[i], s.opts.TagPrefix, true)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerClassTags(s.opts.TagPrefix)
	now := s.opts.Now().Unix()
	for _, ev := range events {
		// Object ids in files belong to other instances; number them anew.
		ids := map[int64]int64{}
		for i := range ev.Attributes {
			if o := ev.Attributes[i].ObjectID; o != 0 {
				if _, ok := ids[o]; !ok {
					ids[o] = s.st.maxObjectID + int64(len(ids)) + 1
				}
				ev.Attributes[i].ObjectID = ids[o]
			}
		}
		if _, err := s.st.addEvent(ev, now); err != nil {
			return fmt.Errorf("mispsim: load %s: %w", ev.Info, err)
		}
	}

	wlDir := filepath.Join(dir, "warninglists")
	if !isDir(wlDir) {
		return nil
	}
	return eachJSONFile(wlDir, "warninglists", func(f string, data []byte) error {
		w, err := parseWarninglistFile(data)
		if err != nil {
			if !json.Valid(data) {
				return fmt.Errorf("mispsim: parse %s: %w", f, err)
			}
			return nil // some other JSON document
		}
		if _, err := s.st.addWarninglist(w); err != nil {
			return fmt.Errorf("mispsim: load %s: %w", f, err)
		}
		return nil
	})
}

// eachJSONFile calls fn with the path and contents of each *.json file of
// dir, in name order, and stops at the first error; what names dir in an
// error listing it.
func eachJSONFile(dir, what string, fn func(path string, data []byte) error) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("mispsim: %s: %w", what, err)
	}
	slices.Sort(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("mispsim: read %s: %w", f, err)
		}
		if err := fn(f, data); err != nil {
			return err
		}
	}
	return nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// fileTags creates the named tags of a file, with their colours, and
// returns their names.
func (s *Server) fileTags(tags []fileTag) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, t := range tags {
		if t.Name != "" {
			s.st.tag(t.Name, t.Colour)
			names = append(names, t.Name)
		}
	}
	return names
}

// convertFileEvent turns a decoded file event into an Event. Object
// attributes get a provisional object id per object (made unique on load).
func (s *Server) convertFileEvent(fe fileEvent, file string, idx int) Event {
	ev := Event{
		UUID:         fe.UUID,
		Info:         fe.Info,
		Published:    bool(fe.Published),
		distribution: string(fe.Distribution),
		sharingGroup: int64(fe.SharingGroup),
	}
	if ev.UUID == "" {
		ev.UUID = hashUUID(fmt.Sprintf("file:%s:%d", file, idx))
	}
	if fe.Orgc != nil {
		ev.OrgName, ev.OrgUUID = fe.Orgc.Name, fe.Orgc.UUID
	}
	ev.Tags = s.fileTags(fe.Tag)
	conv := func(fa fileAttr, objectID int64, deletedObject bool) Attribute {
		a := Attribute{
			UUID:               fa.UUID,
			Type:               fa.Type,
			Category:           fa.Category,
			Value:              string(fa.Value),
			ToIDS:              bool(fa.ToIDS),
			Deleted:            bool(fa.Deleted) || deletedObject,
			Timestamp:          int64(fa.Timestamp),
			Comment:            string(fa.Comment),
			DisableCorrelation: bool(fa.DisableCorrelation),
			FirstSeen:          string(fa.FirstSeen),
			LastSeen:           string(fa.LastSeen),
			distribution:       string(fa.Distribution),
			sharingGroup:       int64(fa.SharingGroupID),
		}
		if a.Timestamp == 0 {
			a.Timestamp = int64(fe.Timestamp)
		}
		if objectID != 0 {
			a.ObjectID = objectID
			a.ObjectRelation = string(fa.ObjectRelation)
		}
		a.Tags = s.fileTags(fa.Tag)
		return a
	}
	for _, fa := range fe.Attribute {
		if fa.Type != "" {
			ev.Attributes = append(ev.Attributes, conv(fa, 0, false))
		}
	}
	for oi, o := range fe.Object {
		for _, fa := range o.Attribute {
			if fa.Type != "" {
				ev.Attributes = append(ev.Attributes, conv(fa, int64(oi)+1, bool(o.Deleted)))
			}
		}
	}
	return ev
}
