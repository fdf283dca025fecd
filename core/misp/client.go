package misp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
)

// Options configure a Client.
type Options struct {
	// Site names the MISP instance in errors (the token's fqdn).
	Site string
	// BaseURL is "https://misp.example:443", without a trailing slash.
	BaseURL string
	// Key is the MISP API key sent in Authorization.
	Key string
	// Timeout bounds each HTTP request (the site's mispTimeoutSeconds).
	Timeout time.Duration
	// TimeoutName names Timeout in the error of a read it ends, when it
	// is not the site's mispTimeoutSeconds ("this call's limit").
	TimeoutName string
	// VerifyCert verifies MISP's TLS certificate (mispVerifyCert).
	VerifyCert bool
	// UserAgent is sent with every request.
	UserAgent string
	// MaxResponseBytes bounds one response body after decompression
	// (default 256 MiB). Content-Length is never trusted for it.
	MaxResponseBytes int64
	// Logger, when set, gets one debug line per restSearch page.
	Logger *slog.Logger
	// MaxPages bounds the restSearch pages of one search (default 1000).
	MaxPages int
	// MaxAttributes bounds the attributes of one search (default
	// 5,000,000).
	MaxAttributes int
}

// Client talks to one MISP instance with one API key. It is safe for
// concurrent use.
type Client struct {
	opts Options
	http *http.Client
}

// transports are shared per TLS-verification setting so connections are
// kept alive across requests and across clients for the same MISP.
var transports = map[bool]*http.Transport{
	true:  newTransport(true),
	false: newTransport(false),
}

func newTransport(verify bool) *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     &tls.Config{InsecureSkipVerify: !verify, MinVersion: tls.VersionTLS12}, //nolint:gosec // mispVerifyCert: false is the operator's choice
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
	}
}

// New returns a Client for opts.
func New(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "Cratos"
	}
	if opts.MaxResponseBytes <= 0 {
		opts.MaxResponseBytes = 256 << 20
	}
	if opts.MaxPages <= 0 {
		opts.MaxPages = 1000
	}
	if opts.MaxAttributes <= 0 {
		opts.MaxAttributes = 5_000_000
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	return &Client{opts: opts, http: &http.Client{Transport: transports[opts.VerifyCert], Timeout: opts.Timeout, CheckRedirect: noRedirect}}
}

// Site returns the site name the client reports in errors.
func (c *Client) Site() string { return c.opts.Site }

// BaseURL returns the MISP base URL.
func (c *Client) BaseURL() string { return c.opts.BaseURL }

// GetJSON GETs path and returns the body, which must be JSON; any HTTP
// status of 400 or more is an *Error.
func (c *Client) GetJSON(ctx context.Context, path string) ([]byte, error) {
	b, _, err := c.do(ctx, http.MethodGet, path, nil, nil)
	return b, err
}

// PostJSON POSTs body to path and returns the response body.
func (c *Client) PostJSON(ctx context.Context, path string, body []byte) ([]byte, error) {
	b, _, err := c.do(ctx, http.MethodPost, path, body, nil)
	return b, err
}

// do performs one request and returns its whole answer (answer).
func (c *Client) do(ctx context.Context, method, path string, body []byte, buf *bytes.Buffer) ([]byte, http.Header, error) {
	resp, err := c.send(ctx, method, path, body)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := c.answer(ctx, resp, buf)
	if err != nil {
		return nil, nil, err
	}
	return data, resp.Header, nil
}

// send sends one request and returns MISP's response, whose body the
// caller closes.
func (c *Client) send(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.opts.BaseURL+path, rd)
	if err != nil {
		return nil, &Error{Kind: Unreachable, Site: c.opts.Site, Detail: "invalid MISP URL"}
	}
	req.Header.Set("Authorization", c.opts.Key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	// Go's transport asks for gzip and decompresses transparently.
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, err)
	}
	noteDate(ctx, resp.Header)
	return resp, nil
}

// answer reads resp's whole body into buf when given (reset first, so a
// caller reuses one buffer), and returns it when resp is a JSON answer;
// a redirect, an HTTP error or another body is an *Error.
func (c *Client) answer(ctx context.Context, resp *http.Response, buf *bytes.Buffer) ([]byte, error) {
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	// Content-Length is not used to size the buffer: a hostile server
	// can declare a gigabyte and send thirty bytes.
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, c.opts.MaxResponseBytes+1)); err != nil {
		return nil, c.transportError(ctx, err)
	}
	data := buf.Bytes()
	if int64(len(data)) > c.opts.MaxResponseBytes {
		return nil, c.tooLarge()
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		// Redirects are not followed: the key would go wherever MISP
		// points.
		return nil, &Error{Kind: BadResponse, Site: c.opts.Site, Status: resp.StatusCode,
			Detail: fmt.Sprintf("answered HTTP %d (a redirect, not followed: point the token at the final MISP URL)", resp.StatusCode)}
	}
	if resp.StatusCode >= 400 {
		return nil, statusError(c.opts.Site, resp.StatusCode, data, c.opts.Key)
	}
	if !looksLikeJSON(data) {
		return nil, c.notJSON(resp.StatusCode)
	}
	return data, nil
}

// notJSON is the error of an answer of status whose body is not JSON.
func (c *Client) notJSON(status int) *Error {
	return &Error{Kind: BadResponse, Site: c.opts.Site, Status: status, Detail: "answered with content that is not JSON"}
}

// tooLarge is the error of an answer past MaxResponseBytes.
func (c *Client) tooLarge() *Error {
	return &Error{Kind: BadResponse, Site: c.opts.Site, Detail: fmt.Sprintf("response larger than %d bytes", c.opts.MaxResponseBytes)}
}

// errTooLarge ends a boundedReader past its bound.
var errTooLarge = errors.New("answer past its bound")

// boundedReader reads r until more than left bytes would have come from
// it, and then fails with errTooLarge. Content-Length is not trusted for
// it.
type boundedReader struct {
	r    io.Reader
	left int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if b.left -= int64(n); b.left < 0 {
		return n, errTooLarge
	}
	return n, err
}

// noRedirect stops the client at a redirect, so the API key is never sent
// to another address.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (c *Client) transportError(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case ctx.Err() != nil, errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return c.readEnded(ctx) // deadline.go
	case isConnectError(err):
		return &Error{Kind: Unreachable, Site: c.opts.Site, Detail: "connection failed", Cause: err}
	}
	return &Error{Kind: BadResponse, Site: c.opts.Site, Detail: "connection broke during the answer", Cause: err}
}

func isConnectError(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return true
	}
	var ce *tls.CertificateVerificationError
	return errors.As(err, &ce) || strings.Contains(err.Error(), "certificate")
}

func looksLikeJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}
