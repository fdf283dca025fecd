package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cratos-project/cratos/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command's flags after --quick has filled in the ones not
// given.
type options struct {
	sizes       []int         // generated MISP sizes of the cold-build table
	small       int           // MISP size the ~10k-entry feed comes from
	large       int           // MISP size the ~1M-entry feed comes from
	duration    time.Duration // of each throughput run
	wrkDuration time.Duration // of each run comparing logging set-ups
	connections int           // of each throughput run
	concurrency []int         // concurrent cold requests of the memory table
	coldRepeats int           // cold builds per cell; the median is reported
	tokens      int           // fresh tokens for the first-request cost
	invalid     int           // requests with invalid tokens
	out         string
	quick       bool
	cratosBin   string
	mispsimBin  string
	dataDir     string
	seed        int64
	args        []string // as given, for the report
	// mispLoad runs only the MISP-load scenario (mispload.go), which the
	// full run includes.
	mispLoad         bool
	mispLoadSize     int           // generated MISP size of that scenario
	mispLoadInterval time.Duration // its lists' lifetime: one refresh interval
	// cold6M runs only the memory table's one-request row (--only
	// cold6m): the cold txt build of the --large MISP, o.coldRepeats
	// times, which the target row "Cold txt build, 6M-attribute MISP"
	// reads.
	cold6M bool
	// smallHits runs only the small feed's cache hits and the floor,
	// which the full run includes.
	smallHits bool
}

const usage = `Usage: cratos-bench [flags]

Load-test the real cratos binary on 127.0.0.1 against mispsim, with nginx
as the ceiling, and print a markdown report.

Flags:
  --sizes LIST        generated MISP sizes for cold builds (default 10k,100k,1M)
  --small N           MISP size of the ~10k-entry feed (default 50k)
  --large N           MISP size of the ~1M-entry feed (default 6M; 0: the
                      largest of --sizes)
  --duration D        length of each throughput run (default 10s)
  --connections N     connections of each throughput run (default 50)
  --wrk-duration D    length of each run comparing logging set-ups
                      (default 5s)
  --concurrency LIST  concurrent cold requests for the memory table
                      (default 1,10,100,500)
  --invalid N         requests with invalid tokens (default 10000)
  --out FILE          write the report to FILE (default: standard output)
  --quick             small sizes and short runs, for a smoke test (the
                      logging set-ups and the floor run 304s only)
  --cratos PATH       use this cratos binary instead of building one
  --mispsim PATH      use this mispsim binary instead of building one
  --data DIR          give mispsim real data (warninglists, value pools);
                      default: generated data only, as on a fresh clone
  --seed S            seed of the generated data (default 1)
  --misp-load         run only the MISP-load scenario: 3 replicas sharing
                      memcached, restSearch requests and attributes MISP
                      returned per step, refresh latency (the full run
                      includes it; needs memcached)
  --misp-load-size N  MISP size of that scenario (default 1M)
  --small-hits        run only the small feed's cache hits against nginx
                      and the floor (the full run includes them)
  --misp-load-interval D
                      its refresh interval, the lists' lifetime (default 60s)
  --only cold6m       run only the cold txt build of the --large MISP by a
                      fresh cratos (the memory table's first row, and its
                      target row "Cold txt build, 6M-attribute MISP")
  --version           print the version
  --help              show this help

wrk and nginx must be installed (Debian packages wrk and nginx-light; run
scripts/install-tools.sh as root).
`

// parseOptions reads the flags; --quick supplies smaller defaults for the
// flags that are not given.
func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("cratos-bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sizes := fs.String("sizes", "10k,100k,1M", "")
	small := fs.String("small", "50k", "")
	large := fs.String("large", "6M", "")
	duration := fs.Duration("duration", 10*time.Second, "")
	connections := fs.Int("connections", 50, "")
	wrkDuration := fs.Duration("wrk-duration", 5*time.Second, "")
	concurrency := fs.String("concurrency", "1,10,100,500", "")
	invalid := fs.String("invalid", "10000", "")
	out := fs.String("out", "", "")
	quick := fs.Bool("quick", false, "")
	cratosBin := fs.String("cratos", "", "")
	mispsimBin := fs.String("mispsim", "", "")
	dataDir := fs.String("data", "", "")
	seed := fs.Int64("seed", 1, "")
	mispLoad := fs.Bool("misp-load", false, "")
	mispLoadSize := fs.String("misp-load-size", "1M", "")
	mispLoadInterval := fs.Duration("misp-load-interval", time.Minute, "")
	only := fs.String("only", "", "")
	smallHits := fs.Bool("small-hits", false, "")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *quick {
		quickDefaults := map[string]func(){
			"sizes":              func() { *sizes = "5k,20k" },
			"small":              func() { *small = "5k" },
			"large":              func() { *large = "0" },
			"duration":           func() { *duration = time.Second },
			"wrk-duration":       func() { *wrkDuration = time.Second },
			"connections":        func() { *connections = 16 },
			"concurrency":        func() { *concurrency = "1,10,50" },
			"invalid":            func() { *invalid = "2000" },
			"misp-load-size":     func() { *mispLoadSize = "20k" },
			"misp-load-interval": func() { *mispLoadInterval = 3 * time.Second },
		}
		for name, apply := range quickDefaults {
			if !set[name] {
				apply()
			}
		}
	}
	o := options{
		duration: *duration, wrkDuration: *wrkDuration, connections: *connections, out: *out, quick: *quick,
		cratosBin: *cratosBin, mispsimBin: *mispsimBin, dataDir: *dataDir, seed: *seed,
		coldRepeats: 3, tokens: 10, args: args, mispLoad: *mispLoad, mispLoadInterval: *mispLoadInterval,
		smallHits: *smallHits,
	}
	if *quick {
		o.coldRepeats, o.tokens = 1, 3
	}
	switch *only {
	case "":
	case "cold6m":
		o.cold6M = true
	default:
		return options{}, fmt.Errorf("--only %q: want cold6m", *only)
	}
	var err error
	if o.sizes, err = parseCounts(*sizes, 1); err != nil {
		return options{}, fmt.Errorf("--sizes: %w", err)
	}
	if o.small, err = parseCount(*small, 1); err != nil {
		return options{}, fmt.Errorf("--small: %w", err)
	}
	if o.large, err = parseCount(*large, 0); err != nil {
		return options{}, fmt.Errorf("--large: %w", err)
	}
	if o.concurrency, err = parseCounts(*concurrency, 1); err != nil {
		return options{}, fmt.Errorf("--concurrency: %w", err)
	}
	if o.mispLoadSize, err = parseCount(*mispLoadSize, 1000); err != nil {
		return options{}, fmt.Errorf("--misp-load-size: %w", err)
	}
	if o.mispLoadInterval < time.Second || o.mispLoadInterval > time.Hour || o.mispLoadInterval%time.Second != 0 {
		return options{}, fmt.Errorf("--misp-load-interval %s: want whole seconds, 1s to 1h", o.mispLoadInterval)
	}
	if o.invalid, err = parseCount(*invalid, 1); err != nil {
		return options{}, fmt.Errorf("--invalid: %w", err)
	}
	if scenarios := btoi(o.mispLoad) + btoi(o.smallHits) + btoi(o.cold6M); scenarios > 1 {
		return options{}, errors.New("--misp-load, --small-hits and --only each run one scenario: give one")
	}
	if o.duration < time.Second || o.duration > 10*time.Minute {
		return options{}, fmt.Errorf("--duration %s: want 1s to 10m", o.duration)
	}
	if o.wrkDuration < time.Second || o.wrkDuration > 10*time.Minute {
		return options{}, fmt.Errorf("--wrk-duration %s: want 1s to 10m", o.wrkDuration)
	}
	if o.connections < 1 || o.connections > 10000 {
		return options{}, fmt.Errorf("--connections %d: want 1 to 10000", o.connections)
	}
	return o, nil
}

// parseCount reads a count such as 500, 10k or 1M that is at least least.
func parseCount(s string, least int) (int, error) {
	s = strings.TrimSpace(s)
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"), strings.HasSuffix(s, "K"):
		mult, s = 1_000, s[:len(s)-1]
	case strings.HasSuffix(s, "M"), strings.HasSuffix(s, "m"):
		mult, s = 1_000_000, s[:len(s)-1]
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100_000_000/mult {
		return 0, fmt.Errorf("%q is not a count like 500, 10k or 1M", s)
	}
	if n*mult < least {
		return 0, fmt.Errorf("%d is below %d", n*mult, least)
	}
	return n * mult, nil
}

// parseCounts reads a comma-separated list of counts.
func parseCounts(s string, least int) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := parseCount(part, least)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// run is the command: it returns 0 when every scenario ran (targets may be
// missed), 1 when one failed, 2 for a bad invocation or missing tools.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == floorCommand {
		return runFloor(ctx, args[1:], stderr)
	}
	if slices.Contains(args, "--version") || slices.Contains(args, "-version") {
		fmt.Fprintln(stdout, "cratos-bench", version.String())
		return 0
	}
	o, err := parseOptions(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "cratos-bench: %v (see --help)\n", err)
		return 2
	}
	b, err := newBench(ctx, o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "cratos-bench: %v\n", err)
		return 2
	}
	defer b.close()
	rep := b.runAll(ctx)
	var w io.Writer = stdout
	if o.out != "" {
		f, err := os.Create(o.out)
		if err != nil {
			fmt.Fprintf(stderr, "cratos-bench: %v\n", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	if err := rep.write(w); err != nil {
		fmt.Fprintf(stderr, "cratos-bench: write report: %v\n", err)
		return 1
	}
	if len(rep.Errors) > 0 {
		for _, e := range rep.Errors {
			fmt.Fprintf(stderr, "cratos-bench: %s\n", e)
		}
		return 1
	}
	return 0
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
