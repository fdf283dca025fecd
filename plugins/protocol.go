package plugins

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
	goplugin "github.com/hashicorp/go-plugin"
)

// ProtocolVersion is the version of the plugin protocol. Host and plugin
// refuse each other at the handshake when it differs.
const ProtocolVersion = 1

// PluginKey is the name under which the renderer is dispensed in the
// go-plugin plugin set.
const PluginKey = "renderer"

// Limits of the Render stream.
const (
	// MaxChunk is the largest output chunk a plugin may send.
	MaxChunk = 64 << 10
	// BatchSize is the most indicators the host sends in one message.
	BatchSize = 1024
	// batchBytes ends a batch early when its values reach about this size.
	batchBytes = 1 << 20
	// maxMessage is the largest message either side accepts.
	maxMessage = 16 << 20
	// window is the HTTP/2 flow-control window of a stream and of the
	// connection: what may be in flight, unread, in each direction.
	window = 1 << 20
	// ioBuffer is the size of gRPC's socket read and write buffers.
	ioBuffer = 256 << 10
)

// Handshake is the go-plugin handshake shared by Cratos and its plugins. The
// magic cookie only tells a person who runs a plugin binary by hand that it
// is not a command; it is not a secret.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "CRATOS_RENDERER_PLUGIN",
	MagicCookieValue: "4f7d3c1e9a5b42e8b0c6d2f1a8e7c3b5",
}

// Errors a plugin failure wraps; the request error is an *Error holding one
// of them (or the renderer's own error).
var (
	// ErrProtocol is a plugin or host breaking the Render stream protocol.
	ErrProtocol = errors.New("plugin protocol violation")
	// ErrChecksum is a plugin binary whose SHA-256 is not the configured one.
	ErrChecksum = errors.New("plugin binary checksum mismatch")
	// ErrRenderTimeout is a render that overran the plugin's render deadline.
	ErrRenderTimeout = errors.New("plugin render deadline exceeded")
	// ErrExited is a plugin process that ended while in use.
	ErrExited = errors.New("plugin process exited")
	// ErrClosed is a use of a Plugin after Close.
	ErrClosed = errors.New("plugin closed")
)

// Error is a failure of one plugin request: the plugin crashed, hung past
// the render deadline, broke the protocol or returned an error. The service
// answers it with 502 Bad Gateway naming Plugin.
type Error struct {
	Plugin string
	Err    error
}

func (e *Error) Error() string { return "plugin " + e.Plugin + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// PluginFault implements renderers.PluginFault.
func (e *Error) PluginFault() (string, error) { return e.Plugin, e.Err }

var _ renderers.PluginFault = (*Error)(nil)

// remoteError is an error a plugin reported in a Status or a
// ValidateOptionsResponse: the renderer's own error, not a failure of the
// plugin process.
type remoteError struct{ msg string }

func (e *remoteError) Error() string { return e.msg }

// maxRemoteError is the longest error text of a plugin that is kept; the
// text goes into the response and the log.
const maxRemoteError = 1 << 10

// newRemoteError returns the error a plugin reported, its text cut at
// maxRemoteError bytes (on a character boundary).
func newRemoteError(msg string) *remoteError {
	if len(msg) > maxRemoteError {
		cut := maxRemoteError
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "..."
	}
	return &remoteError{msg: msg}
}

// outputError is a failure to write to the caller's writer.
type outputError struct{ err error }

func (e *outputError) Error() string { return "plugins: render: write output: " + e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

// inputError is an indicator the protocol cannot carry.
type inputError struct{ t indicator.Type }

func (e *inputError) Error() string {
	return fmt.Sprintf("plugins: render: indicator type %v cannot cross the plugin protocol", e.t)
}

// protocolErrorf returns an error wrapping ErrProtocol.
func protocolErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// Type conversion tables between indicator.Type and the wire enum, built by
// name so that neither side depends on the other's numbering. typeToWire
// holds INDICATOR_TYPE_INVALID (0) for a type the protocol lacks, and
// typeFromWire indicator.Invalid for a wire value this side does not know.
var (
	typeToWire   [256]proto.IndicatorType
	typeFromWire [256]indicator.Type
)

func init() {
	for _, t := range indicator.AllTypes() {
		name := "INDICATOR_TYPE_" + strings.ToUpper(strings.ReplaceAll(t.String(), "-", "_"))
		if v, ok := proto.IndicatorType_value[name]; ok {
			typeToWire[t] = proto.IndicatorType(v)
			typeFromWire[v] = t
		}
	}
}

// encodeTime splits t into the Header's clock fields.
func encodeTime(h *proto.Header, t time.Time) {
	h.GeneratedUnix = t.Unix()
	h.GeneratedNanos = int32(t.Nanosecond())
	h.GeneratedZone, _ = t.Zone()
	_, off := t.Zone()
	h.GeneratedOffset = int32(off)
}

// decodeTime rebuilds the request clock from the Header: the same instant
// in a zone with the same name and offset, so that every layout formats it
// to the same text as on the host.
func decodeTime(h *proto.Header) time.Time {
	t := time.Unix(h.GeneratedUnix, int64(h.GeneratedNanos))
	if h.GeneratedZone == "UTC" && h.GeneratedOffset == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone(h.GeneratedZone, int(h.GeneratedOffset)))
}

// sentFields reads the Header's field set: 0 (a host that predates field
// sets) is every field; otherwise it must hold the value and known bits.
func sentFields(bits uint32) (renderers.Fields, error) {
	if bits == 0 {
		return renderers.AllFields, nil
	}
	f := renderers.Fields(bits)
	if uint32(f) != bits || f&^renderers.AllFields != 0 || f&renderers.FieldValue == 0 {
		return 0, protocolErrorf("header field set %#x", bits)
	}
	return f, nil
}

// stringFields is the number of strings an indicator has in a batch that
// carries fields f.
func stringFields(f renderers.Fields) int {
	return bits.OnesCount8(uint8(f & (renderers.FieldValue | renderers.FieldMISPType | renderers.FieldCategory | renderers.FieldUUID)))
}

// column is the length of a batch column for field when the batch holds n
// indicators with fields f.
func column(n int, f, field renderers.Fields) int {
	if f&field == 0 {
		return 0
	}
	return n
}

// Option kinds on the wire and in renderers, matched by number; a kind
// either side lacks reads as a string.
var kindWire = map[renderers.Kind]proto.OptionKind{
	renderers.KindString: proto.OptionKind_OPTION_KIND_STRING,
	renderers.KindBool:   proto.OptionKind_OPTION_KIND_BOOL,
	renderers.KindInt:    proto.OptionKind_OPTION_KIND_INT,
	renderers.KindEnum:   proto.OptionKind_OPTION_KIND_ENUM,
}

// optionToWire is what the protocol carries of o.
func optionToWire(o renderers.Option) *proto.Option {
	return &proto.Option{Name: o.Name, Default: o.Default, Description: o.Description,
		Kind: kindWire[o.Kind], Min: int64(o.Min), Max: int64(o.Max), Values: o.Values, FoldCase: o.FoldCase}
}

// optionFromWire reads an option a plugin declares. A plugin that predates
// kinds sends none: its options read as strings, as they did.
func optionFromWire(w *proto.Option) renderers.Option {
	o := renderers.Option{Name: w.GetName(), Default: w.GetDefault(), Description: w.GetDescription()}
	for k, wk := range kindWire {
		if wk == w.GetKind() {
			o.Kind = k
		}
	}
	o.Min, o.Max = clampInt(w.GetMin()), clampInt(w.GetMax())
	o.Values, o.FoldCase = w.GetValues(), w.GetFoldCase()
	return o
}

// clampInt converts v to an int, clamping it where int is 32 bits wide.
func clampInt(v int64) int {
	return int(max(min(v, math.MaxInt), math.MinInt))
}
