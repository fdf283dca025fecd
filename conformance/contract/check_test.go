package contract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// lines is a minimal conforming renderer: one value per line, with an
// "upper" option.
type lines struct{}

func (lines) Info() renderers.Info {
	return renderers.Info{
		Name: "lines", Description: "one value per line", ContentType: "text/plain; charset=utf-8",
		Extension: ".txt", Types: indicator.AllTypes(),
		Options: []renderers.Option{{Name: "upper", Default: "false", Description: "upper-case values"}},
	}
}

func (l lines) ValidateOptions(opts map[string]string) error {
	if err := renderers.CheckOptionNames(l.Info(), opts); err != nil {
		return err
	}
	if v, ok := opts["upper"]; ok && v != "true" && v != "false" {
		return fmt.Errorf("lines: option upper: %q", v)
	}
	return nil
}

func (lines) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	o := renderers.NewOut(ctx, w)
	multi := 0
	for i := range in {
		if o.Next() != nil {
			break
		}
		if i.MultiLine() {
			multi++
			continue
		}
		v := i.Value
		if req.Options["upper"] == "true" {
			v = strings.ToUpper(v)
		}
		o.WriteString(v + "\n")
	}
	if err := o.Close(); err != nil {
		return fmt.Errorf("lines: %w", err)
	}
	req.Drop("multi-line value", multi)
	return nil
}

// broken wraps lines with one defect.
type broken struct {
	lines
	info     func(renderers.Info) renderers.Info
	validate func(map[string]string) error
	render   func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error
}

func (b broken) Info() renderers.Info {
	if b.info != nil {
		return b.info(b.lines.Info())
	}
	return b.lines.Info()
}

func (b broken) ValidateOptions(opts map[string]string) error {
	if b.validate != nil {
		return b.validate(opts)
	}
	return renderers.ValidateOptions(b.lines, opts)
}

func (b broken) Render(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
	if b.render != nil {
		return b.render(ctx, w, req, in)
	}
	return b.lines.Render(ctx, w, req, in)
}

// failures returns the messages of a joined Check error.
func failures(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// failedChecks returns the sorted, distinct check names of the failures.
func failedChecks(t *testing.T, name string, err error) []string {
	t.Helper()
	var out []string
	for _, msg := range failures(err) {
		rest, ok := strings.CutPrefix(msg, "conformance: "+name+": ")
		if !ok {
			t.Fatalf("failure %q lacks the prefix for %s", msg, name)
		}
		check, _, _ := strings.Cut(rest, ": ")
		out = append(out, check)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestCheckPasses(t *testing.T) {
	if err := Check(context.Background(), lines{}); err != nil {
		t.Fatalf("Check(lines) = %v", err)
	}
}

func TestCheckFindsDefects(t *testing.T) {
	var counter atomic.Int64
	tests := []struct {
		name   string
		r      broken
		checks []string // failed checks, sorted
		msgs   []string // substrings, one per expected failure message
	}{
		{
			name: "bad info",
			r: broken{info: func(i renderers.Info) renderers.Info {
				i.Name, i.Description, i.ContentType, i.Extension = "Bad_Name", "", "not a type", "txt"
				i.Types = []indicator.Type{indicator.Invalid, indicator.IPv4, indicator.IPv4, indicator.Type(200)}
				i.Options = append(i.Options, i.Options[0], renderers.Option{})
				return i
			}},
			checks: []string{"info"},
			msgs: []string{
				`Name "Bad_Name" must match`, `Description "" must be one non-empty line`,
				`ContentType "not a type"`, `Extension "txt" must start with '.'`,
				"Types lists indicator.Invalid", "Types lists ipv4 twice", "Types lists unknown type 200",
				`option "upper" is declared twice`, "an option has an empty name",
			},
		},
		{
			name: "reads an undeclared field",
			r: broken{
				info: func(i renderers.Info) renderers.Info { i.Reads = renderers.FieldValue; return i },
				render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
					for i := range in {
						if err := ctx.Err(); err != nil {
							return err
						}
						if _, err := fmt.Fprintf(w, "%s %s\n", i.Value, i.UUID); err != nil {
							return err
						}
					}
					return nil
				},
			},
			checks: []string{"reads"},
			msgs:   []string{"the output changes when the fields outside Reads are zero"},
		},
		{
			name:   "unknown field bits",
			r:      broken{info: func(i renderers.Info) renderers.Info { i.Reads = 0x80 | renderers.FieldValue; return i }},
			checks: []string{"reads"},
			msgs:   []string{"Reads 0x81 holds unknown field bits"},
		},
		{
			name:   "no types",
			r:      broken{info: func(i renderers.Info) renderers.Info { i.Types = nil; return i }},
			checks: []string{"info"},
			msgs:   []string{"Types is empty"},
		},
		{
			name: "nondeterministic",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				if err := (lines{}).Render(ctx, w, req, in); err != nil {
					return err
				}
				_, err := fmt.Fprintf(w, "# %d\n", counter.Add(1))
				return err
			}},
			checks: []string{"concurrency", "determinism", "empty input", "options"},
		},
		{
			name: "ignores cancellation",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				bw := bufio.NewWriter(w)
				for i := range in {
					if !i.MultiLine() {
						if _, err := bw.WriteString(i.Value + "\n"); err != nil {
							return err
						}
					}
				}
				return bw.Flush()
			}},
			checks: []string{"cancellation"},
			msgs:   []string{"context cancelled before Render: Render returned nil", "context cancelled during Render: Render returned nil"},
		},
		{
			name: "notices cancellation only at the end",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				for range in {
				}
				return ctx.Err()
			}},
			checks: []string{"cancellation"},
			msgs:   []string{"before Render: Render consumed all 20000 indicators", "during Render: Render consumed all 20000 indicators"},
		},
		{
			name: "swallows write errors",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				err := (lines{}).Render(ctx, w, req, in)
				if errors.Is(err, context.Canceled) {
					return err
				}
				return nil
			}},
			checks: []string{"write failure"},
			msgs: []string{
				"sample: writer failing after 0 of", "sample: writer failing after 2", // half of the sample output
				"large input: writer failing after 0 of", "large input: writer failing after",
			},
		},
		{
			name:   "accepts unknown options",
			r:      broken{validate: func(map[string]string) error { return nil }},
			checks: []string{"options"},
			msgs:   []string{`ValidateOptions accepted the undeclared option "no-such-option"`},
		},
		{
			name:   "rejects its default",
			r:      broken{validate: func(map[string]string) error { return errors.New("no") }},
			checks: []string{"options"},
			msgs:   []string{`ValidateOptions rejected option "upper" with its own default "false": no`},
		},
		{
			name: "default is not the default",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				if _, set := req.Options["upper"]; set {
					req.Options = map[string]string{"upper": "true"}
				}
				return (lines{}).Render(ctx, w, req, in)
			}},
			checks: []string{"options"},
			msgs:   []string{"output with every option set to its declared Default differs"},
		},
		{
			name: "panics on one data type",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				if req.DataType == "yara" {
					panic("no yara here")
				}
				return (lines{}).Render(ctx, w, req, in)
			}},
			checks: []string{"data type yara"},
			msgs:   []string{"renderer panicked in Render: no yara here"},
		},
		{
			name: "reports drops inconsistently",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				req.Drop("mood", int(counter.Add(1)))
				return (lines{}).Render(ctx, w, req, in)
			}},
			checks: []string{"determinism"},
			msgs:   []string{"two renders of the same input report different drops"},
		},
		{
			name: "names the values it drops",
			r: broken{render: func(ctx context.Context, w io.Writer, req renderers.Request, in iter.Seq[indicator.Indicator]) error {
				var seen []indicator.Indicator
				err := (lines{}).Render(ctx, w, req, func(yield func(indicator.Indicator) bool) {
					for i := range in {
						seen = append(seen, i)
						if !yield(i) {
							return
						}
					}
				})
				for _, i := range seen {
					req.Drop("left out "+i.Value, 1)
				}
				return err
			}},
			checks: []string{"drop reasons"},
			msgs:   []string{"distinct drop reasons, more than 64", "drop reason of 416 bytes, more than 200"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.r.Info().Name
			err := Check(context.Background(), tt.r)
			if got := failedChecks(t, name, err); !slices.Equal(got, tt.checks) {
				t.Fatalf("failed checks = %q, want %q; errors:\n%v", got, tt.checks, err)
			}
			msgs := failures(err)
			if tt.msgs != nil && len(msgs) != len(tt.msgs) {
				t.Errorf("%d failures, want %d:\n%s", len(msgs), len(tt.msgs), strings.Join(msgs, "\n"))
			}
			for _, want := range tt.msgs {
				if !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, want) }) {
					t.Errorf("no failure mentions %q; got:\n%s", want, strings.Join(msgs, "\n"))
				}
			}
		})
	}
}

func TestCheckStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Check(ctx, lines{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Check with a cancelled context = %v, want an error wrapping context.Canceled", err)
	}
	if got := failedChecks(t, "lines", err); !slices.Equal(got, []string{"check"}) {
		t.Fatalf("failed checks = %q, want [check]", got)
	}
}

func TestCheckInfoPanics(t *testing.T) {
	r := broken{info: func(renderers.Info) renderers.Info { panic("boom") }}
	err := Check(context.Background(), r)
	want := "conformance: contract.broken: info: renderer panicked in Info: boom"
	if err == nil || err.Error() != want {
		t.Fatalf("Check = %v, want %q", err, want)
	}
}

func TestFailingWriter(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		writes []string
		ns     []int
		errs   []bool
	}{
		{"fails at once", 0, []string{"abc"}, []int{0}, []bool{true}},
		{"fails mid-write", 4, []string{"abc", "def", "g"}, []int{3, 1, 0}, []bool{false, true, true}},
		{"exact fit", 3, []string{"abc", "d"}, []int{3, 0}, []bool{false, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &failingWriter{limit: tt.limit}
			for i, s := range tt.writes {
				n, err := w.Write([]byte(s))
				if n != tt.ns[i] || (err != nil) != tt.errs[i] || (err != nil && !errors.Is(err, ErrCheckWriter)) {
					t.Errorf("write %d (%q) = %d, %v; want %d, error %v", i, s, n, err, tt.ns[i], tt.errs[i])
				}
			}
		})
	}
}
