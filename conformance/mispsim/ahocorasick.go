package mispsim

import (
	"slices"
)

// acMatcher reports whether any of a list's substring entries occurs in a
// value (Aho-Corasick over bytes: a dense table at the root, sorted sparse
// edges below).
type acMatcher struct {
	root  [256]int32
	edges [][]acEdge
	fail  []int32
	final []bool // an entry ends here or at a suffix state
}

type acEdge struct {
	c    byte
	next int32
}

func (m *acMatcher) child(s int32, c byte) int32 {
	if s == 0 {
		return m.root[c]
	}
	for _, e := range m.edges[s] {
		if e.c == c {
			return e.next
		}
		if e.c > c {
			break
		}
	}
	return -1
}

func newACMatcher(patterns []string) *acMatcher {
	m := &acMatcher{edges: make([][]acEdge, 1), final: make([]bool, 1)}
	for i := range m.root {
		m.root[i] = -1
	}
	for _, p := range patterns {
		s := int32(0)
		for j := 0; j < len(p); j++ {
			c := p[j]
			t := m.child(s, c)
			if t < 0 {
				t = int32(len(m.edges))
				m.edges = append(m.edges, nil)
				m.final = append(m.final, false)
				if s == 0 {
					m.root[c] = t
				}
				e := m.edges[s]
				i := 0
				for i < len(e) && e[i].c < c {
					i++
				}
				m.edges[s] = slices.Insert(e, i, acEdge{c, t})
			}
			s = t
		}
		m.final[s] = true
	}
	m.fail = make([]int32, len(m.edges))
	queue := make([]int32, 0, len(m.edges))
	for _, e := range m.edges[0] {
		queue = append(queue, e.next)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range m.edges[s] {
			f := m.fail[s]
			for {
				if t := m.child(f, e.c); t >= 0 {
					m.fail[e.next] = t
					break
				}
				if f == 0 {
					m.fail[e.next] = 0
					break
				}
				f = m.fail[f]
			}
			if m.final[m.fail[e.next]] {
				m.final[e.next] = true
			}
			queue = append(queue, e.next)
		}
	}
	for c := range m.root {
		if m.root[c] < 0 {
			m.root[c] = 0
		}
	}
	return m
}

func (m *acMatcher) match(v string) bool {
	s := int32(0)
	for i := 0; i < len(v); i++ {
		c := v[i]
		for s != 0 {
			if t := m.child(s, c); t >= 0 {
				s = t
				goto next
			}
			s = m.fail[s]
		}
		s = m.root[c]
	next:
		if m.final[s] {
			return true
		}
	}
	return false
}
