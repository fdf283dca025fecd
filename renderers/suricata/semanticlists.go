package suricata

// match is a content of a rule and the list Suricata 7 appends it to: ""
// for the packet payload, a sticky buffer's name, or the Snort 2 modifier
// (http_uri…) that moved it.
type match struct {
	list    string
	content bool
}

// matchLists follows the lists of a rule's matches as Suricata 7 builds
// them, for the checks it makes against the previous match of a list.
type matchLists struct {
	matches []match
	buffer  string // the sticky buffer set, "" when none
}

// setBuffer records a sticky buffer, or pkt_data's return to the payload.
func (m *matchLists) setBuffer(name string) {
	if name == "pkt_data" {
		name = ""
	}
	m.buffer = name
}

// content records a content, or reports false for a uricontent while a
// sticky buffer is set, which Suricata 7 refuses as it refuses http_uri.
func (m *matchLists) content(keyword string) bool {
	list := m.buffer
	if keyword == "uricontent" {
		if m.buffer != "" {
			return false
		}
		list = "http_uri"
	}
	m.matches = append(m.matches, match{list: list, content: true})
	return true
}

// modifier moves the last content to the list of a Snort 2 modifier, or
// reports false while a sticky buffer is set: Suricata 7 refuses the
// modifier until pkt_data resets the buffer.
func (m *matchLists) modifier(name string) bool {
	if m.buffer != "" {
		return false
	}
	if i := m.lastContent(); i >= 0 {
		m.matches[i].list = name
	}
	return true
}

// lastContent returns the index of the last content, or -1.
func (m *matchLists) lastContent() int {
	for i := len(m.matches) - 1; i >= 0; i-- {
		if m.matches[i].content {
			return i
		}
	}
	return -1
}
