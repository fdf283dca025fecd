package cli

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/cratos-project/cratos/core/misp"
)

// connectAdvice says, for a person setting Cratos up, why a MISP could
// not be reached and what to do about it; "" when err names no transport
// cause. verifyOff is how the command at hand turns certificate checks
// off (--insecure, mispVerifyCert: false).
func connectAdvice(err error, verifyOff string) string {
	var me *misp.Error
	if !errors.As(err, &me) || me.Cause == nil {
		return ""
	}
	cause := me.Cause
	var cert *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	var dns *net.DNSError
	switch {
	case errors.As(cause, &cert):
		return "MISP's TLS certificate is not trusted (" + innermost(cause) + "): add the CA that signed it to this host's trust store, or turn the check off with " + verifyOff
	case errors.As(cause, &record) || strings.Contains(cause.Error(), "server gave HTTP response to HTTPS client"):
		return "this address answers plain HTTP, not HTTPS: use an http:// URL, or MISP's HTTPS port"
	case errors.As(cause, &dns) && dns.IsNotFound:
		return "the host name " + dns.Name + " does not resolve: check its spelling, or this host's DNS"
	case errors.Is(cause, syscall.ECONNREFUSED):
		return "nothing accepts connections at this address: check the host and the port (MISP's HTTPS port is usually 443)"
	}
	return innermost(cause)
}

// innermost is the message of the last error in err's Unwrap chain: the
// cause without the request line (method and URL) around it.
func innermost(err error) string {
	for next := errors.Unwrap(err); next != nil; next = errors.Unwrap(err) {
		err = next
	}
	return err.Error()
}
