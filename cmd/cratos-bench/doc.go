// Command cratos-bench measures the real cratos binary under bounded load on
// loopback and prints a markdown report:
//
//   - cold feed builds per generated MISP size and per output;
//   - cache-hit, gzip and 304 throughput and p99 latency for a ~10k-entry and
//     a ~1M-entry feed, against nginx serving the same bytes as a static file,
//     both logging every request to a file as deployed (cratos' access_log,
//     nginx's access_log with sendfile and tcp_nopush), the two servers
//     taking turns of 2 s so that the machine's other load falls on both;
//   - the floor: the same three variants of the small feed served by a
//     minimal fasthttp server (this command re-run as `cratos-bench
//     floor-server`) that sends the same bytes and headers and logs each
//     request, against nginx in turns, to show how much of the gap to nginx
//     is Go's and how much is cratos' own work;
//   - the same wrk runs on the small feed under three logging set-ups
//     (access logs to files; cratos' on standard error; nginx without one
//     and cratos' read through a pipe), to show which set-up favours whom;
//   - peak resident memory of cratos per scenario, and its growth with the
//     number of concurrent cold requests for one feed, with the CPU time
//     cratos and the MISP emulator beside it used for them, and what
//     cratos' stores and Go heap held afterwards (its /metrics);
//   - the cost of token verification, and the latency of valid requests
//     while a flood of invalid tokens arrives.
//
// Usage:
//
//	go run ./cmd/cratos-bench [--quick] [--out FILE] [--sizes 10k,100k,1M]
//	    [--duration 10s] [--wrk-duration 5s] [--connections 50]
//	go run ./cmd/cratos-bench --only cold6m   # the 6M cold txt build alone
//	go run ./cmd/cratos-bench --small-hits    # the small feed's hits and the floor only
//
// It builds cmd/cratos and cmd/mispsim from the module it runs in (or takes
// --cratos and --mispsim), starts mispsim with generated data, writes a
// temporary configuration, starts `cratos serve`, and drives it with wrk and
// an in-process load generator. Everything listens on 127.0.0.1 and every
// load stops by itself, after a duration or a request count. wrk and nginx
// come from the Debian packages wrk and nginx-light (scripts/install-tools.sh).
//
// Memory and CPU time are read from /proc: the peak (VmHWM) is reset before each scenario
// through /proc/PID/clear_refs, with sampled VmRSS as a fallback, so the
// command runs on Linux only.
package main
