package misp

import (
	"context"
	"fmt"
	"sync"

	"github.com/cratos-project/cratos/core/indicator"
)

// A MISP reads a restSearch page larger than its PHP memory_limit allows
// (memory_limit in MB × MISP.default_attribute_memory_coefficient, 50 by
// default: 12,800 rows at 256M) in pieces, and ends the page at the first
// piece that warninglists shorten, counting only the rows read so far:
// the rows between there and the next page are then returned by no page.
// When the page is a whole number of pieces, its last read has no limit
// and returns every row left. Both are caught here, whatever the size of
// the pieces: the read fails, so that the list keeps its last good
// content rather than go without them, and the pages of later reads of
// that MISP stay within what it read (pageSizes).

// pageEnd is what one page's answer says of the search.
type pageEnd struct {
	n       int  // attributes returned
	skipped int  // rows warninglists dropped (X-Skipped-Elements-Count)
	done    bool // no later page can hold attributes
	// cut is the rows the page read, when it ended short of the page
	// with rows skipped: MISP may have cut it after a piece (checkCut).
	cut int
}

// pageSizes holds, per MISP base URL, the largest page found to be read
// whole: a page past it was cut short or overrun.
var pageSizes sync.Map // string → int

// pageSizeFor returns pageSize, or less where the MISP was found to cut
// pages of that size.
func (c *Client) pageSizeFor(pageSize int) int {
	if v, ok := pageSizes.Load(c.opts.BaseURL); ok {
		return min(pageSize, v.(int))
	}
	return pageSize
}

// lowerPageSize keeps pages of this MISP at size or below from now on.
func (c *Client) lowerPageSize(size int) {
	for {
		old, loaded := pageSizes.LoadOrStore(c.opts.BaseURL, size)
		if !loaded || old.(int) <= size || pageSizes.CompareAndSwap(c.opts.BaseURL, old, size) {
			return
		}
	}
}

// checkPieces notes in end whether the page may have been cut short, and
// refuses a page that read more rows than it asked for.
func (c *Client) checkPieces(end *pageEnd, pageSize int) error {
	read := end.n + end.skipped
	switch {
	case pageSize <= 0:
	case read > pageSize:
		c.lowerPageSize(pageSize - 1)
		return &Error{Kind: BadResponse, Site: c.opts.Site, Detail: fmt.Sprintf(
			"MISP answered %d rows for a page of %d: a page_size that is a whole number of the pieces its PHP memory_limit reads at once makes it read past the page; the next reads ask pages of %d", read, pageSize, pageSize-1)}
	case end.done && end.skipped > 0 && read < pageSize:
		end.cut = read
	}
	return nil
}

// checkCut asks whether a row follows the last page, which ended after
// cut of its pageSize rows with some skipped (0: it did not). One does
// when MISP cut the page after a piece, of whatever size its memory
// coefficient makes them, or when the row was written during the read:
// the page is then asked again. MISP cuts it after the same rows; a page
// read whole reads the row written too. Either way the read fails; after
// a cut, later reads of this MISP ask pages of cut rows, which it reads
// in one go.
func (c *Client) checkCut(ctx context.Context, q Query, pageSize, page, cut int) error {
	if cut == 0 {
		return nil
	}
	offset := (page-1)*pageSize + cut
	next, err := c.searchPage(ctx, q, 1, offset+1, new([]byte), func(indicator.Attribute) {})
	if err != nil || next.n+next.skipped == 0 {
		return err
	}
	again, err := c.searchPage(ctx, q, pageSize, page, new([]byte), func(indicator.Attribute) {})
	if err != nil {
		return err
	}
	if again.cut != cut {
		return &Error{Kind: BadResponse, Site: c.opts.Site, Detail: fmt.Sprintf(
			"MISP changed during the read: page %d read %d rows, then %d when asked again", page, cut, again.n+again.skipped)}
	}
	c.lowerPageSize(cut)
	return &Error{Kind: BadResponse, Site: c.opts.Site, Detail: fmt.Sprintf(
		"MISP ended page %d after %d of its %d rows and has more: its PHP memory_limit reads larger pages in pieces, and warninglists shortened one; the next reads ask pages of %d (page_size)", page, cut, pageSize, cut)}
}
