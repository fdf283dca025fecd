package suricata

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

var _ renderers.Companioned = Renderer{}

// hashLists are the list files of the file hash rules, by kind.
var hashLists = [3]struct {
	t       indicator.Type
	keyword string
	digits  int
	reason  string
}{
	{indicator.MD5, "filemd5", 32, "md5 value that is not 32 hex digits"},
	{indicator.SHA1, "filesha1", 40, "sha1 value that is not 40 hex digits"},
	{indicator.SHA256, "filesha256", 64, "sha256 value that is not 64 hex digits"},
}

// hashList returns the index in hashLists of a hash indicator and whether
// its value is a hash of the kind's length; -1 for other types.
func hashList(ind indicator.Indicator) (int, bool) {
	for i, l := range hashLists {
		if ind.Type == l.t {
			return i, len(ind.Value) == l.digits && isHex(ind.Value)
		}
	}
	return -1, false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// Companions returns the hash list files that the rules Render writes for
// the same input read, named by HashList for the request's site, feed and
// age (cratos-<site>-<feed>-<age>-md5.lst, -sha1.lst, -sha256.lst), one lower-case hex
// hash per line, sorted, without duplicates. A file is returned exactly
// when its rule is written: when the input has at least one valid hash of
// its kind (Suricata refuses an empty list). Values of the wrong length or not hex are left out and
// reported, as Render reports them. For canonical input the files are the
// bytes of the suricata-dataset output with type md5, sha1 or sha256.
func (Renderer) Companions(ctx context.Context, req renderers.Request, in iter.Seq[indicator.Indicator]) ([]renderers.File, error) {
	var values [3][]string
	n := 0
	for ind := range in {
		if n++; n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("suricata: companions: %w", err)
			}
		}
		i, ok := hashList(ind)
		switch {
		case i < 0:
		case !ok:
			req.Drop(hashLists[i].reason, 1)
		default:
			values[i] = append(values[i], strings.ToLower(ind.Value))
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("suricata: companions: %w", err)
	}
	var files []renderers.File
	for i, vs := range values {
		if len(vs) == 0 {
			continue
		}
		if !slices.IsSorted(vs) {
			slices.Sort(vs)
		}
		vs = slices.Compact(vs)
		var b bytes.Buffer
		b.Grow(len(vs) * (hashLists[i].digits + 1))
		for _, v := range vs {
			b.WriteString(v)
			b.WriteByte('\n')
		}
		files = append(files, renderers.File{Name: HashList(req, hashLists[i].t), Body: b.Bytes()})
	}
	return files, nil
}
