package server

import (
	"bytes"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// TestSetHeaderLikeSet: setHeader writes the very header bytes c.Set
// writes, names as fasthttp normalizes them and values with line breaks
// included.
func TestSetHeaderLikeSet(t *testing.T) {
	app := fiber.New()
	tests := []struct {
		key   []byte
		value string
	}{
		{headerXCache, "HIT"},
		{headerETag, `"0123456789abcdef"`},
		{headerLastModified, "Thu, 03 Dec 2026 21:00:00 GMT"},
		{headerVary, "Accept-Encoding"},
		{headerEntries, "12345"},
		{headerInvalid, "0"},
		{headerETag, "\"a\"\r\nSet-Cookie: x=1"},
		{headerEntries, "1\n2"},
		{headerInvalid, ""},
	}
	for _, tc := range tests {
		if norm := fasthttp.AppendNormalizedHeaderKey(nil, string(tc.key)); !bytes.Equal(norm, tc.key) {
			t.Errorf("name %q is sent as %q", tc.key, norm)
		}
		want, got := app.AcquireCtx(&fasthttp.RequestCtx{}), app.AcquireCtx(&fasthttp.RequestCtx{})
		want.Set(string(tc.key), tc.value)
		setHeader(&got.Response().Header, tc.key, tc.value)
		if w, g := want.Response().Header.Header(), got.Response().Header.Header(); !bytes.Equal(w, g) {
			t.Errorf("%s: %q\nheaders %q\nwant    %q", tc.key, tc.value, g, w)
		}
		app.ReleaseCtx(want)
		app.ReleaseCtx(got)
	}
}
