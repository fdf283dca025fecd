package mispsim

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// FaultKind names a failure the emulator can simulate.
type FaultKind int

// Fault kinds.
const (
	FaultNone      FaultKind = iota
	FaultSlow                // wait Fault.Delay, then answer normally
	FaultStatus              // answer Fault.Status with MISP's error JSON
	FaultHTML                // answer 200 with an HTML login page
	FaultTruncated           // send the start of the answer, then drop the connection
	FaultReset               // close the connection without answering
)

func (k FaultKind) String() string {
	switch k {
	case FaultNone:
		return "none"
	case FaultSlow:
		return "slow"
	case FaultStatus:
		return "status"
	case FaultHTML:
		return "html"
	case FaultTruncated:
		return "truncated"
	case FaultReset:
		return "reset"
	}
	if n, ok := hostileName(k); ok {
		return n
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a simulated failure; set it with (*Server).SetFault.
type Fault struct {
	Kind  FaultKind
	Delay time.Duration // FaultSlow
	// Release, when set, ends a FaultSlow wait when it is closed, before
	// Delay: a test holds MISP for exactly as long as it needs.
	Release <-chan struct{}
	// Status is the FaultStatus code; 0 means 500.
	Status int
	// After is how many body bytes FaultTruncated sends; 0 or too many
	// means half the body.
	After int64
	// RestSearchOnly limits the fault to /attributes/restSearch.
	RestSearchOnly bool
	// Times limits the fault to that many requests; 0 means until reset.
	Times int
	// Length is the size FaultHugeLength declares and FaultGzipBomb
	// inflates to (default 1 GiB).
	Length int64
	// Location is where FaultRedirect sends the client (scheme://host:port).
	Location string
}

// SetFault makes the emulator fail as f says; SetFault(Fault{}) restores
// normal service.
func (s *Server) SetFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.fault = f
	s.faultLeft = f.Times
}

func (s *Server) takeFault(restSearch bool) Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	f := s.fault
	if f.Kind == FaultNone || f.RestSearchOnly && !restSearch {
		return Fault{}
	}
	if f.Times > 0 {
		s.faultLeft--
		if s.faultLeft <= 0 {
			s.fault = Fault{}
		}
	}
	return f
}

var errCut = errors.New("mispsim: body cut on purpose")

// cutWriter passes the first left bytes and then fails.
type cutWriter struct {
	w    io.Writer
	left int64
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errCut
	}
	if int64(len(p)) > c.left {
		n, _ := c.w.Write(p[:c.left])
		c.left = 0
		return n, errCut
	}
	n, err := c.w.Write(p)
	c.left -= int64(n)
	return n, err
}

// resetConn closes the client's connection without an answer, with a TCP
// reset where possible.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// loginPage is what a captive portal or an expired SSO session returns
// instead of JSON.
const loginPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Users - MISP</title></head>
<body>
<div id="login-form">
<h1>Please log in</h1>
<form action="/users/login" method="post">
<label for="UserEmail">Email</label><input name="data[User][email]" type="email" id="UserEmail">
<label for="UserPassword">Password</label><input name="data[User][password]" type="password" id="UserPassword">
<button type="submit">Login</button>
</form>
</div>
</body>
</html>
`
