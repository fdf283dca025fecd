package mispsim

// AttributesPerMB is MISP's default MISP.default_attribute_memory_coefficient:
// a page of a paged restSearch is read in pieces of PHP's memory_limit in
// MB times this many attributes (12,800 at 256M). Options.MemoryCoefficient
// sets another.
const AttributesPerMB = 50

// pageReader reads the rows of one restSearch page as MISP's
// __iteratedFetch does: at most piece rows at a time when the page is
// larger (piece 0: in one go). A piece that warninglists shorten ends the
// page there, unread rows and all. When the page is a whole number of
// pieces, the last read asks for limit 0, which MISP's fetchAttributes
// takes for no limit: every remaining row.
type pageReader struct {
	requested, piece int
	cur              int // the current read's limit; 0: none
	curRead, curKept int
	read             int  // rows read, warninglisted ones included
	loop             bool // more reads may follow the current one
	increment        int  // what X-Result-Count adds to read
	done             bool
}

func newPageReader(limit, piece int) *pageReader {
	p := &pageReader{requested: limit, piece: piece, cur: limit, increment: 1}
	if piece > 0 && piece < limit {
		p.cur, p.loop, p.increment = piece, true, 0
	}
	return p
}

// take reads one row (kept: not warninglisted) and reports whether the
// page ends with it.
func (p *pageReader) take(kept bool) bool {
	p.curRead++
	p.read++
	if kept {
		p.curKept++
	}
	if p.cur > 0 && p.curRead == p.cur {
		p.endRead()
	}
	return p.done
}

// endRead ends the current read, as the body of __iteratedFetch's loop
// does after fetchAttributes, and starts the next one.
func (p *pageReader) endRead() {
	if p.curKept == 0 {
		p.done = true // nothing found: MISP stops
		return
	}
	if p.cur > 0 && p.curKept < p.cur {
		p.increment = 0
		if p.loop {
			p.done = true
			return
		}
	}
	if !p.loop {
		p.done = true
		return
	}
	if p.read+p.piece > p.requested {
		p.cur, p.loop, p.increment = p.requested-p.read, false, 1
	}
	p.curRead, p.curKept = 0, 0
}

// resultCount ends the page when the rows ran out and returns
// X-Result-Count.
func (p *pageReader) resultCount() int {
	if !p.done {
		if p.curRead > 0 || p.read == 0 {
			p.endRead()
		}
	}
	return p.read + p.increment
}
