package taxii

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// A refresh that changes nothing of a history (the usual case) is not
// saved, yet its Basis is what the breaker compares the next refresh
// with after a change of the guard: a restart that went back to the
// Basis of the last saved change would compare with an older input
// count, or take settings already in force for a change. So such a
// refresh keeps its Basis in a small file beside the history,
// `taxii-<hash>.basis`: `cratos-taxii-basis/1 <last> <settings> <input>`,
// where <last> is the history's newest date_added. Each save of the
// history removes that file first, and a file whose <last> is not the
// history's is not read.
const basisFileHeader = "cratos-taxii-basis/1"

// basisFileName names the file keeping the Basis of key's last refresh.
func basisFileName(key string) string {
	return strings.TrimSuffix(fileName(key), ".json") + ".basis"
}

// saveBasis writes the Basis of c, whose lock the caller holds, when a
// restart would read another: a failure is logged, and c then carries
// a Basis newer than the one a restart reads, as before it was kept.
func (m *Manager) saveBasis(key string, c *Collection) {
	if m.dir == nil || c.basis == nil || c.stored != nil && *c.stored == *c.basis {
		return
	}
	b := fmt.Appendf(nil, "%s %d %s %d", basisFileHeader, c.last, c.basis.Settings, c.basis.Input)
	if err := m.dir.Write(basisFileName(key), b); err != nil {
		m.logger.Warn("taxii collection basis not saved: after a restart the circuit breaker compares with the last change saved",
			"file", basisFileName(key), "error", err)
		return
	}
	c.stored = c.basis
}

// dropBasis removes key's Basis file before its history is saved: the
// history then carries the Basis.
func (m *Manager) dropBasis(key string) error {
	if m.dir == nil {
		return nil
	}
	return m.dir.Remove(basisFileName(key))
}

// readBasis gives c, just loaded as key's history, the Basis its last
// refresh kept beside it, if any.
func (m *Manager) readBasis(key string, c *Collection) {
	c.stored = c.basis
	b, err := m.dir.ReadFile(basisFileName(key))
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	f := strings.Fields(string(b))
	var last int64
	input := -1
	if err == nil && len(f) == 4 && f[0] == basisFileHeader {
		last, err = strconv.ParseInt(f[1], 10, 64)
		if err == nil {
			input, err = strconv.Atoi(f[3])
		}
	}
	if err != nil || len(f) != 4 || f[0] != basisFileHeader || input < 0 {
		m.logger.Warn("taxii collection basis not read: the history's is used", "file", basisFileName(key), "error", err)
		return
	}
	if last == c.last {
		c.basis = &Basis{Settings: f[2], Input: input}
		c.stored = c.basis
	}
}
