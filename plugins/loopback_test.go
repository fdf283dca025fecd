package plugins

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// fakeRenderer writes every field of every indicator and of the request,
// reports drops, and fails, panics or writes in odd sizes as its options ask.
type fakeRenderer struct {
	name  string
	reads renderers.Fields
}

func (f fakeRenderer) Info() renderers.Info {
	return renderers.Info{
		Name:        f.name,
		Description: "every field",
		ContentType: "text/plain; charset=utf-8",
		Extension:   ".txt",
		Types:       indicator.AllTypes(),
		Reads:       f.reads,
		Options: []renderers.Option{
			{Name: "mode", Default: "", Description: "error, panic, big-write, byte-writes, twice, stop-early, hang"},
		},
	}
}

func (f fakeRenderer) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	out := renderers.NewOut(ctx, w)
	mode := req.Options["mode"]
	fmt.Fprintf(out, "%s|%s|%s|%s|%s\n", req.Site, req.Feed, req.DataType,
		req.Generated.Format("2006-01-02T15:04:05.999999999 MST -0700"), strings.Join(slices.Sorted(maps.Keys(req.Options)), ","))
	switch mode {
	case "error":
		return errors.New("fake: refused")
	case "panic":
		panic("fake: boom")
	case "big-write":
		if _, err := w.Write(bytes.Repeat([]byte("0123456789abcdef"), 3*MaxChunk/16+5)); err != nil {
			return err
		}
	case "hang":
		<-ctx.Done()
		return ctx.Err()
	}
	n := 0
	for x := range in {
		if err := out.Next(); err != nil {
			return err
		}
		n++
		line := fmt.Sprintf("%v\t%q\t%s\t%s\t%s\t%d\t%d\t%v\n", x.Type, x.Value, x.MISPType, x.Category, x.UUID, x.EventID, x.Timestamp, x.ToIDS)
		if mode == "byte-writes" {
			for i := range len(line) {
				_ = out.WriteByte(line[i])
			}
		} else {
			out.WriteString(line)
		}
		if x.EventID%7 == 0 {
			req.Drop("event divisible by seven", 1)
		}
		if mode == "stop-early" && n == 10 {
			break
		}
	}
	if mode == "twice" {
		for x := range in {
			out.WriteString(x.Value)
		}
	}
	req.Drop("total", n)
	return out.Close()
}

type dropReport struct {
	Reason string
	Count  int
}

// renderBoth renders through r directly and through the loopback bridge.
func renderBoth(t *testing.T, r renderers.Renderer, req renderers.Request, in []indicator.Indicator) (direct, bridged result) {
	t.Helper()
	c := loopback(t, r)
	return renderOnce(r, req, in), renderOnce(c, req, in)
}

type result struct {
	out   string
	drops []dropReport
	err   error
}

func renderOnce(r renderers.Renderer, req renderers.Request, in []indicator.Indicator) result {
	var res result
	var buf bytes.Buffer
	req.Dropped = func(reason string, n int) { res.drops = append(res.drops, dropReport{reason, n}) }
	res.err = r.Render(context.Background(), &buf, req, renderers.Slice(in))
	res.out = buf.String()
	return res
}

// testIndicators returns n indicators of every type with awkward values.
func testIndicators(n int) []indicator.Indicator {
	types := indicator.AllTypes()
	out := make([]indicator.Indicator, n)
	for i := range out {
		out[i] = indicator.Indicator{
			Type:      types[i%len(types)],
			Value:     "v" + strconv.Itoa(i) + strings.Repeat("é\"|\\\n", i%5),
			MISPType:  "ip-dst",
			Category:  "Network activity",
			UUID:      fmt.Sprintf("5f0c%04x-0000-4000-8000-%012d", i%65536, i),
			EventID:   int64(i),
			Timestamp: 1_700_000_000 + int64(i),
			ToIDS:     i%2 == 0,
		}
	}
	return out
}

func TestLoopbackMatchesDirect(t *testing.T) {
	gen := time.Date(2026, 11, 22, 10, 0, 0, 5, time.FixedZone("CET", 3600))
	base := renderers.Request{Site: "misp.example", Feed: "block", DataType: "ipv4", Generated: gen, Options: map[string]string{}}
	tests := []struct {
		name string
		mode string
		in   []indicator.Indicator
	}{
		{"empty input", "", nil},
		{"one indicator", "", testIndicators(1)},
		{"one batch exactly", "", testIndicators(BatchSize)},
		{"many batches and chunks", "", testIndicators(20_000)},
		{"write larger than a chunk", "big-write", testIndicators(3)},
		{"one-byte writes", "byte-writes", testIndicators(3000)},
		{"renderer stops early", "stop-early", testIndicators(5000)},
		{"zero time", "", testIndicators(2)},
		{"huge values past the batch byte limit", "", hugeValues(3, 700<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base
			if tt.mode != "" {
				req.Options = map[string]string{"mode": tt.mode}
			}
			if tt.name == "zero time" {
				req.Generated = time.Time{}
			}
			direct, bridged := renderBoth(t, fakeRenderer{name: "fake"}, req, tt.in)
			if direct.err != nil || bridged.err != nil {
				t.Fatalf("errors: direct %v, bridged %v", direct.err, bridged.err)
			}
			if direct.out != bridged.out {
				t.Fatalf("output differs: direct %d bytes, bridged %d bytes\n%s", len(direct.out), len(bridged.out), firstDiff(direct.out, bridged.out))
			}
			if !slices.Equal(direct.drops, bridged.drops) {
				t.Fatalf("drops differ:\ndirect  %v\nbridged %v", direct.drops, bridged.drops)
			}
		})
	}
}

// TestRenderStopsTakingInputWhenCancelled cancels the render while the
// bridge takes the input (in the middle of a batch, as the renderer
// contract's cancellation check does): no indicator is taken after that,
// and Render reports the cancellation. The sender used to go on filling
// its batch until the stream's cancellation reached it, and on a fast
// machine took the whole input.
func TestRenderStopsTakingInputWhenCancelled(t *testing.T) {
	c := loopback(t, fakeRenderer{name: "fake"})
	in := testIndicators(20_000)
	for _, at := range []int{0, 1, BatchSize/2 + 3, 2 * BatchSize, 2000} {
		t.Run(strconv.Itoa(at), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			taken := 0
			seq := func(yield func(indicator.Indicator) bool) {
				for i, x := range in {
					if i == at {
						cancel()
					}
					taken++
					if !yield(x) {
						return
					}
				}
			}
			err := c.Render(ctx, io.Discard, renderers.Request{}, seq)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Render = %v, want an error wrapping context.Canceled", err)
			}
			if taken > at+1 {
				t.Fatalf("%d indicators taken after cancelling at %d, want at most %d", taken, at, at+1)
			}
		})
	}
}

// loopback runs r behind the bridge for the length of the test.
func loopback(t *testing.T, r renderers.Renderer) *Client {
	t.Helper()
	c, stop, err := Loopback(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return c
}

// TestLoopbackSendsDeclaredFields renders through the bridge with each
// declared field set: the plugin receives those fields and zero for the
// rest, exactly as if the input had been masked.
func TestLoopbackSendsDeclaredFields(t *testing.T) {
	req := renderers.Request{Site: "misp.example", Feed: "block", Options: map[string]string{}}
	in := testIndicators(3000)
	for _, reads := range []renderers.Fields{
		0,
		renderers.FieldValue,
		renderers.FieldValue | renderers.FieldTimestamp,
		renderers.FieldEventID, // FieldValue is implied
		renderers.FieldValue | renderers.FieldMISPType | renderers.FieldUUID | renderers.FieldToIDS,
		renderers.FieldValue | renderers.FieldCategory | renderers.FieldEventID,
		renderers.AllFields,
	} {
		t.Run(fmt.Sprintf("%#x", uint8(reads)), func(t *testing.T) {
			r := fakeRenderer{name: "fake", reads: reads}
			masked := make([]indicator.Indicator, len(in))
			for i, x := range in {
				masked[i] = reads.Mask(x)
			}
			want := renderOnce(r, req, masked)
			c := loopback(t, r)
			if got := c.Info().Reads; got != reads {
				t.Fatalf("Info().Reads = %#x, want %#x", got, reads)
			}
			got := renderOnce(c, req, in)
			if got.err != nil || want.err != nil {
				t.Fatalf("errors: bridged %v, direct %v", got.err, want.err)
			}
			if got.out != want.out {
				t.Fatalf("bridged output differs from the masked input's\n%s", firstDiff(want.out, got.out))
			}
			if reads != 0 && reads != renderers.AllFields && got.out == renderOnce(r, req, in).out {
				t.Fatal("the undeclared fields reached the plugin")
			}
		})
	}
}

func hugeValues(n, size int) []indicator.Indicator {
	out := make([]indicator.Indicator, n)
	for i := range out {
		out[i] = indicator.Indicator{Type: indicator.Snort, Value: strings.Repeat(string(rune('a'+i)), size)}
	}
	return out
}

func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return fmt.Sprintf("first difference at byte %d: %q vs %q", i, a[i:min(len(a), i+40)], b[i:min(len(b), i+40)])
}

func TestLoopbackInfoAndOptions(t *testing.T) {
	r := fakeRenderer{name: "fake"}
	c := loopback(t, r)
	if got, want := fmt.Sprintf("%+v", c.Info()), fmt.Sprintf("%+v", r.Info()); got != want {
		t.Fatalf("Info = %s\nwant %s", got, want)
	}
	tests := []struct {
		name    string
		opts    map[string]string
		wantErr string
	}{
		{"none", nil, ""},
		{"known", map[string]string{"mode": "x"}, ""},
		{"unknown", map[string]string{"colour": "red"}, `renderer fake: unknown option "colour" (valid: mode)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := renderers.ValidateOptions(c, tt.opts)
			if got := errString(err); got != tt.wantErr {
				t.Fatalf("ValidateOptions = %q, want %q", got, tt.wantErr)
			}
		})
	}
}
