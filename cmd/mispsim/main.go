// Command mispsim serves the MISP REST API emulator of package
// conformance/mispsim on its own, for demos, manual tests and benchmarks.
//
//	mispsim --listen 127.0.0.1:8081 --data ../shared/data --tag-prefix cratos --generate 100000
//
// Without --key it accepts the public demo key mispsim.DefaultKey. A bad
// flag or unreadable data prints one line on stderr and exits with code 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cratos-project/cratos/conformance/mispsim"
	"github.com/cratos-project/cratos/internal/version"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Usage: mispsim [flags]

Serve an emulated MISP 2.5 REST API (restSearch, getVersion, users/view/me,
describeTypes, attributeStatistics, warninglists, events/view), MISP's write
API (events/add, edit, publish, unpublish, addTag, removeTag; attributes/add,
edit, delete, addTag, removeTag) and the emulator's own counters at
GET /mispsim/stats (POST /mispsim/stats/reset zeroes them).

Flags:
  --listen ADDR      address to listen on (default 127.0.0.1:8081)
  --key KEY          API key clients must send in Authorization
                     (default: the public demo key ` + mispsim.DefaultKey + `);
                     the key of user 1 of organisation 1
  --user KEY,ID,ORG,EMAIL  another API user: its key, user id, organisation
                     id and e-mail (/users/view/me); repeat for more users,
                     and give one id several keys for a key rotation
  --unpublished-private  MISP.unpublishedprivate: an event is seen by
                     keys of other organisations than its owner's only
                     while published (events added through the API are
                     owned by the writer's organisation)
  --sharing-group ID,ORG[,ORG...]  a sharing group and the ids of its
                     organisations; repeat for more groups. Other
                     organisations than an event's owner see an event or
                     attribute with distribution 4 only through a group
                     they are in, and none with distribution 0
  --data DIR         folder with MISP event files (or misp-events/),
                     warninglists/ and indicators/
  --generate N       add N generated attributes (default 0)
  --seed S           seed for generated data (default 1)
  --types T1,T2      generate only these MISP types (e.g. ip-dst,ip-src)
  --tag-prefix P     tag loaded events P:incident-classification=<class>
  --gzip             gzip responses for clients that accept it
  --version          print the version
  --delay DURATION   delay every restSearch answer (e.g. 2s)
  --clock-offset D   run the emulated MISP's clock D off this machine's
                     (e.g. -10m, 2h): the timestamps of its writes and the
                     Date of its answers, as a MISP whose clock is wrong
  --unordered-plans  read the pages of a restSearch without an order in an
                     order that changes from page to page, as MySQL may
  --memory-limit-mb N  read restSearch pages larger than N × C attributes
                     in pieces, as a MISP with PHP memory_limit N MB does
                     (default 0: every page in one go)
  --memory-coefficient C  MISP.default_attribute_memory_coefficient, the
                     attributes read per MB of memory limit (default 50)
  --fault NAME       fail every request as NAME says: slow, status, html,
                     truncated, reset, huge-length, gzip-bomb,
                     endless-pages, redirect (see package mispsim)
  --fault-status N   HTTP status of --fault status (default 500)
  --fault-delay D    wait of --fault slow
  --fault-length N   bytes declared by huge-length or inflated by
                     gzip-bomb (default 1 GiB)
  --fault-location U where --fault redirect points (scheme://host:port)
  --help             show this help
`

func run(args []string, stdout, stderr io.Writer) int {
	if slices.Contains(args, "--version") || slices.Contains(args, "-version") {
		fmt.Fprintln(stdout, "mispsim", version.String())
		return 0
	}
	fs := flag.NewFlagSet("mispsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	listen := fs.String("listen", "127.0.0.1:8081", "")
	key := fs.String("key", "", "")
	data := fs.String("data", "", "")
	generate := fs.Int("generate", 0, "")
	seed := fs.Int64("seed", 1, "")
	types := fs.String("types", "", "")
	prefix := fs.String("tag-prefix", "", "")
	gz := fs.Bool("gzip", false, "")
	delay := fs.Duration("delay", 0, "")
	clockOffset := fs.Duration("clock-offset", 0, "")
	unordered := fs.Bool("unordered-plans", false, "")
	unpublishedPrivate := fs.Bool("unpublished-private", false, "")
	memoryMB := fs.Int("memory-limit-mb", 0, "")
	coefficient := fs.Int("memory-coefficient", mispsim.AttributesPerMB, "")
	faultName := fs.String("fault", "none", "")
	faultStatus := fs.Int("fault-status", 0, "")
	faultDelay := fs.Duration("fault-delay", 0, "")
	faultLength := fs.Int64("fault-length", 0, "")
	faultLocation := fs.String("fault-location", "", "")
	var users []mispsim.User
	groups := map[int64][]int64{}
	fs.Func("sharing-group", "", func(v string) error {
		id, orgs, err := parseSharingGroup(v)
		groups[id] = append(groups[id], orgs...)
		return err
	})
	fs.Func("user", "", func(v string) error {
		u, err := parseUser(v)
		users = append(users, u)
		return err
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "mispsim: %v (see --help)\n", err)
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mispsim: unexpected argument %q (see --help)\n", fs.Arg(0))
		return 2
	}
	fault, err := mispsim.ParseFaultKind(*faultName)
	if err != nil {
		fmt.Fprintf(stderr, "mispsim: --fault: %v (see --help)\n", err)
		return 2
	}
	if *delay < 0 {
		fmt.Fprintln(stderr, "mispsim: --delay must not be negative (see --help)")
		return 2
	}
	if *generate < 0 {
		fmt.Fprintln(stderr, "mispsim: --generate must not be negative (see --help)")
		return 2
	}
	if *memoryMB < 0 || *memoryMB > 1<<20 {
		fmt.Fprintln(stderr, "mispsim: --memory-limit-mb must be 0 to 1048576 (see --help)")
		return 2
	}
	if *coefficient < 1 || *coefficient > 1<<20 {
		fmt.Fprintln(stderr, "mispsim: --memory-coefficient must be 1 to 1048576 (see --help)")
		return 2
	}

	start := time.Now()
	srv, err := mispsim.New(mispsim.Options{
		Key: *key, Users: users, DataDir: *data, Generate: *generate, Seed: *seed, TagPrefix: *prefix, Gzip: *gz,
		GenerateTypes: splitList(*types), Delay: *delay, UnorderedPlans: *unordered, UnpublishedPrivate: *unpublishedPrivate,
		SharingGroups: groups,
		MemoryLimitMB: *memoryMB, MemoryCoefficient: *coefficient, Now: clockOff(*clockOffset),
	})
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return 2
	}
	srv.SetFault(mispsim.Fault{Kind: fault, Status: *faultStatus, Delay: *faultDelay, Length: *faultLength, Location: *faultLocation})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "mispsim: listen: %v\n", err)
		return 1
	}
	st := srv.Stats()
	log := slog.New(slog.NewTextHandler(stderr, nil))
	log.Info("mispsim listening",
		"url", "http://"+ln.Addr().String(),
		"events", st.Events, "attributes", st.Attributes, "warninglists", st.Warninglists,
		"demo_key", *key == "", "gzip", *gz, "load_ms", time.Since(start).Milliseconds())

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "mispsim: serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	return 0
}

// clockOff is a clock offset from this machine's; nil (time.Now) when
// offset is zero.
func clockOff(offset time.Duration) func() time.Time {
	if offset == 0 {
		return nil
	}
	return func() time.Time { return time.Now().Add(offset) }
}

// parseUser reads a --user value: KEY,ID,ORG,EMAIL.
func parseUser(v string) (mispsim.User, error) {
	f := strings.Split(v, ",")
	if len(f) != 4 || f[0] == "" {
		return mispsim.User{}, errors.New("want KEY,ID,ORG,EMAIL")
	}
	id, err1 := strconv.ParseInt(f[1], 10, 64)
	org, err2 := strconv.ParseInt(f[2], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || org <= 0 {
		return mispsim.User{}, errors.New("ID and ORG must be positive numbers")
	}
	return mispsim.User{Key: f[0], ID: id, OrgID: org, Email: f[3]}, nil
}

// parseSharingGroup reads a --sharing-group value: ID,ORG[,ORG...].
func parseSharingGroup(v string) (int64, []int64, error) {
	f := strings.Split(v, ",")
	var nums []int64
	for _, s := range f {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n <= 0 {
			return 0, nil, errors.New("want ID,ORG[,ORG...], positive numbers")
		}
		nums = append(nums, n)
	}
	if len(nums) < 2 {
		return 0, nil, errors.New("want ID,ORG[,ORG...], positive numbers")
	}
	return nums[0], nums[1:], nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
