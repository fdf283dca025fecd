package server

import (
	"net/url"
	"strings"
)

// minTokenLen is the shortest run of base64 characters the access log
// treats as a token wherever it appears (a token is much longer; feed
// names, ages and organisation uuids are shorter or carry other
// characters).
const minTokenLen = 40

// redactRequest returns path?query for the access log with every token
// replaced by ANONYMIZED: the value of any query parameter named token
// (parameters split at '&' and ';'), the request's own token wherever it
// appears, and any path segment or value shaped like a token.
func redactRequest(path, query, token string) string {
	path = redactPath(path, token)
	if query == "" {
		return path
	}
	return path + "?" + redactQueryString(query, token)
}

func redactPath(path, token string) string {
	// Most paths hold nothing to redact: check each segment in place and
	// only split and join when one changes.
	clean := true
	for rest := path; clean; {
		seg, tail, more := strings.Cut(rest, "/")
		clean = redactValue(seg, token) == seg
		if !more {
			break
		}
		rest = tail
	}
	if clean {
		return path
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = redactValue(s, token)
	}
	return strings.Join(segs, "/")
}

// redactQueryString redacts each parameter of a query, keeping its
// separators.
func redactQueryString(query, token string) string {
	var b strings.Builder
	start := 0
	for i := 0; i <= len(query); i++ {
		if i < len(query) && query[i] != '&' && query[i] != ';' {
			continue
		}
		b.WriteString(redactParam(query[start:i], token))
		if i < len(query) {
			b.WriteByte(query[i])
		}
		start = i + 1
	}
	return b.String()
}

func redactParam(p, token string) string {
	name, value, hasValue := strings.Cut(p, "=")
	if dec, err := url.QueryUnescape(name); err == nil && strings.EqualFold(dec, "token") && hasValue {
		return name + "=ANONYMIZED"
	}
	if !hasValue {
		return redactValue(name, token)
	}
	return redactValue(name, token) + "=" + redactValue(value, token)
}

// redactValue returns ANONYMIZED for a token, else v with the request's
// token cut out of it.
func redactValue(v, token string) string {
	// Without escapes, v is its own decoded form: check it once.
	dec, escaped := v, strings.IndexByte(v, '%') >= 0 || strings.IndexByte(v, '+') >= 0
	if escaped {
		if d, err := url.QueryUnescape(v); err == nil {
			dec = d
		}
	}
	if looksLikeToken(v) || escaped && looksLikeToken(dec) {
		return "ANONYMIZED"
	}
	if token != "" && (strings.Contains(v, token) || escaped && strings.Contains(dec, token)) {
		return "ANONYMIZED"
	}
	return v
}

// looksLikeToken reports whether s holds a run of at least minTokenLen
// base64 or base64url characters.
func looksLikeToken(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '+' || c == '/' || c == '=' {
			run++
			if run >= minTokenLen {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}
