package renderers_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/cratos-project/cratos/renderers"
)

// failingWriter fails every write.
type failingWriter struct{}

var errWrite = errors.New("write failed")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestOutClose(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		failing bool
		want    string
		err     error // of both Closes
	}{
		{"flushed", context.Background(), false, "a\nb\n", nil},
		{"writer fails", context.Background(), true, "", errWrite},
		{"context ended", cancelled, false, "", context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			o := renderers.NewOut(tc.ctx, &buf)
			if tc.failing {
				o = renderers.NewOut(tc.ctx, failingWriter{})
			}
			o.WriteString("a\n")
			_, _ = o.Write([]byte("b\n"))
			for i := range 2 {
				if err := o.Close(); !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
					t.Fatalf("Close %d: %v, want %v", i+1, err, tc.err)
				}
			}
			if buf.String() != tc.want {
				t.Fatalf("wrote %q, want %q", buf.String(), tc.want)
			}
			o.WriteString("late\n")
			if _, err := o.Write([]byte("late\n")); err == nil {
				t.Fatal("Write after Close succeeded")
			}
			if err := o.WriteByte('x'); err == nil {
				t.Fatal("WriteByte after Close succeeded")
			}
			if o.Next() == nil || o.Err() == nil {
				t.Fatalf("Next and Err after Close: %v, %v; want errors", o.Next(), o.Err())
			}
			if tc.err == nil && !errors.Is(o.Err(), renderers.ErrOutClosed) {
				t.Fatalf("Err after a clean Close: %v, want ErrOutClosed", o.Err())
			}
			if buf.String() != tc.want {
				t.Fatalf("writes after Close reached the writer: %q", buf.String())
			}
		})
	}
}

// An Out whose buffer a closed Out used (the pool hands buffers on)
// writes only its own bytes, even when the earlier one ended unflushed.
func TestOutBufferHandedOnCarriesNothing(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 100 {
		var dropped bytes.Buffer
		o := renderers.NewOut(cancelled, &dropped)
		o.WriteString("unflushed secret\n")
		_ = o.Close()

		var buf bytes.Buffer
		o = renderers.NewOut(context.Background(), &buf)
		o.WriteString("own\n")
		if err := o.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != "own\n" || dropped.Len() != 0 {
			t.Fatalf("wrote %q and %q, want %q and nothing", buf.String(), dropped.String(), "own\n")
		}
	}
}
