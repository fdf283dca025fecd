package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/state"
)

// durableFixture is a record with the state file the encoder that built
// the whole payload in one slice wrote for it: its length and SHA-256.
type durableFixture struct {
	name string
	rec  durableRecord
	size int
	sum  string
}

func durableFixtures() []durableFixture {
	small := []byte("192.0.2.1\n198.51.100.7\n")
	large := bytes.Repeat([]byte("203.0.113.0/24\n"), 5000) // a 3-byte length
	digest := [32]byte{}
	for i := range digest {
		digest[i] = byte(i + 1)
	}
	return []durableFixture{
		{"every field set", durableRecord{key: "feed/any/ipv4/txt", digest: digest, since: time.Unix(1700000000, 123), serial: 2026120301,
			a: &Artifact{Body: small, ETag: ETagOf(small), ContentType: "text/plain; charset=utf-8", Generated: time.Unix(1700000000, 0),
				Fetched: time.Unix(1700000100, 0), Entries: 2, Invalid: 1, KeptNets: 4, Dropped: map[string]int{"never_block": 3, "cap": 1},
				Input: 300, HasInput: true}},
			273, "efe2a13d2e61f2a11d3fee90caacf277c21a2a330976111b1958e16ee63cfba3"},
		{"no content state, large body", durableRecord{key: "k2",
			a: &Artifact{Body: large, ETag: ETagOf(large), ContentType: "text/plain", Generated: time.Unix(1, 0), Entries: 5000}},
			75182, "af84365cf0de3a08abb568a1527e387464faca11bac9409daf96673718361743"},
	}
}

// legacyRecord is the payload as it was encoded before, in one slice.
func legacyRecord(rec durableRecord) []byte {
	art := encodeArtifact(rec.a)
	e := encoder{b: make([]byte, 0, 64+len(rec.key)+len(art))}
	e.b = append(e.b, durableMagic...)
	e.str(rec.key)
	e.str(string(rec.digest[:]))
	e.varint(fetchedNano(rec.since))
	e.uvarint(uint64(rec.serial))
	e.str(string(art))
	return e.b
}

func openState(t testing.TB) (*state.Dir, string) {
	dir := t.TempDir()
	d, err := state.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d, dir
}

func TestDurableFileFormat(t *testing.T) {
	for _, fx := range durableFixtures() {
		t.Run(fx.name, func(t *testing.T) {
			d, dir := openState(t)
			if err := writeRecord(d, "streamed", fx.rec); err != nil {
				t.Fatal(err)
			}
			if err := d.Write("one-slice", legacyRecord(fx.rec)); err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(filepath.Join(dir, "streamed"))
			old, _ := os.ReadFile(filepath.Join(dir, "one-slice"))
			if !bytes.Equal(got, old) {
				t.Fatalf("streamed file (%d bytes) differs from the one-slice encoding (%d bytes)", len(got), len(old))
			}
			if sum := sha256.Sum256(got); len(got) != fx.size || hex.EncodeToString(sum[:]) != fx.sum {
				t.Fatalf("file of %d bytes, sha256 %x; want %d bytes, %s", len(got), sum, fx.size, fx.sum)
			}

			payload, ok, err := d.Read("streamed")
			if !ok || err != nil {
				t.Fatalf("Read: %v %v", ok, err)
			}
			back, err := decodeRecord(fx.rec.key, payload)
			if err != nil {
				t.Fatal(err)
			}
			want, a := fx.rec, back.a
			if back.key != want.key || back.digest != want.digest || !back.since.Equal(want.since) || back.serial != want.serial {
				t.Fatalf("content state read back %q %x %v %d, want %q %x %v %d", back.key, back.digest, back.since, back.serial, want.key, want.digest, want.since, want.serial)
			}
			w := want.a
			if !bytes.Equal(a.Body, w.Body) || a.ETag != w.ETag || a.ContentType != w.ContentType || !a.Generated.Equal(w.Generated) ||
				!a.Fetched.Equal(w.Fetched) || a.Entries != w.Entries || a.Invalid != w.Invalid || a.KeptNets != w.KeptNets || !maps.Equal(a.Dropped, w.Dropped) ||
				a.Input != w.Input || a.HasInput != w.HasInput {
				t.Fatalf("artifact read back %+v, want %+v", a, w)
			}
			if cap(a.Body) != len(a.Body) {
				t.Fatalf("body read back has capacity %d past its %d bytes: an append would write into the file's buffer", cap(a.Body), len(a.Body))
			}
		})
	}
}

func TestDecodeRecordRefusesDamage(t *testing.T) {
	rec := durableFixtures()[0].rec
	good := legacyRecord(rec)
	if _, err := decodeRecord(rec.key, good); err != nil {
		t.Fatalf("intact record refused: %v", err)
	}
	flipped := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x20
		return b
	}
	type damaged struct {
		name, key string
		payload   []byte
	}
	cases := []damaged{
		{"another key", "feed/any/ipv6/txt", good},
		{"a byte more", rec.key, append(bytes.Clone(good), 0)},
		{"body changed (ETag no longer matches)", rec.key, flipped(len(good) - 2)},
		{"other magic", rec.key, flipped(0)},
	}
	for n := range len(good) {
		cases = append(cases, damaged{"truncated", rec.key, good[:n]})
	}
	for _, tc := range cases {
		if got, err := decodeRecord(tc.key, tc.payload); err != errCorrupt {
			t.Errorf("%s (%d bytes): %+v, %v; want errCorrupt", tc.name, len(tc.payload), got, err)
		}
	}
}

// allocatedBy returns the fewest bytes f allocated in three runs (other
// goroutines of the test binary can only add to one run's count).
func allocatedBy(t *testing.T, f func() error) uint64 {
	least := ^uint64(0)
	for range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := f(); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

func TestDurableWriteAndLoadMakeNoCopyOfTheBody(t *testing.T) {
	body := bytes.Repeat([]byte("203.0.113.0/24\n"), 16<<20/15)
	rec := durableRecord{key: "feed/any/ipv4/txt", serial: 7, a: &Artifact{Body: body, ETag: ETagOf(body), ContentType: "text/plain", Generated: time.Unix(1, 0)}}
	d, _ := openState(t)
	svc := New(Options{State: d})
	name := durableName(rec.key)

	written := allocatedBy(t, func() error { return writeRecord(d, name, rec) })
	if written > 1<<20 {
		t.Errorf("writing a %d-byte list allocated %d bytes, want under 1 MiB", len(body), written)
	}
	var loaded *Artifact
	read := allocatedBy(t, func() error {
		r, ok := svc.readDurable(rec.key)
		if !ok {
			return errCorrupt
		}
		loaded = r.a
		return nil
	})
	// The file is read once; its body is not copied again.
	if limit := uint64(len(body)) + 1<<20; read > limit {
		t.Errorf("loading a %d-byte list allocated %d bytes, want under %d", len(body), read, limit)
	}
	if !bytes.Equal(loaded.Body, body) {
		t.Error("loaded list differs from the one written")
	}
	t.Logf("%d-byte list: write allocated %d bytes, load %d", len(body), written, read)
}

// BenchmarkDurableWrite64MiB writes the last good list of a 64 MiB
// artifact: encoded in one slice, then written (as before), and
// streamed from the artifact's bytes. See B/op.
func BenchmarkDurableWrite64MiB(b *testing.B) {
	body := bytes.Repeat([]byte("203.0.113.0/24\n"), 64<<20/15)
	rec := durableRecord{key: "feed/any/ipv4/stix21", a: &Artifact{Body: body, ETag: ETagOf(body), ContentType: "application/json", Generated: time.Unix(1, 0)}}
	d, _ := openState(b)
	for _, bc := range []struct {
		name  string
		write func() error
	}{
		{"one-slice", func() error { return d.Write("list-x", legacyRecord(rec)) }},
		{"streamed", func() error { return writeRecord(d, "list-x", rec) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for range b.N {
				if err := bc.write(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDurableLoad64MiB reads back the last good list of a 64 MiB
// artifact from its state file. See B/op.
func BenchmarkDurableLoad64MiB(b *testing.B) {
	body := bytes.Repeat([]byte("203.0.113.0/24\n"), 64<<20/15)
	rec := durableRecord{key: "feed/any/ipv4/stix21", a: &Artifact{Body: body, ETag: ETagOf(body), ContentType: "application/json", Generated: time.Unix(1, 0)}}
	d, _ := openState(b)
	if err := writeRecord(d, durableName(rec.key), rec); err != nil {
		b.Fatal(err)
	}
	svc := New(Options{State: d})
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, ok := svc.readDurable(rec.key); !ok {
			b.Fatal("not loaded")
		}
	}
}
