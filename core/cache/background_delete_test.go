package cache

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

// A delete made while the background is writing the key lands after that
// write: a chunked list whose manifest the worker wrote after the delete
// came back, to be served again by every replica.
func TestDeleteLandsAfterTheKeysBackgroundWrite(t *testing.T) {
	tests := []struct {
		name  string
		after string // written after the delete; "" for none
	}{
		{"deleted", ""},
		{"deleted, then written again", "newer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			addr, _ := memcachedtest.Start(t)
			// A chunk reaches memcached a second late.
			var chunks atomic.Int64
			m := heldClient(t, addr, func(b []byte) time.Duration {
				line, _, _ := bytes.Cut(b, []byte("\r\n"))
				f := strings.Fields(string(line))
				if len(f) == 5 && f[0] == "set" {
					if n, _ := strconv.Atoi(f[4]); n > 64<<10 {
						chunks.Add(1)
						return time.Second
					}
				}
				return 0
			})
			list := bytes.Repeat([]byte("0123456789abcdef"), 3<<15) // 1.5 MiB: two chunks
			if err := m.Set(ctx, "list", list, time.Hour); err != nil {
				t.Fatalf("slow write: %v, want it handed to the background", err)
			}
			// The request path's first chunk, then the worker's.
			waitCount(t, &chunks, 2, "the background did not write the list")
			if err := m.Delete(ctx, "list"); err != nil {
				t.Fatal(err)
			}
			if tc.after != "" {
				if err := m.Set(ctx, "list", []byte(tc.after), time.Hour); err != nil {
					t.Fatal(err)
				}
			}
			waitWrites(t, m)
			direct := directClient(t, addr)
			got, ok, err := direct.Get(ctx, "list")
			if err != nil || ok != (tc.after != "") || string(got) != tc.after {
				t.Errorf("after the delete: ok=%v err=%v, %d bytes; want %q", ok, err, len(got), tc.after)
			}
		})
	}
}
