package rendertest

import (
	"fmt"
	"maps"
	"slices"
)

// NameSet is the set of names read back from a DNS list, for the checks
// every reader of such a list makes: no name listed twice, and none under
// another listed name (which the list would cover already).
type NameSet map[string]bool

// Add adds name to s; an error when s holds it already.
func (s NameSet) Add(name string) error {
	if s[name] {
		return fmt.Errorf("%s listed twice", name)
	}
	s[name] = true
	return nil
}

// Nested returns an error naming the first name of s, in sorted order,
// that is under another name of s; nil when there is none.
func (s NameSet) Nested() error {
	for _, name := range slices.Sorted(maps.Keys(s)) {
		for j := 0; j < len(name); j++ {
			if name[j] == '.' && s[name[j+1:]] {
				return fmt.Errorf("%s is under the listed %s", name, name[j+1:])
			}
		}
	}
	return nil
}
