package stix21

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/internal/jsonstr"
	"github.com/cratos-project/cratos/renderers/internal/ioc"
)

// patternForm says how one indicator type becomes a pattern.
type patternForm struct {
	patternType string // "stix", "snort", "yara", "sigma"
	prefix      string // STIX only: "[ipv4-addr:value = "
}

var forms = func() [32]patternForm {
	var f [32]patternForm
	stix := func(t indicator.Type, path, op string) {
		f[t] = patternForm{patternType: "stix", prefix: "[" + path + " " + op + " "}
	}
	stix(indicator.IPv4, "ipv4-addr:value", "=")
	stix(indicator.IPv4Net, "ipv4-addr:value", "ISSUBSET")
	stix(indicator.IPv6, "ipv6-addr:value", "=")
	stix(indicator.IPv6Net, "ipv6-addr:value", "ISSUBSET")
	stix(indicator.Domain, "domain-name:value", "=")
	stix(indicator.Hostname, "domain-name:value", "=")
	stix(indicator.URL, "url:value", "=")
	stix(indicator.MD5, "file:hashes.MD5", "=")
	stix(indicator.SHA1, "file:hashes.'SHA-1'", "=")
	stix(indicator.SHA256, "file:hashes.'SHA-256'", "=")
	stix(indicator.Email, "email-addr:value", "=")
	stix(indicator.EmailSubject, "email-message:subject", "=")
	stix(indicator.EmailAttachment, "email-message:body_multipart[*].body_raw_ref.name", "=")
	stix(indicator.Mutex, "mutex:name", "=")
	stix(indicator.X509MD5, "x509-certificate:hashes.MD5", "=")
	stix(indicator.X509SHA1, "x509-certificate:hashes.'SHA-1'", "=")
	stix(indicator.X509SHA256, "x509-certificate:hashes.'SHA-256'", "=")
	stix(indicator.Imphash, "file:extensions.'windows-pebinary-ext'.imphash", "=")
	f[indicator.Snort] = patternForm{patternType: "snort"}
	f[indicator.Yara] = patternForm{patternType: "yara"}
	f[indicator.Sigma] = patternForm{patternType: "sigma"}
	return f
}()

// encoder builds objects into a reused buffer.
type encoder struct {
	c          config
	identityID string
	generated  []byte // req.Generated as a STIX timestamp
	// latest, when not 0, is req.Generated in unix milliseconds: a
	// timestamp past it is written as generated (clampToGenerated).
	latest       int64
	buf, scratch []byte
	lastTS       int64
	lastTime     []byte
	lastDay      int64  // the day of lastTime, -1 before the first
	createdBy    string // from after the id up to created's value
	tail         string // from after valid_from's value to the end
	// idScope, when set (scopeIDs), goes before the type in the name of
	// every indicator id, and idPrefixes are the fast path's prefixes
	// with it.
	idScope    string
	idPrefixes *[len(forms)]string
}

func newEncoder(c config, generated time.Time) *encoder {
	u, _ := uuid5Scratch(nil, "identity|", c.identityName)
	e := &encoder{
		c:          c,
		identityID: "identity--" + u.String(),
		generated:  appendTime(nil, generated.UTC()),
		lastTS:     -1,
		lastDay:    -1,
		tail:       `"}`,
	}
	e.createdBy = `","created_by_ref":"` + e.identityID + `","created":"`
	if m := c.marking; m != nil {
		e.tail = `","object_marking_refs":["` + m.id + `"]}`
	}
	return e
}

// scopeIDs makes the indicator ids of a bundle whose producer is not the
// default one, or whose indicators carry a TLP marking, depend on both:
// two sites that give one indicator another identity or marking (two
// MISP servers syncing the same attribute, with its timestamp) would
// otherwise give a TIP two objects of one id and one modified time, of
// which it keeps one, and with it one marking. The default bundle keeps
// the ids it always had.
func (e *encoder) scopeIDs() {
	if e.c.identityName == DefaultIdentityName && e.c.marking == nil {
		return
	}
	e.idScope = "producer|" + e.identityID + "|"
	if m := e.c.marking; m != nil {
		e.idScope += m.id + "|"
	}
	var p [len(forms)]string
	for t, f := range fastForms {
		if f.idPrefix != "" {
			p[t] = string(namespace[:]) + e.idScope + f.idPrefix[len(namespace):]
		}
	}
	e.idPrefixes = &p
}

// identity returns the producer identity object.
func (e *encoder) identity() []byte {
	b := []byte(`{"type":"identity","spec_version":"2.1","id":"` + e.identityID +
		`","created":"` + identityEpoch + `","modified":"` + identityEpoch + `","name":"`)
	b = jsonstr.AppendEscaped(b, e.c.identityName)
	return append(b, `","identity_class":"system"}`...)
}

// indicator returns ",\n" and the indicator object for in, or the reason
// it is left out. The returned slice is valid until the next call.
func (e *encoder) indicator(in indicator.Indicator) ([]byte, string) {
	if b, ok := e.fastIndicator(in); ok {
		return b, ""
	}
	return e.slowIndicator(in)
}

// slowIndicator is indicator for every value, plain or not.
func (e *encoder) slowIndicator(in indicator.Indicator) ([]byte, string) {
	var f patternForm
	if int(in.Type) < len(forms) {
		f = forms[in.Type]
	}
	switch {
	case f.patternType == "":
		return nil, "stix21: no STIX pattern for type " + in.Type.String()
	case !utf8.ValidString(in.Value):
		return nil, "stix21: value is not valid UTF-8"
	case f.patternType == "stix" && ioc.HasControl(strings.ReplaceAll(in.Value, "\t", "")):
		return nil, "stix21: control character in a pattern value"
	}
	ts := e.timestamp(in.Timestamp)
	var id uuid
	id, e.scratch = uuid5Scratch(e.scratch, e.idScope, in.Type.String(), "|", in.Value)

	b := append(e.buf[:0], ",\n{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"...)
	b = id.appendText(b)
	b = append(b, `","created_by_ref":"`...)
	b = append(b, e.identityID...)
	b = append(b, `","created":"`...)
	b = append(b, ts...)
	b = append(b, `","modified":"`...)
	b = append(b, ts...)
	b = append(b, `","name":"`...)
	b = jsonstr.AppendEscaped(b, in.Type.String())
	b = append(b, ": "...)
	b = jsonstr.AppendEscaped(b, shortName(in.Value))
	b = append(b, `","indicator_types":["malicious-activity"],"pattern":"`...)
	if f.patternType == "stix" && in.Type == indicator.URL && !hasScheme(in.Value) {
		// url:value is a full RFC 3986 URL: a MISP URL without a scheme
		// matches it under http or https.
		lit := escapeLiteral(in.Value)
		b = jsonstr.AppendEscaped(b, "[url:value = 'http://"+lit+"' OR url:value = 'https://"+lit+"']")
		b = append(b, `","pattern_type":"stix","pattern_version":"2.1","valid_from":"`...)
	} else if f.patternType == "stix" {
		b = jsonstr.AppendEscaped(b, f.prefix)
		b = append(b, '\'')
		b = jsonstr.AppendEscaped(b, escapeLiteral(in.Value))
		b = append(b, `']","pattern_type":"stix","pattern_version":"2.1","valid_from":"`...)
	} else {
		b = jsonstr.AppendEscaped(b, in.Value)
		b = append(b, `","pattern_type":"`...)
		b = append(b, f.patternType...)
		b = append(b, `","valid_from":"`...)
	}
	b = append(b, ts...)
	if m := e.c.marking; m != nil {
		b = append(b, `","object_marking_refs":["`...)
		b = append(b, m.id...)
		b = append(b, `"]}`...)
	} else {
		b = append(b, `"}`...)
	}
	e.buf = b
	return b, ""
}

// clampToGenerated makes every timestamp later than generated, the
// list's date, the list's date: an attribute time ahead of the clock (MISP
// on a skewed clock, a date typed in the future) would otherwise give its
// indicator a version later than those of the lists to come, and an
// indicator that comes back under the list's date would look older to a
// TIP than the one it replaces (version.go).
func (e *encoder) clampToGenerated(generated time.Time) {
	if !generated.IsZero() {
		e.latest = generated.UnixMilli()
	}
}

// timestamp returns the STIX timestamp of a unix time, or of the request's
// generation time when ts is 0, outside years 1970-9999 or, with
// clampToGenerated, later than that time.
func (e *encoder) timestamp(ts int64) []byte {
	if ts <= 0 || ts > 253402300799 || e.latest != 0 && ts*1000 > e.latest {
		return e.generated
	}
	if ts == e.lastTS {
		return e.lastTime
	}
	e.lastTS = ts
	if day := ts / 86400; day != e.lastDay {
		e.lastDay = day
		e.lastTime = appendDate(e.lastTime[:0], day)
		e.lastTime = append(e.lastTime, "00:00:00.000Z"...)
	}
	// Within the day only HH:MM:SS (bytes 11 to 18) changes.
	s := int(ts % 86400)
	h, m := s/3600, s/60%60
	s %= 60
	t := e.lastTime
	t[11], t[12] = byte('0'+h/10), byte('0'+h%10)
	t[14], t[15] = byte('0'+m/10), byte('0'+m%10)
	t[17], t[18] = byte('0'+s/10), byte('0'+s%10)
	return t
}

// appendDate appends "YYYY-MM-DDT" for a day since 1970-01-01 up to
// 9999-12-31, by the proleptic Gregorian calendar as package time counts
// (the days-to-civil algorithm of Howard Hinnant's chrono date notes).
func appendDate(dst []byte, day int64) []byte {
	z := day + 719468 // days since 0000-03-01
	era := z / 146097
	doe := z - era*146097                                  // day of the 400-year era
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // year of the era
	y := int(yoe + era*400)
	doy := doe - (365*yoe + yoe/4 - yoe/100) // day of the year from March 1
	mp := (5*doy + 2) / 153                  // month from March, 0 to 11
	d := int(doy - (153*mp+2)/5 + 1)
	m := int(mp + 3)
	if m > 12 {
		m -= 12
		y++
	}
	dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	return append(dst, byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10), 'T')
}

// appendTime appends t as YYYY-MM-DDTHH:MM:SS.mmmZ (t in UTC).
func appendTime(dst []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	ms := t.Nanosecond() / 1e6
	if y < 0 {
		y = 0
	} else if y > 9999 {
		y = 9999
	}
	dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	dst = append(dst, byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), 'T')
	dst = append(dst, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':', byte('0'+s/10), byte('0'+s%10))
	return append(dst, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// shortName returns the first line of v, cut to maxNameRunes runes.
func shortName(v string) string {
	if i := strings.IndexAny(v, "\r\n"); i >= 0 {
		v = strings.TrimSpace(v[:i]) + " …"
	}
	if utf8.RuneCountInString(v) <= maxNameRunes {
		return v
	}
	n := 0
	for i := range v {
		if n == maxNameRunes-1 {
			return v[:i] + "…"
		}
		n++
	}
	return v
}

// escapeLiteral escapes a value for a STIX string literal: backslashes
// first, then single quotes.
func escapeLiteral(s string) string {
	if !strings.ContainsAny(s, `\'`) {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `'`, `\'`)
}

// hasScheme reports whether a canonical URL starts with "scheme://"
// (a "://" after the host is path or query text).
func hasScheme(u string) bool {
	i := strings.Index(u, "://")
	return i > 0 && !strings.ContainsAny(u[:i], "/?#@:")
}
