// Which list (payload, sticky buffer, Snort 2 modifier) each content and
// pcre lands in, for the modifiers that follow it.

package rulecheck

import "strings"

// match is a content or pcre of a rule and the list Suricata 7 appends it
// to: "" for the packet payload, a sticky buffer's name, or the Snort 2
// modifier (http_uri…) that moved a content, or that a pcre flag names.
type match struct {
	list     string
	content  bool
	fastOnly bool // a content with fast_pattern:only
}

// matchLists follows the lists of a rule's matches as Suricata 7 builds
// them, for the checks it makes against the previous match of a list.
type matchLists struct {
	matches []match
	buffer  string // the sticky buffer set, "" when none
}

// pcreFlagLists are the pcre flags that put the pcre in an HTTP list, by
// the Snort 2 modifier that moves a content there.
var pcreFlagLists = map[rune]string{'U': "http_uri", 'I': "http_raw_uri",
	'P': "http_client_body", 'Q': "http_server_body", 'H': "http_header",
	'D': "http_raw_header", 'M': "http_method", 'C': "http_cookie",
	'S': "http_stat_code", 'Y': "http_stat_msg", 'V': "http_user_agent",
	'W': "http_host", 'Z': "http_raw_host"}

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

// fastPatternOnly marks the last content fast_pattern:only.
func (m *matchLists) fastPatternOnly() {
	if i := m.lastContent(); i >= 0 {
		m.matches[i].fastOnly = true
	}
}

// lastFastOnly reports whether the last content is fast_pattern:only,
// which Suricata 7 takes no depth, offset, distance or within on.
func (m *matchLists) lastFastOnly() bool {
	i := m.lastContent()
	return i >= 0 && m.matches[i].fastOnly
}

// relative reports whether Suricata 7 takes distance or within on the
// last content: the match before it in its list may not be a
// fast_pattern:only content.
func (m *matchLists) relative() bool {
	i := m.lastContent()
	if i < 0 {
		return true
	}
	p := m.previous(i, m.matches[i].list)
	return p < 0 || !m.matches[p].fastOnly
}

// pcre records a pcre with its flags, and reports false for one with R
// outside a sticky buffer and with no match before it in its own list,
// which Suricata 7 refuses ("needs preceding match in the same buffer").
func (m *matchLists) pcre(flags string) bool {
	list := m.buffer
	if list == "" {
		for _, f := range flags {
			if l, ok := pcreFlagLists[f]; ok {
				list = l
			}
		}
	}
	ok := m.buffer != "" || !strings.ContainsRune(flags, 'R') || m.previous(len(m.matches), list) >= 0
	m.matches = append(m.matches, match{list: list})
	return ok
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

// previous returns the index of the last match of list before i, or -1.
func (m *matchLists) previous(i int, list string) int {
	for i--; i >= 0; i-- {
		if m.matches[i].list == list {
			return i
		}
	}
	return -1
}

// pcreFlagsOf returns the flags after a pcre value's regex.
func pcreFlagsOf(v string) string {
	v = strings.Trim(v, `"`)
	end := strings.LastIndexByte(v, '/')
	if end < 0 {
		return ""
	}
	flags, _, _ := strings.Cut(v[end+1:], ",")
	return strings.TrimSpace(flags)
}
