package misp

import (
	"bytes"
	"context"

	"github.com/valyala/fastjson"
)

// Tag is one tag as /tags/search names it.
type Tag struct {
	ID   int64
	Name string
}

// Tags runs one /tags/search request: the tags whose names match one of
// names, each a case-insensitive SQL LIKE pattern, as restSearch's tags
// filter matches them (MISP's TagsController::search, which also lists
// the tags of galaxy clusters a name stands for). A tag's row carries no
// date: asking is the only way to see one renamed.
func (c *Client) Tags(ctx context.Context, names []string) ([]Tag, error) {
	var b bytes.Buffer
	b.WriteString(`{"tag":`)
	writeJSON(&b, nonNil(names))
	b.WriteByte('}')
	return postDecoded(ctx, c, "/tags/search", b.Bytes(), "tags search", decodeTags)
}

// decodeTags reads a /tags/search answer: a list of {"Tag": {"id", "name"}}.
func decodeTags(body []byte) ([]Tag, error) {
	return decodeList(body, "not a list of tags", func(e *fastjson.Value) (Tag, error) {
		t := Tag{ID: intOf(e.Get("Tag", "id")), Name: string(e.GetStringBytes("Tag", "name"))}
		if t.ID <= 0 || t.Name == "" {
			return Tag{}, shapeError("a tag without an id or a name")
		}
		return t, nil
	})
}
