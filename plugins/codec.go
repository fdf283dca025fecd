package plugins

import (
	"fmt"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"
)

// codec is the protobuf codec of both ends of the bridge: the same wire
// format as gRPC's own, with its buffers from bufferPool instead of gRPC's
// default pool (which would clear a 1 MiB buffer for each batch).
type codec struct{}

var _ encoding.CodecV2 = codec{}

// Name is the standard codec name, so a plugin written in another language
// sees ordinary application/grpc+proto messages.
func (codec) Name() string { return "proto" }

func (codec) Marshal(v any) (mem.BufferSlice, error) {
	m, ok := v.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("plugins: codec: cannot marshal %T", v)
	}
	size := proto.Size(m)
	// Size has just measured m (and cached the sizes of its parts), so the
	// encoder may trust the cache; m must not change meanwhile.
	opts := proto.MarshalOptions{UseCachedSize: true}
	if mem.IsBelowBufferPoolingThreshold(size) {
		b, err := opts.MarshalAppend(make([]byte, 0, size), m)
		if err != nil {
			return nil, err
		}
		return mem.BufferSlice{mem.SliceBuffer(b)}, nil
	}
	buf := sharedPool.Get(size)
	b, err := opts.MarshalAppend((*buf)[:0], m)
	if err != nil {
		sharedPool.Put(buf)
		return nil, err
	}
	*buf = b
	return mem.BufferSlice{mem.NewBuffer(buf, sharedPool)}, nil
}

// Unmarshal decodes data into v. The decoder copies bytes fields, so v
// keeps nothing of data's buffers.
func (codec) Unmarshal(data mem.BufferSlice, v any) error {
	m, ok := v.(proto.Message)
	if !ok {
		return fmt.Errorf("plugins: codec: cannot unmarshal into %T", v)
	}
	if len(data) == 1 {
		return proto.Unmarshal(data[0].ReadOnlyData(), m)
	}
	buf := data.MaterializeToBuffer(sharedPool)
	defer buf.Free()
	return proto.Unmarshal(buf.ReadOnlyData(), m)
}
