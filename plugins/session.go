package plugins

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"sync"
	"unsafe"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/plugins/proto"
	"github.com/cratos-project/cratos/renderers"
)

// session is one Render stream on the plugin side. It is the io.Writer the
// renderer writes to (cut into chunks of MaxChunk bytes) and the source of
// its input sequence.
type session struct {
	stream proto.Renderer_RenderServer

	mu      sync.Mutex // guards sends, buf and sendErr
	buf     []byte
	sendErr error
	out     proto.RenderOutput
	chunk   proto.RenderOutput_Chunk

	fields   renderers.Fields // what the batches carry
	iterated bool
	inErr    error
	count    uint64
}

func (s *session) send(m *proto.RenderOutput) error {
	if s.sendErr == nil {
		s.sendErr = s.stream.Send(m)
	}
	return s.sendErr
}

// sendChunk sends b as one chunk. The message is reused: Send has encoded
// it when it returns.
func (s *session) sendChunk(b []byte) error {
	s.chunk.Chunk = b
	s.out.Msg = &s.chunk
	return s.send(&s.out)
}

// Write cuts p into chunks; a whole chunk goes out without a copy.
func (s *session) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		if s.sendErr != nil {
			return n - len(p), s.sendErr
		}
		if len(s.buf) == 0 && len(p) >= MaxChunk {
			if err := s.sendChunk(p[:MaxChunk]); err != nil {
				return n - len(p), err
			}
			p = p[MaxChunk:]
			continue
		}
		if s.buf == nil {
			s.buf = make([]byte, 0, MaxChunk)
		}
		k := min(len(p), MaxChunk-len(s.buf))
		s.buf = append(s.buf, p[:k]...)
		p = p[k:]
		if len(s.buf) == MaxChunk {
			if err := s.sendChunk(s.buf); err != nil {
				return n - len(p), err
			}
			s.buf = s.buf[:0]
		}
	}
	return n, nil
}

// flush sends what is buffered.
func (s *session) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) == 0 {
		return s.sendErr
	}
	err := s.sendChunk(s.buf)
	s.buf = s.buf[:0]
	return err
}

// drop reports left-out entries to the host, after the output written
// before them. A count below one reports nothing, as Request.Drop does:
// the host takes such a report for a protocol violation.
func (s *session) drop(reason string, count int) {
	if count < 1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.buf) > 0 {
		if s.sendChunk(s.buf) != nil {
			return
		}
		s.buf = s.buf[:0]
	}
	_ = s.send(&proto.RenderOutput{Msg: &proto.RenderOutput_Drop{Drop: &proto.Drop{Reason: reason, Count: int64(count)}}})
}

// input returns the indicators as they arrive from the host. An error
// (a broken stream, a protocol violation) ends the sequence early and is
// kept in inErr, to fail the render.
func (s *session) input() iter.Seq[indicator.Indicator] {
	return func(yield func(indicator.Indicator) bool) {
		if s.iterated {
			s.setInErr(errors.New("plugins: render: the input was ranged over twice; a plugin's input streams and can be read once"))
			return
		}
		s.iterated = true
		for {
			msg, err := s.stream.Recv()
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = protocolErrorf("input ended without an end marker")
				}
				s.setInErr(fmt.Errorf("plugins: render: receive input: %w", err))
				return
			}
			switch m := msg.GetMsg().(type) {
			case *proto.RenderInput_Batch:
				if err := s.yieldBatch(m.Batch, yield); err != nil {
					if err != errStopped {
						s.setInErr(err)
					}
					return
				}
			case *proto.RenderInput_End:
				if m.End.GetCount() != s.count {
					s.setInErr(protocolErrorf("end marker counts %d indicators, %d arrived", m.End.GetCount(), s.count))
				}
				return
			default:
				s.setInErr(protocolErrorf("unexpected %T in the input", msg.GetMsg()))
				return
			}
		}
	}
}

// errStopped is the consumer of the input stopping early.
var errStopped = errors.New("plugins: input consumer stopped")

// yieldBatch checks b and yields its indicators; their strings share one
// allocation per batch. The fields the host does not send stay zero.
func (s *session) yieldBatch(b *proto.Batch, yield func(indicator.Indicator) bool) error {
	n, f := len(b.Types), s.fields
	k := stringFields(f)
	if len(b.EventIds) != column(n, f, renderers.FieldEventID) || len(b.Timestamps) != column(n, f, renderers.FieldTimestamp) ||
		len(b.ToIds) != column(n, f, renderers.FieldToIDS) || len(b.Lengths) != k*n {
		return protocolErrorf("batch columns of %d types, %d event ids, %d timestamps, %d to_ids and %d lengths for fields %#x",
			n, len(b.EventIds), len(b.Timestamps), len(b.ToIds), len(b.Lengths), uint8(f))
	}
	total := 0
	for _, l := range b.Lengths {
		total += int(l)
	}
	if total != len(b.Text) {
		return protocolErrorf("batch string lengths add up to %d, its text has %d bytes", total, len(b.Text))
	}
	// b.Text was allocated for this message alone by the protobuf decoder
	// and nothing writes to it, so the strings may share it without a copy.
	text := unsafe.String(unsafe.SliceData(b.Text), len(b.Text))
	lengths := b.Lengths
	next := func(field renderers.Fields) string {
		if f&field == 0 {
			return ""
		}
		v := text[:lengths[0]]
		text, lengths = text[lengths[0]:], lengths[1:]
		return v
	}
	for i, wt := range b.Types {
		t := indicator.Invalid
		if wt >= 0 && int(wt) < len(typeFromWire) {
			t = typeFromWire[wt]
		}
		if t == indicator.Invalid {
			return protocolErrorf("unknown indicator type %v", wt)
		}
		x := indicator.Indicator{
			Type:     t,
			Value:    next(renderers.FieldValue),
			MISPType: next(renderers.FieldMISPType),
			Category: next(renderers.FieldCategory),
			UUID:     next(renderers.FieldUUID),
		}
		if f&renderers.FieldEventID != 0 {
			x.EventID = b.EventIds[i]
		}
		if f&renderers.FieldTimestamp != 0 {
			x.Timestamp = b.Timestamps[i]
		}
		if f&renderers.FieldToIDS != 0 {
			x.ToIDS = b.ToIds[i]
		}
		s.count++
		if !yield(x) {
			return errStopped
		}
	}
	return nil
}

func (s *session) setInErr(err error) {
	if s.inErr == nil {
		s.inErr = err
	}
}
