package suricata

import (
	"context"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
	"github.com/cratos-project/cratos/renderers/internal/banner"
	"github.com/cratos-project/cratos/renderers/internal/feedlist"
	"github.com/cratos-project/cratos/renderers/suricata/internal/rulecheck"
)

// DropSuffixDomain is the reason for a Domain that is an ICANN public
// suffix ("co.uk"): its rules would match every name registered under it.
const DropSuffixDomain = "domain that is a public suffix (co.uk: its rules would match a whole registry)"

// httpHost selects the Host header's name lower-cased: Suricata 7
// lower-cases http.host only when the header has no port ("BAD.example"
// but not "BAD.example:8080"), and nocase is a load error on it.
const httpHost = "http.host; to_lowercase; "

// nameEnd ends a name's content in tls.sni or http.host: the name ends
// the buffer or is followed by one dot. Clients may send a name with a
// trailing dot ("bad.example."), which servers read as the name, and
// Suricata 7 leaves that dot in both buffers (dns.query never has it).
const nameEnd = `pcre:"/^\.?\z/R"; `

// MaxRuleLine is the longest rule line Suricata reads, in bytes without
// the line feed.
const MaxRuleLine = rulecheck.MaxLine

// Renderer renders Suricata rules. The zero value is ready to use.
type Renderer struct{ spec }

// spec gives Renderer the Info, ValidateOptions and Parse that def
// declares.
type spec = renderers.Spec[def, options]

var info = renderers.Info{
	Name:        "suricata",
	Reads:       renderers.FieldValue,
	Description: "Suricata 7 rules: IP header lists, DNS/TLS/HTTP name rules, URL, file hash, JA3 and e-mail rules",
	ContentType: "text/plain; charset=utf-8",
	Extension:   ".rules",
	Types: []indicator.Type{
		indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net,
		indicator.Domain, indicator.Hostname, indicator.URL,
		indicator.MD5, indicator.SHA1, indicator.SHA256,
		indicator.Email, indicator.Snort, indicator.JA3,
	},
	Options: optionDocs,
}

func init() { renderers.Register(Renderer{}) }

// def declares the renderer for renderers.Spec.
type def struct{}

// Info describes the renderer.
func (def) Info() renderers.Info { return info }

// Render writes one rule file.
func (Renderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	o, err := Renderer{}.Parse(req.Options)
	if err != nil {
		return fmt.Errorf("suricata: %w", err)
	}
	r := newRender(ctx, w, req, o)
	r.header()
	for ind := range in {
		if err := r.out.Next(); err != nil {
			return err
		}
		if ind.Type != indicator.Snort {
			r.flushSnort()
		}
		if err := r.add(ind); err != nil {
			return fmt.Errorf("suricata: %w", err)
		}
	}
	r.flushSnort()
	if err := r.flushGroup(); err != nil {
		return fmt.Errorf("suricata: %w", err)
	}
	if err := r.hashRules(); err != nil {
		return fmt.Errorf("suricata: %w", err)
	}
	return r.out.Close()
}

type rule struct {
	variant string
	body    []byte
}

type render struct {
	out *renderers.Out
	req renderers.Request
	o   options

	sids sidAlloc
	// batch holds the rules of one indicator until they are all known to
	// fit in a rule line.
	batch []rule
	nrule int
	tail  []byte

	// group is the IP group being filled.
	group      []indicator.Indicator
	groupBytes int
	listKey    string // the list's identity in its IP groups' SIDs
	listBudget int
	cutModulus uint64

	hashes  [3]int // valid MD5, SHA1, SHA256 seen
	tlsURLs map[string]bool
	snort   map[[2]uint64]bool
	// pendingSnort holds passed-through rules until the last of them is
	// read, and stateWritten the state variables they write.
	pendingSnort []snortRule
	stateWritten map[stateKey]bool
}

func newRender(ctx context.Context, w io.Writer, req renderers.Request, o options) *render {
	r := &render{out: renderers.NewOut(ctx, w), req: req, o: o}
	r.sids.base, r.sids.bits = o.sidBase, o.sidBits
	r.listKey = groupListKey(req)
	// The IP list's byte budget: a line holds the action, the fixed header
	// text, the msg with the longest first member and count, the classtype
	// and the longest SID.
	msg := len(appendMsg(nil, o.msgPrefix)) + len(` ip-dst `) + len("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0/124") + len(" and 99999 more")
	fixed := len(o.action) + len(" ip $HOME_NET any -> [") + len("] any (") +
		len(`msg:"`) + msg + len(`"; `) + len("classtype:") + len(o.classtype) + len("; sid:4294967295; rev:1;)")
	r.listBudget = MaxRuleLine - fixed
	r.cutModulus = uint64(max(1, o.groupSize/3))
	return r
}

// header writes the comment block at the top of the file.
func (r *render) header() {
	r.out.WriteString(banner.Line("#", r.req))
	r.out.WriteString("# Rules use $HOME_NET. File hash rules read " + HashList(r.req, indicator.MD5) + ", " +
		HashList(r.req, indicator.SHA1) + " and " + HashList(r.req, indicator.SHA256) +
		"\n# from the rule directory (the suricata-dataset output with type=md5, sha1 or sha256).\n")
}

func (r *render) add(ind indicator.Indicator) error {
	switch ind.Type {
	case indicator.IPv4, indicator.IPv4Net, indicator.IPv6, indicator.IPv6Net:
		return r.addIP(ind)
	case indicator.Domain:
		if !feedlist.WildcardAllowed(ind.Value) {
			r.req.Drop(DropSuffixDomain, 1)
			return nil
		}
		dot := "." + ind.Value
		r.open("domain-dns", "dns $HOME_NET any -> any any", ind.Value)
		r.opt("dns.query; dotprefix; content:\"", dot, "\"; nocase; endswith; ")
		r.open("domain-tls", "tls $HOME_NET any -> any any", ind.Value)
		r.opt("tls.sni; dotprefix; content:\"", dot, "\"; nocase; "+nameEnd)
		r.open("domain-http", "http $HOME_NET any -> any any", ind.Value)
		r.opt("flow:established,to_server; "+httpHost+"dotprefix; content:\"", dot, "\"; "+nameEnd)
		return r.commit(ind)
	case indicator.Hostname:
		n := strconv.Itoa(len(ind.Value))
		r.open("hostname-dns", "dns $HOME_NET any -> any any", ind.Value)
		r.opt("dns.query; content:\"", ind.Value, "\"; nocase; bsize:"+n+"; ")
		r.open("hostname-tls", "tls $HOME_NET any -> any any", ind.Value)
		r.opt("tls.sni; content:\"", ind.Value, "\"; nocase; startswith; "+nameEnd)
		r.open("hostname-http", "http $HOME_NET any -> any any", ind.Value)
		r.opt("flow:established,to_server; "+httpHost+"content:\"", ind.Value, "\"; startswith; "+nameEnd)
		return r.commit(ind)
	case indicator.URL:
		return r.addURL(ind)
	case indicator.MD5, indicator.SHA1, indicator.SHA256:
		i, ok := hashList(ind)
		if !ok {
			r.req.Drop(hashLists[i].reason, 1)
			return nil
		}
		r.hashes[i]++
	case indicator.Email:
		r.addEmail(ind.Value)
		return r.commit(ind)
	case indicator.JA3:
		r.open("ja3", "tls $HOME_NET any -> any any", ind.Value)
		r.opt("ja3.hash; content:\"", ind.Value, "\"; ")
		return r.commit(ind)
	case indicator.Snort:
		r.addSnort(ind.Value)
	default:
		r.req.Drop("type "+ind.Type.String()+" has no Suricata rule", 1)
	}
	return nil
}

// addEmail opens the rules of an e-mail address: the sender
// (email-from) and the recipient (email-to) of the SMTP envelope. Suricata
// 7 has no buffer for either, so a pcre anchored at the start of a
// command line matches the address as its whole argument, in angle
// brackets or bare, and never a longer address or the address in a
// message's headers; the content is its prefilter. Both are caseless, as
// MISP's rules are.
func (r *render) addEmail(addr string) {
	re := string(appendPCRELiteral(nil, addr))
	for _, c := range [...]struct{ variant, command string }{{"email-from", "MAIL FROM"}, {"email-to", "RCPT TO"}} {
		r.open(c.variant, "smtp any any -> any any", addr)
		r.opt("flow:established,to_server; content:\"", addr, "\"; nocase; ")
		r.raw(`pcre:"/^` + c.command + `:[ \t]*(?:<` + re + `>|` + re + `(?!\S))/mi"; `)
	}
}

// open starts a rule of the current batch: action, header and msg.
func (r *render) open(variant, header, value string) {
	if r.nrule == len(r.batch) {
		r.batch = append(r.batch, rule{})
	}
	ru := &r.batch[r.nrule]
	r.nrule++
	ru.variant = variant
	b := append(ru.body[:0], r.o.action...)
	b = append(b, ' ')
	b = append(b, header...)
	b = append(b, ` (msg:"`...)
	b = appendMsg(b, r.o.msgPrefix)
	b = append(b, ' ')
	b = append(b, variant...)
	b = append(b, ' ')
	b = appendMsg(b, value)
	b = append(b, `"; `...)
	ru.body = b
}

// opt appends pre, the content-escaped value and post to the open rule.
func (r *render) opt(pre, content, post string) {
	ru := &r.batch[r.nrule-1]
	ru.body = append(ru.body, pre...)
	ru.body = appendContent(ru.body, content)
	ru.body = append(ru.body, post...)
}

// raw appends s unescaped to the open rule.
func (r *render) raw(s string) {
	ru := &r.batch[r.nrule-1]
	ru.body = append(ru.body, s...)
}

// commit writes the batch's rules for ind, or drops them all when one
// would be longer than a rule line.
func (r *render) commit(ind indicator.Indicator) error {
	return r.commitKey(ind.Type, ind.Value)
}

// commitKey is commit for rules keyed by value key of type t.
func (r *render) commitKey(t indicator.Type, key string) error {
	return r.commitHash(valueHash(t, key))
}

// commitHash is commit for rules whose SIDs come from vh and their
// variants.
func (r *render) commitHash(vh uint64) error {
	n := r.nrule
	r.nrule = 0
	tailMax := len("classtype:") + len(r.o.classtype) + len("; sid:4294967295; rev:1;)")
	for i := range n {
		if len(r.batch[i].body)+tailMax > MaxRuleLine {
			r.req.Drop("rule longer than 8191 bytes", 1)
			return nil
		}
	}
	for i := range n {
		h := variantHash(vh, r.batch[i].variant)
		sid, err := r.sids.assign(h)
		if err != nil {
			return err
		}
		if hashed := r.sids.hashed(h); sid != hashed {
			r.noteCollision(sid, hashed)
		}
		r.out.Write(r.batch[i].body)
		r.tail = append(r.tail[:0], "classtype:"...)
		r.tail = append(r.tail, r.o.classtype...)
		r.tail = append(r.tail, "; sid:"...)
		r.tail = strconv.AppendUint(r.tail, uint64(sid), 10)
		r.tail = append(r.tail, "; rev:1;)\n"...)
		r.out.Write(r.tail)
	}
	return nil
}

// noteCollision writes a comment saying that the next rule has sid because
// an earlier rule took its hashed SID.
func (r *render) noteCollision(sid, hashed uint32) {
	r.tail = append(r.tail[:0], "# sid "...)
	r.tail = strconv.AppendUint(r.tail, uint64(sid), 10)
	r.tail = append(r.tail, ": its hashed SID "...)
	r.tail = strconv.AppendUint(r.tail, uint64(hashed), 10)
	r.tail = append(r.tail, " is taken by an earlier rule; this SID can change when that rule comes or goes\n"...)
	r.out.Write(r.tail)
}

// addIP adds an address or net to the current group, closing the group
// first when it is full and afterwards when the member is a boundary.
func (r *render) addIP(ind indicator.Indicator) error {
	if p, ok := ind.Prefix(); !ok || p.Bits() == 0 {
		r.req.Drop("IP value that is not an address or a non-zero prefix", 1)
		return nil
	}
	need := len(ind.Value)
	if len(r.group) > 0 {
		need++
	}
	if len(r.group) == r.o.groupSize || r.groupBytes+need > r.listBudget {
		if err := r.flushGroup(); err != nil {
			return err
		}
		need = len(ind.Value)
	}
	r.group = append(r.group, ind)
	r.groupBytes += need
	if (fnvString(fnvString(fnvOffset, "group-cut"), ind.Value)>>32)%r.cutModulus == 0 {
		return r.flushGroup()
	}
	return nil
}

func (r *render) flushGroup() error {
	if len(r.group) == 0 {
		return nil
	}
	var list strings.Builder
	list.Grow(r.groupBytes + 2)
	list.WriteByte('[')
	for i, g := range r.group {
		if i > 0 {
			list.WriteByte(',')
		}
		list.WriteString(g.Value)
	}
	list.WriteByte(']')
	first := r.group[0]
	label := first.Value
	if len(r.group) > 1 {
		label += " and " + strconv.Itoa(len(r.group)-1) + " more"
	}
	r.open("ip-dst", "ip $HOME_NET any -> "+list.String()+" any", label)
	r.open("ip-src", "ip "+list.String()+" any -> $HOME_NET any", label)
	r.group = r.group[:0]
	r.groupBytes = 0
	return r.commitHash(groupHash(first.Type, first.Value, r.listKey))
}

// hashRules writes one rule per hash list that has entries. The list's
// name, which holds the site, feed and age, keys its SID: the rules of two
// lists read different files, and a SID per rule is what suricata-update
// merges by.
func (r *render) hashRules() error {
	for i, l := range hashLists {
		if r.hashes[i] == 0 {
			continue
		}
		file := HashList(r.req, l.t)
		r.open(l.t.String()+"-list", "ip any any -> any any", file)
		r.raw(l.keyword + ":" + file + "; ")
		if err := r.commitKey(l.t, file); err != nil {
			return err
		}
	}
	return nil
}
