package mispsim

import (
	"strconv"

	"github.com/cratos-project/cratos/internal/jsonstr"
)

// appendJSONString appends s as a JSON string the way MISP's encoder writes
// it: slashes and non-ASCII characters are left as they are, control
// characters, quotes and backslashes are escaped, U+2028/U+2029 are escaped,
// and invalid UTF-8 is replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte { return jsonstr.AppendPHP(b, s) }

// appendQuotedInt appends n as a JSON string ("42"), as MISP returns ids
// and timestamps.
func appendQuotedInt(b []byte, n int64) []byte {
	b = append(b, '"')
	b = strconv.AppendInt(b, n, 10)
	return append(b, '"')
}

// appendNullableString appends s as a JSON string, or null when s is empty.
func appendNullableString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}
