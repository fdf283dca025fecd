package dnsprimary

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// ErrUnknownZone is returned by Refresh for a zone the server does not
// serve.
var ErrUnknownZone = errors.New("unknown zone")

// Timeouts of the listeners and of background work.
const (
	tcpWriteTimeout  = 30 * time.Second // one message of a transfer
	shutdownTimeout  = 5 * time.Second
	minBuildTimeout  = time.Minute // a background build is abandoned after max(Refresh, this)
	xfrMessageBudget = 32 << 10    // uncompressed octets of records per transfer message
)

// Options configures a Server.
type Options struct {
	// Addr is the UDP and TCP listen address, e.g. "127.0.0.1:5353". Port
	// 0 picks a port free for both.
	Addr   string
	Zones  []Zone
	Logger *slog.Logger     // nil discards logs
	Now    func() time.Time // clock for serials; time.Now when nil
	// State, when set, keeps each zone's content, serial and journal, so
	// a restart serves the zone as before until its source answers.
	State StateStore
}

// Server is an authoritative primary for a set of zones whose content
// comes from Zone.Source. It is safe for concurrent use.
type Server struct {
	addr  string
	log   *slog.Logger
	now   func() time.Time
	zones map[string]*zoneState // by canonical origin
	list  []*zoneState          // in configuration order
	keys  keyring
	state StateStore

	ctx    context.Context // lifetime of background work, cancelled by Close
	cancel context.CancelFunc

	mu      sync.Mutex // guards the fields below and wg.Add
	started bool
	closed  bool
	udp     net.PacketConn
	tcp     net.Listener
	servers []*dns.Server
	wg      sync.WaitGroup

	notifies notifyWaiters
}

// zoneState is the served state of one zone.
type zoneState struct {
	cfg   *zoneConfig
	build sync.Mutex // serialises builds
	store sync.Mutex // serialises changes of snap: see advance
	snap  atomic.Pointer[snapshot]
	// built is set once a build from the source succeeded: until then
	// snap is what state_dir kept, which may be older than what the
	// secondaries hold. Written with store held.
	built bool

	notifyMu sync.Mutex
	notifyJ  map[string]*notifyJob // in-flight NOTIFY per target

	stats zoneCounters // stats.go
}

// New validates opts and returns a server that is not yet listening.
func New(opts Options) (*Server, error) {
	if opts.Addr == "" {
		return nil, errors.New("dnsprimary: new: no listen address")
	}
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return nil, fmt.Errorf("dnsprimary: new: listen address: %w", err)
	}
	s := &Server{
		addr:  opts.Addr,
		log:   opts.Logger,
		now:   opts.Now,
		zones: make(map[string]*zoneState, len(opts.Zones)),
		keys:  keyring{},
		state: opts.State,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, z := range opts.Zones {
		cfg, err := z.validate()
		if err != nil {
			return nil, fmt.Errorf("dnsprimary: new: %w", err)
		}
		if _, dup := s.zones[cfg.origin]; dup {
			return nil, fmt.Errorf("dnsprimary: new: zone %s configured twice", cfg.origin)
		}
		if cfg.key != nil {
			if err := s.keys.add(cfg.key); err != nil {
				return nil, fmt.Errorf("dnsprimary: new: %w", err)
			}
		}
		zs := &zoneState{cfg: cfg, notifyJ: map[string]*notifyJob{}}
		s.zones[cfg.origin] = zs
		s.list = append(s.list, zs)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.notifies.pending = map[notifyKey]chan notifyAnswer{}
	return s, nil
}

// Start listens on UDP and TCP, builds every zone once and starts the
// background refreshers. It returns once the initial builds are done, or
// when ctx is done before: the builds then go on in the background (a
// zone kept in the StateStore is served meanwhile). Only listen errors
// are returned. A zone whose build fails is logged and answered with
// SERVFAIL until a build succeeds. Background work runs until Close.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.started || s.closed {
		s.mu.Unlock()
		return errors.New("dnsprimary: start: already started or closed")
	}
	tcp, udp, err := listen(s.addr)
	if err != nil {
		s.mu.Unlock()
		return fmt.Errorf("dnsprimary: start: %w", err)
	}
	s.started, s.tcp, s.udp = true, tcp, udp
	h := handler{s}
	ready := make(chan error, 2)
	for _, srv := range []*dns.Server{
		{PacketConn: udp, UDPSize: dns.DefaultMsgSize, DecorateReader: func(r dns.Reader) dns.Reader { return notifyReader{r, &s.notifies} }},
		{
			Listener: deadlineListener{newCapListener(newStrangerListener(tcp, tcpConnStrangers, s.known), tcpConnTotal, tcpConnPerAddr, s.log), tcpWriteTimeout},
			// No cap on the queries of one connection (RFC 7766): the
			// library closes it after the last one with the next ones
			// unread, which resets it and loses answers already sent. The
			// idle timeout and the connection caps bound it.
			MaxTCPQueries: -1,
		},
	} {
		var once sync.Once
		signal := func(err error) { once.Do(func() { ready <- err }) }
		srv.Handler = h
		srv.TsigProvider = s.keys // always set, so that every signed request is verified
		srv.NotifyStartedFunc = func() { signal(nil) }
		s.servers = append(s.servers, srv)
		s.wg.Go(func() {
			err := srv.ActivateAndServe()
			if err != nil && s.ctx.Err() == nil {
				s.log.Error("dns listener stopped", "addr", s.addr, "err", err)
			}
			if err == nil {
				err = errors.New("listener stopped")
			}
			signal(fmt.Errorf("serve: %w", err)) // only seen when it stops before it started
		})
	}
	s.mu.Unlock()
	for range 2 {
		if err := <-ready; err != nil {
			_ = s.Close()
			return fmt.Errorf("dnsprimary: start: %w", err)
		}
	}
	s.log.Info("dns primary listening", "addr", tcp.Addr().String(), "zones", len(s.list))

	built := make(chan struct{}, len(s.list))
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	for _, z := range s.list {
		s.wg.Go(func() {
			_ = s.refresh(s.ctx, z) // logged by refresh
			built <- struct{}{}
			if z.cfg.Refresh > 0 {
				s.refresher(z)
			}
		})
	}
	s.mu.Unlock()
	for range s.list {
		select {
		case <-built:
		case <-ctx.Done():
			return nil
		}
	}
	return nil
}

// listen opens TCP and UDP on addr; with port 0 both get the same port.
func listen(addr string) (net.Listener, net.PacketConn, error) {
	host, port, _ := net.SplitHostPort(addr)
	var lastErr error
	for range 20 {
		tcp, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("listen tcp: %w", err)
		}
		p := strconv.Itoa(tcp.Addr().(*net.TCPAddr).Port)
		udp, err := net.ListenPacket("udp", net.JoinHostPort(host, p))
		if err == nil {
			return tcp, udp, nil
		}
		tcp.Close()
		lastErr = err
		if port != "0" {
			break
		}
	}
	return nil, nil, fmt.Errorf("listen udp: %w", lastErr)
}

// Addr returns the TCP listen address once started (the UDP port is the
// same), or the configured address before.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tcp != nil {
		return s.tcp.Addr().String()
	}
	return s.addr
}

// Refresh rebuilds zoneName from its Source now. A changed content gets a
// new serial, a journal entry and a NOTIFY to every secondary; an
// unchanged one keeps its serial. When the Source or the text fails, the
// zone keeps its last content and serial and the error is returned; a
// Source's held text (SourceHeld) is served, and its error returned.
func (s *Server) Refresh(ctx context.Context, zoneName string) error {
	z := s.zones[dns.CanonicalName(zoneName)]
	if z == nil {
		return fmt.Errorf("dnsprimary: refresh %s: %w", zoneName, ErrUnknownZone)
	}
	return s.refresh(ctx, z)
}

func (s *Server) refresh(ctx context.Context, z *zoneState) error {
	z.build.Lock()
	defer z.build.Unlock()
	origin := z.cfg.origin
	cur := z.snap.Load()
	if cur == nil {
		if cur = s.restoreZone(z); cur != nil {
			z.snap.Store(cur)
		}
	}
	var curSerial uint32
	if cur != nil {
		curSerial = cur.soa.Serial
	}
	text, err := z.cfg.Source(ctx)
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		// Close (or the caller) cancelled the rebuild: no failure.
		s.log.Info("zone rebuild cancelled; serving the last content", "zone", origin, "serial", curSerial, "loaded", cur != nil)
		return fmt.Errorf("dnsprimary: refresh %s: source: %w", origin, err)
	}
	held := err // nil, or a hold whose text is served
	if err != nil && !servesText(err) {
		reason := FailureReason(err)
		z.stats.failed(reason)
		s.log.Warn("zone source failed; serving the last content", "zone", origin, "serial", curSerial, "loaded", cur != nil, "reason", reason, "err", err)
		return fmt.Errorf("dnsprimary: refresh %s: source: %w", origin, err)
	}
	p, err := parseZone(text, origin)
	if err != nil {
		z.stats.failed(FailZoneText)
		s.log.Warn("zone text rejected; serving the last content", "zone", origin, "serial", curSerial, "loaded", cur != nil, "err", err)
		return fmt.Errorf("dnsprimary: refresh %s: parse: %w", origin, err)
	}
	cur, nxt := s.advance(z, func(cur *snapshot) *snapshot {
		z.built = true
		return next(cur, p, s.now(), z.cfg.journal)
	})
	err = s.rebuilt(z, held, nxt != nil)
	if nxt == nil {
		s.log.Debug("zone unchanged", "zone", origin, "serial", cur.soa.Serial)
		return err
	}
	attrs := []any{"zone", origin, "serial", nxt.soa.Serial, "records", len(nxt.records)}
	if cur != nil {
		d := nxt.journal
		if len(d) > 0 {
			attrs = append(attrs, "removed", len(d[len(d)-1].removed), "added", len(d[len(d)-1].added))
		}
		attrs = append(attrs, "previous", cur.soa.Serial)
	}
	s.log.Info("zone updated", attrs...)
	s.notifyAll(z, nxt.soa)
	return err
}

// refresher rebuilds z every Refresh until Close.
func (s *Server) refresher(z *zoneState) {
	t := time.NewTicker(z.cfg.Refresh)
	defer t.Stop()
	timeout := max(z.cfg.Refresh, minBuildTimeout)
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(s.ctx, timeout)
			_ = s.refresh(ctx, z) // logged by refresh
			cancel()
		}
	}
}

// Serial returns the serial served for zoneName, or 0 when the zone is
// unknown or not built yet.
func (s *Server) Serial(zoneName string) uint32 {
	z := s.zones[dns.CanonicalName(zoneName)]
	if z == nil {
		return 0
	}
	if snap := z.snap.Load(); snap != nil {
		return snap.soa.Serial
	}
	return 0
}

// Close stops the listeners, the refreshers and pending NOTIFYs and waits
// for them. It is safe to call more than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cancel()
	servers, tcp, udp := s.servers, s.tcp, s.udp
	s.mu.Unlock()

	var errs []error
	for _, srv := range servers {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		if err := srv.ShutdownContext(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
	}
	if tcp != nil {
		tcp.Close()
	}
	if udp != nil {
		udp.Close()
	}
	s.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("dnsprimary: close: %w", err)
	}
	return nil
}

// known reports whether a zone lets a query or transfer.
func (s *Server) known(a netip.Addr) bool {
	for _, z := range s.list {
		if contains(z.cfg.AllowTransfer, a) || contains(z.cfg.AllowQuery, a) {
			return true
		}
	}
	return false
}

// goTracked runs f in a goroutine that Close waits for; it reports false
// (and runs nothing) once the server is closed.
func (s *Server) goTracked(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Go(f)
	return true
}
