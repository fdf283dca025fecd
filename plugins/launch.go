package plugins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"

	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

// Defaults for the zero values of Config.
const (
	DefaultStartTimeout = 10 * time.Second
	// DefaultRenderTimeout is below the service's two-minute render
	// deadline, so a hung plugin is killed, restarted and answered 502
	// before the request's own deadline ends.
	DefaultRenderTimeout = 110 * time.Second
)

// Config says how to run one plugin.
type Config struct {
	// Name is the renderer name the plugin must report in its Info; it is
	// the URL segment that selects it. Empty takes whatever name the plugin
	// reports, for tools that inspect an unknown binary.
	Name string
	// Path is the absolute path of the plugin binary.
	Path string
	// SHA256 is the hex SHA-256 of the binary, checked before every start;
	// the bytes checked are copied to a private file and that copy runs.
	SHA256 string
	// StartTimeout bounds a start, from exec to a usable connection
	// (default DefaultStartTimeout).
	StartTimeout time.Duration
	// RenderTimeout bounds one Render (default DefaultRenderTimeout), even
	// one whose caller gave up first. A plugin that overruns it is started
	// again at the next request; the old process is killed when the other
	// renders under way on it end.
	RenderTimeout time.Duration
	// Logger receives the plugin's stderr and stdout, one record per line
	// tagged with the plugin name, and its lifecycle events. Nil discards.
	Logger *slog.Logger
}

// Plugin is a running plugin process, restarted on demand after a failure.
// It is safe for concurrent use; renders share one process.
type Plugin struct {
	cfg  Config
	log  *slog.Logger
	info renderers.Info
	// output bounds the lines of plugin output logged, across restarts.
	output *outputLimit

	startSem chan struct{} // held while a process starts
	kills    sync.WaitGroup

	mu  sync.Mutex
	cur *instance // nil when no process is usable
	// retired are the processes that failed and still serve calls begun
	// before: each is killed when its last call ends, or by Close.
	retired map[*instance]struct{}
	starts  int
	closed  bool
	// ended counts the starts that ended after Launch; failed is why the
	// last one failed (nil when it succeeded or its caller gave up).
	// Requests that waited while a start failed fail with it rather than
	// each start the plugin again in turn.
	ended  int
	failed error
}

// Launch checks cfg, verifies the binary's checksum and starts the plugin.
// It fails when the plugin does not start within cfg.StartTimeout or
// reports a name other than cfg.Name. Close the Plugin when done.
//
// The process runs with an empty environment apart from go-plugin's
// handshake variables (nothing of the service's environment, such as MISP
// keys, reaches it), in the directory of its binary, over mutual TLS
// negotiated at each start.
func Launch(ctx context.Context, cfg Config) (*Plugin, error) {
	if err := checkConfig(&cfg); err != nil {
		return nil, err
	}
	p := &Plugin{cfg: cfg, log: cfg.Logger, output: newOutputLimit(time.Now), startSem: make(chan struct{}, 1)}
	inst, err := p.start(ctx)
	if err != nil {
		return nil, fmt.Errorf("plugins: launch %s: %w", cfg.displayName(), err)
	}
	info := inst.rc.Info()
	if cfg.Name != "" && info.Name != cfg.Name {
		p.kill(inst, false)
		return nil, fmt.Errorf("plugins: launch %s: the plugin calls itself %q", cfg.Name, info.Name)
	}
	p.cfg.Name = info.Name
	p.info = info
	p.cur = inst
	p.starts = 1
	p.log.Info("plugin started", "plugin", p.cfg.Name, "path", cfg.Path, "pid", inst.cmd.Process.Pid)
	return p, nil
}

func (c *Config) displayName() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Path
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

func checkConfig(cfg *Config) error {
	if cfg.Name != "" {
		if err := checkNameSyntax(cfg.Name); err != nil {
			return err
		}
	}
	if !filepath.IsAbs(cfg.Path) {
		return fmt.Errorf("plugins: launch %s: path %q is not absolute", cfg.displayName(), cfg.Path)
	}
	if !hexSHA256.MatchString(cfg.SHA256) {
		return fmt.Errorf("plugins: launch %s: sha256 %q is not 64 hex digits", cfg.displayName(), cfg.SHA256)
	}
	cfg.SHA256 = strings.ToLower(cfg.SHA256)
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.RenderTimeout <= 0 {
		cfg.RenderTimeout = DefaultRenderTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// SHA256File returns the hex SHA-256 of the file at path, the value that
// goes into a plugin's configuration.
func SHA256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("plugins: checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("plugins: checksum %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// start verifies the binary and starts one process.
func (p *Plugin) start(ctx context.Context) (*instance, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	private, removeCopy, err := verifiedCopy(p.cfg.Path, p.cfg.SHA256)
	if err != nil {
		return nil, err
	}
	defer removeCopy() // the started process keeps its copy open

	name := p.cfg.displayName()
	stderr := newLineLog(p.log, p.output, name, "stderr")
	stderr.crashReport = true
	syncErr := newLineLog(p.log, p.output, name, "stderr")
	syncOut := newLineLog(p.log, p.output, name, "stdout")
	cmd := exec.Command(private)
	cmd.Args[0] = p.cfg.Path
	cmd.Env = []string{} // go-plugin appends its handshake variables only
	cmd.Dir = filepath.Dir(p.cfg.Path)
	dieWithParent(cmd)
	proc := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  Handshake,
		Plugins:          goplugin.PluginSet{PluginKey: &grpcPlugin{}},
		Cmd:              cmd,
		SkipHostEnv:      true,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		AutoMTLS:         true,
		StartTimeout:     p.cfg.StartTimeout,
		Stderr:           stderr,
		SyncStderr:       syncErr,
		SyncStdout:       syncOut,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Off, Output: io.Discard}),
		GRPCDialOptions:  dialOptions(),
	})
	inst := &instance{proc: proc, cmd: cmd, outputs: []*lineLog{stderr, syncErr, syncOut}}
	ok := false
	defer func() {
		if !ok {
			p.kill(inst, true)
		}
	}()
	var conn goplugin.ClientProtocol
	onLauncherThread(func() { conn, err = proc.Client() })
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", p.cfg.Path, err)
	}
	raw, err := conn.Dispense(PluginKey)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", p.cfg.Path, err)
	}
	rpc, isRPC := raw.(proto.RendererClient)
	if !isRPC {
		return nil, fmt.Errorf("start %s: dispensed %T", p.cfg.Path, raw)
	}
	ictx, cancel := context.WithTimeout(ctx, p.cfg.StartTimeout)
	defer cancel()
	rc, err := newClient(ictx, rpc)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", p.cfg.Path, err)
	}
	inst.rc = rc
	ok = true
	return inst, nil
}

// acquire returns the usable process, starting one when there is none (the
// first request after a failure). The caller releases it when its call ends.
func (p *Plugin) acquire(ctx context.Context) (*instance, error) {
	if inst, err := p.current(); inst != nil || err != nil {
		return inst, err
	}
	p.mu.Lock()
	ended := p.ended
	p.mu.Unlock()
	select {
	case p.startSem <- struct{}{}:
		defer func() { <-p.startSem }()
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	if inst, err := p.current(); inst != nil || err != nil {
		return inst, err // another request started it meanwhile
	}
	p.mu.Lock()
	if failed := p.failed; p.ended != ended && failed != nil {
		p.mu.Unlock()
		return nil, failed // a start failed while this request waited
	}
	p.mu.Unlock()
	inst, err := p.start(ctx)
	if err == nil {
		if info := inst.rc.Info(); info.Name != p.cfg.Name {
			p.kill(inst, true)
			err = fmt.Errorf("start %s: the plugin now calls itself %q", p.cfg.Path, info.Name)
		}
	}
	p.mu.Lock()
	p.ended++
	p.failed = nil
	if err != nil && ctx.Err() == nil {
		p.failed = err
	}
	p.mu.Unlock()
	if err != nil {
		p.log.Error("plugin failed to start", "plugin", p.cfg.Name, "error", err)
		return nil, err
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.kill(inst, false)
		return nil, ErrClosed
	}
	p.cur = inst
	inst.calls++
	p.starts++
	restarts := p.starts - 1
	p.mu.Unlock()
	p.log.Warn("plugin restarted", "plugin", p.cfg.Name, "pid", inst.cmd.Process.Pid, "restarts", restarts)
	return inst, nil
}

// Restarts returns how many times the plugin was started again after a
// failure.
func (p *Plugin) Restarts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(p.starts-1, 0)
}

// Info returns the plugin's Info.
func (p *Plugin) Info() renderers.Info {
	info := p.info
	info.Types = slices.Clone(info.Types)
	info.Options = slices.Clone(info.Options)
	return info
}

// Close kills the plugin process; later requests fail with ErrClosed.
func (p *Plugin) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	inst := p.cur
	p.cur = nil
	retired := p.retired
	p.retired = nil
	p.mu.Unlock()
	if inst != nil {
		p.kill(inst, false)
	}
	for old := range retired {
		p.kill(old, true)
	}
	p.kills.Wait()
	p.log.Info("plugin stopped", "plugin", p.cfg.Name)
	return nil
}
