package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/cache/memcachedtest"
)

func TestNewMemcachedOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr bool
	}{
		{"defaults", Options{Servers: []string{"127.0.0.1:11211"}}, false},
		{"cluster", Options{Servers: []string{"127.0.0.1:11211", "127.0.0.1:11212"}, KeyPrefix: "cratos:"}, false},
		{"no servers", Options{}, true},
		{"bad address", Options{Servers: []string{"no port"}}, true},
		{"tiny items", Options{Servers: []string{"127.0.0.1:11211"}, MaxItemSize: 100}, true},
		{"prefix with space", Options{Servers: []string{"127.0.0.1:11211"}, KeyPrefix: "a b"}, true},
		{"prefix too long", Options{Servers: []string{"127.0.0.1:11211"}, KeyPrefix: strings.Repeat("p", 101)}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMemcached(tc.opts)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "cache: new memcached") {
					t.Errorf("error lacks the operation prefix: %v", err)
				}
				return
			}
			if m.chunkSize != DefaultMemcachedMaxItemSize-itemOverhead || m.client.Timeout != DefaultMemcachedTimeout ||
				m.client.MaxIdleConns != DefaultMemcachedMaxIdleConns {
				t.Errorf("defaults not applied: chunk %d timeout %v idle %d", m.chunkSize, m.client.Timeout, m.client.MaxIdleConns)
			}
			k := m.itemKey(strings.Repeat("long key with spaces ", 100))
			if len(k) > 250 || strings.ContainsAny(k, " \t\r\n") {
				t.Errorf("item key %q is not a legal memcached key", k)
			}
		})
	}
}

func TestCheckCredentials(t *testing.T) {
	tests := []struct {
		user, pass string
		wantErr    bool
	}{
		{"", "", false},
		{"cratos", "", true},
		{"", "secret", true},
		{"cratos", "secret", true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("user=%q", tc.user), func(t *testing.T) {
			err := CheckCredentials(tc.user, tc.pass)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if err == nil {
				return
			}
			if !errors.Is(err, ErrSASLUnsupported) {
				t.Errorf("err = %v, want ErrSASLUnsupported", err)
			}
			if tc.pass != "" && strings.Contains(err.Error(), tc.pass) {
				t.Error("the password appears in the error")
			}
		})
	}
}

func BenchmarkMemcachedGet(b *testing.B) {
	m, _, _ := newTestMemcached(b)
	ctx := context.Background()
	for _, size := range []int{10 << 10, 5 << 20} {
		b.Run(fmt.Sprintf("%dKB", size>>10), func(b *testing.B) {
			key := fmt.Sprintf("bench %d", size)
			if err := m.Set(ctx, key, randomBytes(size), time.Hour); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if _, ok, err := m.Get(ctx, key); !ok || err != nil {
					b.Fatalf("get: %v %v", ok, err)
				}
			}
		})
	}
}

func splitPort(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	return host, port, err
}

func TestMemcachedCluster(t *testing.T) {
	addr1, _ := memcachedtest.Start(t)
	addr2, _ := memcachedtest.Start(t)
	m, err := NewMemcached(Options{Servers: []string{addr1, addr2}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	one := dial(t, addr1)
	ctx := context.Background()
	value := randomBytes(8 << 20)
	if err := m.Set(ctx, "spread", value, time.Minute); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := m.Get(ctx, "spread"); !ok || err != nil || !bytes.Equal(got, value) {
		t.Fatalf("cluster round trip: %v %v", ok, err)
	}
	mf := rawManifest(t, m, "spread")
	onFirst, _ := one.client.GetMulti(mf.chunkKeys(m.itemKey("spread")))
	if len(onFirst) == 0 || len(onFirst) == int(mf.count) {
		t.Errorf("%d of %d chunks on the first server, want them spread", len(onFirst), mf.count)
	}
}
