package plugins

import (
	"testing"

	"google.golang.org/grpc/mem"
	"google.golang.org/protobuf/proto"

	pb "github.com/cratos-project/cratos/plugins/proto"
)

func TestBufferPoolSizes(t *testing.T) {
	p := &bufferPool{}
	for _, tc := range []struct{ size, capacity int }{
		{0, 256}, {1, 256}, {256, 256}, {257, 512}, {64 << 10, 64 << 10}, {64<<10 + 1, 128 << 10},
		{maxMessage, maxMessage}, {maxMessage + 1, maxMessage + 1},
	} {
		b := p.Get(tc.size)
		if len(*b) != tc.size || cap(*b) != tc.capacity {
			t.Errorf("Get(%d): len %d cap %d, want len %d cap %d", tc.size, len(*b), cap(*b), tc.size, tc.capacity)
		}
		p.Put(b)
		if again := p.Get(tc.size); len(*again) != tc.size || cap(*again) != tc.capacity {
			t.Errorf("Get(%d) after Put: len %d cap %d", tc.size, len(*again), cap(*again))
		}
	}
	foreign := make([]byte, 300) // not a power of two: never pooled
	p.Put(&foreign)
	if b := p.Get(300); cap(*b) != 512 {
		t.Errorf("a foreign buffer was handed out: cap %d", cap(*b))
	}
}

// TestCodecRoundTrip encodes messages below and above the pooling
// threshold and decodes them from one buffer and from several.
func TestCodecRoundTrip(t *testing.T) {
	small := &pb.RenderOutput{Msg: &pb.RenderOutput_Chunk{Chunk: []byte("x")}}
	large := &pb.RenderOutput{Msg: &pb.RenderOutput_Chunk{Chunk: make([]byte, 100<<10)}}
	for _, m := range []*pb.RenderOutput{small, large} {
		data, err := codec{}.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := proto.Marshal(m)
		if got := data.Materialize(); string(got) != string(want) {
			t.Fatalf("Marshal: %d bytes differ from proto.Marshal's %d", len(got), len(want))
		}
		split := mem.BufferSlice{mem.SliceBuffer(want[:len(want)/2]), mem.SliceBuffer(want[len(want)/2:])}
		for _, in := range []mem.BufferSlice{data, split} {
			var got pb.RenderOutput
			if err := (codec{}).Unmarshal(in, &got); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(&got, m) {
				t.Fatal("Unmarshal does not give the message back")
			}
		}
		data.Free()
	}
	if _, err := (codec{}).Marshal("not a message"); err == nil {
		t.Fatal("Marshal of a string succeeded")
	}
	if err := (codec{}).Unmarshal(nil, new(int)); err == nil {
		t.Fatal("Unmarshal into an int succeeded")
	}
}
