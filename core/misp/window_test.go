package misp

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
)

// TestStreamWindow checks the window an answer is read through: it stays
// small for a small answer, doubles up to its most while the answer fills
// it, grows beyond that only for a value that does not fit, and the
// attributes given are the same whatever it does.
func TestStreamWindow(t *testing.T) {
	attrs := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(`{"type":"ip-dst","value":"192.0.2.%d","uuid":"u-%d","event_id":"%d"}`, i%256, i, i/100)
		}
		return out
	}
	long := strings.Repeat("a", 3*pageWindow)
	for _, tc := range []struct {
		name        string
		body        []byte
		piece       int // bytes a read returns at the most
		window      int // the window's capacity given (0: none)
		most        int
		wantCap     int
		wantAtLeast bool // wantCap is a floor, not the capacity
	}{
		{name: "small answer, no window", body: attrPage(attrs(3)...), piece: 1 << 20, most: pageWindow, wantCap: firstWindow},
		{name: "long answer doubles to its most", body: attrPage(attrs(20_000)...), piece: 4096, most: pageWindow, wantCap: pageWindow},
		{name: "long answer, most the window given", body: attrPage(attrs(20_000)...), piece: 4096, window: 512, most: 512, wantCap: 512},
		{name: "a window above most is kept", body: attrPage(attrs(20_000)...), piece: 4096, window: 2 * pageWindow, most: pageWindow, wantCap: 2 * pageWindow},
		{name: "a value longer than most", body: attrPage(`{"type":"url","value":"` + long + `"}`), piece: 4096, most: pageWindow, wantCap: len(long), wantAtLeast: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []indicator.Attribute
			n, win, readErr, err := decodeStream(&pieces{b: tc.body, n: tc.piece}, make([]byte, 0, tc.window), tc.most,
				func(a indicator.Attribute) { got = append(got, a.Own()) })
			if readErr != nil || err != nil {
				t.Fatalf("decodeStream: %v, %v", readErr, err)
			}
			if tc.wantAtLeast && cap(win) < tc.wantCap || !tc.wantAtLeast && cap(win) != tc.wantCap {
				t.Errorf("window capacity %d, want %d (at least: %t)", cap(win), tc.wantCap, tc.wantAtLeast)
			}
			whole := decodeWith(decodeWhole, tc.body)
			if !sameDecoded(decoded{attrs: got, n: n}, whole) {
				t.Errorf("streamed %d attributes, whole %d (error %q): they differ", n, whole.n, whole.err)
			}
		})
	}
}
