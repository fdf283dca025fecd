package server

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// threadIO returns the read and write system calls of the calling thread
// (/proc/thread-self/io): sendfile counts as one of each, a write or
// writev as one write, a sendmsg as neither. A socket whose buffer fills
// takes a call more, so tests compare kinds, not exact counts.
func threadIO(t *testing.T) (reads, writes int) {
	t.Helper()
	b, err := os.ReadFile("/proc/thread-self/io")
	if err != nil {
		t.Skipf("no /proc/thread-self/io: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, v, _ := strings.Cut(line, ": ")
		n, _ := strconv.Atoi(v)
		switch name {
		case "syscr":
			reads = n
		case "syscw":
			writes = n
		}
	}
	return reads, writes
}

// A body within the bounds is copied at its first request; from its
// second on, its announced answer leaves from its answer file (one
// sendfile after the header) and arrives whole. A smaller body is always
// copied, and so is a body whose file was dropped after the answer was
// announced.
func TestAnswersLeaveFromTheirFiles(t *testing.T) {
	if !answerFilesWork {
		t.Skip("no sealed memory files on " + runtime.GOOS)
	}
	header := "HTTP/1.1 200 OK\r\nContent-Length: N\r\n\r\n"
	srv, client := heldPair(t)
	big, small := bytes.Repeat([]byte("list"), 150<<10/4), bytes.Repeat([]byte("list"), 80<<10/4)
	for _, tc := range []struct {
		name     string
		body     []byte
		drop     bool // the file is dropped between announcement and write
		fromFile bool
	}{
		{"150 KiB, first", big, false, false},
		{"150 KiB, second", big, false, true},
		{"150 KiB, third", big, false, true},
		{"80 KiB, first", small, false, false},
		{"80 KiB, second", small, false, true},
		{"150 KiB, a copy of its bytes", bytes.Clone(big), false, false},
		{"5 KiB", big[:5<<10], false, false},
		{"5 KiB again", big[:5<<10], false, false},
		{"file dropped", big, true, false},
		{"file made again", big, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			want := append([]byte(header), body...)
			runtime.LockOSThread() // the counts are this thread's
			defer runtime.UnlockOSThread()
			ra, wa := threadIO(t)
			rb, wb := threadIO(t)
			ownReads, ownWrites := rb-ra, wb-wa // of reading the counts
			got := readAsync(client, len(want))
			srv.announce(body)
			if tc.drop {
				srv.l.files.lru.Clear()
			}
			r0, w0 := threadIO(t)
			w := bufio.NewWriterSize(srv, 4096)
			_, _ = w.WriteString(header)
			_, _ = w.Write(body)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			r1, w1 := threadIO(t)
			if b := <-got; !bytes.Equal(b, want) {
				t.Fatalf("client got %d bytes, not the %d written", len(b), len(want))
			}
			// Sent from the file: by sendfile alone (as many reads as
			// writes); copied: by writes alone.
			reads, writes := r1-r0-ownReads, w1-w0-ownWrites
			if fromFile := reads > 0 && reads == writes; fromFile != tc.fromFile || writes == 0 {
				t.Errorf("answer left in %d reads and %d writes; from its file: %v, want %v", reads, writes, fromFile, tc.fromFile)
			}
		})
	}
}

// The answer files stay within their bounds, hold the bytes of their
// bodies that nothing can change, and are closed when dropped.
func TestAnswerFilesBounds(t *testing.T) {
	if !answerFilesWork {
		t.Skip("no sealed memory files on " + runtime.GOOS)
	}
	files := newAnswerFiles()
	body := bytes.Repeat([]byte("cratos"), 20<<10)
	if files.of(body) != nil {
		t.Fatal("a body has a file at its first request")
	}
	a := files.of(body)
	if a == nil || files.of(body) != a {
		t.Fatal("a body in the bounds has no file at its second request, or a new one at its third")
	}
	held := make([]byte, len(body)+1)
	if n, _ := a.f.ReadAt(held, 0); !bytes.Equal(held[:n], body) {
		t.Fatal("the file does not hold the body's bytes")
	}
	if _, err := a.f.WriteAt([]byte("X"), 0); err == nil {
		t.Fatal("a sealed file took a write")
	}
	if off, ok := a.covers(body[100:200]); !ok || off != 100 {
		t.Fatalf("covers(body[100:200]) = %d, %v", off, ok)
	}
	if _, ok := a.covers(append([]byte(nil), body[:10]...)); ok {
		t.Fatal("a copy of the body's bytes counts as the body")
	}
	twice := func(b []byte) *answerFile { files.of(b); return files.of(b) }
	for _, n := range []int{minFileBody - 1, maxFileBody + 1} {
		if twice(make([]byte, n)) != nil {
			t.Errorf("a body of %d bytes has a file", n)
		}
	}
	for range maxFiles + 8 {
		twice(make([]byte, minFileBody))
	}
	if st := files.lru.Stats(); st.Entries > maxFiles || st.Bytes > maxFileBytes {
		t.Fatalf("%d files of %d bytes, past the bounds", st.Entries, st.Bytes)
	}
	if _, err := a.f.Stat(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("a dropped file is still open: %v", err)
	}
	for range 5 {
		twice(make([]byte, maxFileBody))
	}
	if st := files.lru.Stats(); st.Bytes > maxFileBytes {
		t.Fatalf("%d bytes of files, past %d", st.Bytes, maxFileBytes)
	}
}

// Dropping a file while a send from it is under way neither waits for
// the send (the LRU is locked meanwhile) nor closes the descriptor under
// it: the send still reads the file to the end.
func TestDroppingAFileInUse(t *testing.T) {
	if !answerFilesWork {
		t.Skip("no sealed memory files on " + runtime.GOOS)
	}
	body := bytes.Repeat([]byte("in use"), 1<<10)
	f, err := sealedFile(body)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	inSend, closed := make(chan struct{}), make(chan error, 1)
	var read []byte
	if err := raw.Control(func(fd uintptr) {
		close(inSend)
		go func() { closed <- f.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				t.Errorf("close: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("closing the file waits for the send")
		}
		read = make([]byte, len(body))
		n, err := syscall.Pread(int(fd), read, 0)
		read = read[:max(n, 0)]
		if err != nil {
			t.Errorf("read after close: %v", err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	<-inSend
	if !bytes.Equal(read, body) {
		t.Fatalf("read %d bytes of the body after the close, want all %d", len(read), len(body))
	}
	if _, err := f.Stat(); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("the file is open after the send: %v", err)
	}
}
