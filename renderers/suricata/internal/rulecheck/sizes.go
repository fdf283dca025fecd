// Contents that, with their depths and distances, cannot fit the size a
// bsize allows their buffer.

package rulecheck

import (
	"strconv"
	"strings"
)

// sizedContent is what Suricata 7 reads of a content to check it against
// dsize or bsize.
type sizedContent struct {
	length, offset, distance, within int
	negated, relative                bool
}

// modifierBuffers are the sticky buffers the Snort 2 modifiers, and
// legacy sticky names, move a content to where the name alone does not
// tell ("http_uri" is "http.uri" by its first underscore).
var modifierBuffers = map[string]string{"http_raw_uri": "http.uri.raw",
	"http_raw_header": "http.header.raw", "http_raw_host": "http.host.raw",
	"http_client_body": "http.request_body", "http_server_body": "file.data",
	"http.response_body": "file.data", "uricontent": "http.uri"}

// bufferOf returns the list Suricata 7 appends a match of buffer name n to.
func bufferOf(n string) string {
	if b, ok := modifierBuffers[n]; ok {
		return b
	}
	if !strings.Contains(n, ".") {
		return strings.Replace(n, "_", ".", 1)
	}
	return n
}

// sizesFit reports whether the contents of each list of a rule fit its
// dsize (the payload's) or bsize (a sticky buffer's), as Suricata 7
// checks them (SigParseRequiredContentSize): the first content and each
// later one with distance or within add up their lengths and distances,
// plus the largest offset; a later negated one must end, with its
// distance and within, within the bound. A content moved by a Snort 2
// modifier is in that modifier's buffer, one after a transform in a
// buffer of its own, one of a sticky buffer named again in the same.
func sizesFit(opts []ruleOption) bool {
	var (
		lists     = map[string][]sizedContent{}
		bounds    = map[string]int{}
		list      string // the current list, "" for the payload
		last      = -1   // the index of the last content in lists[lastList]
		lastList  string
		variables = map[string]int{}
	)
	value := func(v string) int {
		if i, ok := variables[v]; ok {
			return i // Suricata keeps the variable's index here
		}
		n, _ := strconv.Atoi(v)
		return n
	}
	for _, o := range opts {
		n, v := o.name, o.value
		switch {
		case n == "pkt_data":
			list = ""
		case stickyBuffer(n):
			list = bufferOf(n)
		case transforms[n]:
			list += "|" + n + ":" + v
		case n == "content" || n == "uricontent":
			lastList = list
			if n == "uricontent" {
				lastList = bufferOf(n)
			}
			lists[lastList] = append(lists[lastList], sizedContent{length: contentLength(v), negated: strings.HasPrefix(v, "!")})
			last = len(lists[lastList]) - 1
		case httpModifiers[n] && last >= 0:
			c := lists[lastList][last]
			lists[lastList] = append(lists[lastList][:last], lists[lastList][last+1:]...)
			lastList = bufferOf(n)
			lists[lastList] = append(lists[lastList], c)
			last = len(lists[lastList]) - 1
		case (n == "offset" || n == "distance" || n == "within") && last >= 0:
			c := &lists[lastList][last]
			switch n {
			case "offset":
				c.offset = value(v)
			case "distance":
				c.distance, c.relative = value(v), true
			case "within":
				c.within, c.relative = value(v), true
			}
		case n == "byte_extract":
			if args := splitArgs(v); len(args) >= 3 {
				variables[args[2]] = len(variables)
			}
		case n == "dsize":
			if c, ok := parseUint(v, 65535); ok && (c.op == "=" || c.op == "<" || c.op == "!" || c.op == "-") {
				bounds["dsize"] = int(max(c.a, c.b))
			}
		case n == "bsize" && list != "":
			if _, seen := bounds[list]; !seen {
				bounds[list] = bsizeBound(v)
			}
		}
	}
	for name, bound := range bounds {
		if name == "dsize" {
			name = ""
		}
		if bound >= 0 && !fitsSize(lists[name], bound) {
			return false
		}
	}
	return true
}

// bsizeBound returns the bound Suricata 7 checks a bsize value's contents
// against, or -1 for none: n for "n" and "<n", b for "a-b", as the int
// it casts the 64-bit value to (the low 32 bits, two's complement).
func bsizeBound(v string) int {
	c, ok := parseUint(v, 1<<64-1)
	if !ok || c.op != "=" && c.op != "<" && c.op != "-" {
		return -1
	}
	bound := int(int32(uint32(max(c.a, c.b))))
	if bound < 0 {
		return -1
	}
	return bound
}

// fitsSize reports whether contents, in their list's order, fit the
// bound as SigParseRequiredContentSize and its callers check it.
func fitsSize(contents []sizedContent, bound int) bool {
	total, offset := 0, 0
	for i, c := range contents {
		if i > 0 && !c.relative {
			continue
		}
		if i > 0 && c.negated {
			if total+c.distance+c.within > bound {
				return false
			}
			continue
		}
		total += c.length + c.distance
		offset = max(offset, c.offset)
	}
	return total <= bound && total+offset <= bound
}
