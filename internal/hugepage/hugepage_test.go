package hugepage

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func TestTHPMode(t *testing.T) {
	tests := []struct{ list, want string }{
		{"always [madvise] never\n", "madvise"},
		{"[always] madvise never\n", "always"},
		{"always madvise [never]\n", "never"},
		{"", ""},
		{"always madvise never", ""},
		{"] [", ""},
	}
	for _, tc := range tests {
		if got := thpMode(tc.list); got != tc.want {
			t.Errorf("thpMode(%q) = %q, want %q", tc.list, got, tc.want)
		}
	}
}

// mapping is what /proc/self/smaps says of the mapping holding an address.
type mapping struct {
	flags      []string // VmFlags: "hg" asks for huge pages, "nh" refuses them
	hugeKiB    int      // AnonHugePages
	start, end uintptr
}

func (m mapping) has(flag string) bool {
	for _, f := range m.flags {
		if f == flag {
			return true
		}
	}
	return false
}

// mappingOf reads the mapping that holds p.
func mappingOf(t *testing.T, p unsafe.Pointer) mapping {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var cur mapping
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if lo, hi, ok := strings.Cut(fields[0], "-"); ok && !strings.HasSuffix(fields[0], ":") {
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			if err1 == nil && err2 == nil {
				if in {
					return cur
				}
				cur = mapping{start: uintptr(a), end: uintptr(b)}
				in = uintptr(p) >= cur.start && uintptr(p) < cur.end
				continue
			}
		}
		if !in {
			continue
		}
		switch fields[0] {
		case "AnonHugePages:":
			cur.hugeKiB, _ = strconv.Atoi(fields[1])
		case "VmFlags:":
			cur.flags = fields[1:]
		}
	}
	if !in {
		t.Fatalf("no mapping holds %p", p)
	}
	return cur
}

func needOnRequest(t *testing.T) {
	t.Helper()
	if !onRequest {
		t.Skip("transparent huge pages are not given on request (\"madvise\") here")
	}
}

// Back gives the whole huge pages inside a large array huge pages, leaves
// its bytes as they were, and leaves the mapping refusing huge pages, as
// "madvise" treats any other.
func TestBackFaultsInHugePages(t *testing.T) {
	needOnRequest(t)
	// Memory an earlier test freed is already there, in small pages, when
	// the heap gives it again; returned to the system, it is fresh.
	debug.FreeOSMemory()
	b := make([]byte, 16<<20)
	// One byte written before, in the second whole huge page: that page
	// is already there, of small pages, and keeps its byte.
	start := uintptr(unsafe.Pointer(&b[0]))
	k := int((start+size-1)&^(size-1)-start) + size + 100
	b[k] = 7
	Back(b)
	m := mappingOf(t, unsafe.Pointer(&b[len(b)/2]))
	if m.hugeKiB < 4*size>>10 {
		t.Errorf("the mapping of the array holds %d KiB of huge pages", m.hugeKiB)
	}
	if m.has("hg") || !m.has("nh") {
		t.Errorf("after Back the mapping's flags are %v, want nh and not hg", m.flags)
	}
	for i, c := range b {
		if c != 0 && i != k || i == k && c != 7 {
			t.Fatalf("Back changed byte %d to %d", i, c)
		}
	}
	runtime.KeepAlive(b)
}

// Ask marks the whole huge pages inside the array as wanting huge pages,
// and only them; Withdraw takes the mark back; a small array gets none.
func TestAskAndWithdraw(t *testing.T) {
	needOnRequest(t)
	b := make([]byte, 8<<20)
	a := Ask(b)
	if a.p == nil || uintptr(a.p)%size != 0 || a.n%size != 0 || a.n < size {
		t.Fatalf("Ask gave %p and %d bytes", a.p, a.n)
	}
	start := uintptr(unsafe.Pointer(&b[0]))
	if uintptr(a.p) < start || uintptr(a.p)+a.n > start+uintptr(len(b)) || uintptr(a.p)-start >= size || start+uintptr(len(b))-(uintptr(a.p)+a.n) >= size {
		t.Errorf("Ask gave %#x+%d of the array at %#x+%d: not its whole huge pages", uintptr(a.p), a.n, start, len(b))
	}
	m := mappingOf(t, a.p)
	if !m.has("hg") || m.start != uintptr(a.p) || m.end != uintptr(a.p)+a.n {
		t.Errorf("asked: mapping %#x-%#x flags %v, want hg over %#x+%d", m.start, m.end, m.flags, uintptr(a.p), a.n)
	}
	p := a.p
	a.Withdraw()
	if m := mappingOf(t, p); m.has("hg") || !m.has("nh") {
		t.Errorf("withdrawn: flags %v", m.flags)
	}
	a.Withdraw() // the zero Asked: nothing
	if small := Ask(make([]byte, Min-1)); small.p != nil {
		t.Errorf("an array of %d bytes was asked for", Min-1)
	}
	runtime.KeepAlive(b)
}

// Alloc's array starts at a huge page boundary (to within one element)
// and is asked for from there up to its last whole huge page; a small
// array is made as make makes it.
func TestAllocStartsAtAHugePage(t *testing.T) {
	needOnRequest(t)
	type rec [3]int64 // 24 bytes: an element that does not divide 2 MiB
	checkAlloc[byte](t, 9<<20+123)
	checkAlloc[rec](t, (9<<20+123)/24)
	if s, a := Alloc[byte](Min - 1); len(s) != Min-1 || cap(s) != Min-1 || a.p != nil {
		t.Errorf("Alloc(%d): %d, %d, asked %p: want a plain array", Min-1, len(s), cap(s), a.p)
	}
}

func checkAlloc[T any](t *testing.T, n int) {
	t.Helper()
	s, a := Alloc[T](n)
	defer a.Withdraw()
	sz := unsafe.Sizeof(*new(T))
	start := uintptr(unsafe.Pointer(unsafe.SliceData(s)))
	end := start + uintptr(n)*sz
	if len(s) != n || cap(s) != n {
		t.Fatalf("Alloc[%T](%d): length %d, capacity %d", *new(T), n, len(s), cap(s))
	}
	if start%size >= sz {
		t.Errorf("Alloc[%T]: the array starts %d bytes past a huge page boundary", *new(T), start%size)
	}
	if uintptr(a.p) != start&^(size-1) || uintptr(a.p)+a.n != end&^(size-1) {
		t.Errorf("Alloc[%T]: asked %#x+%d for the array %#x-%#x, want its whole huge pages from the boundary", *new(T), uintptr(a.p), a.n, start, end)
	}
	if m := mappingOf(t, a.p); !m.has("hg") || m.start != uintptr(a.p) || m.end != uintptr(a.p)+a.n {
		t.Errorf("Alloc[%T]: mapping %#x-%#x flags %v, want hg over %#x+%d", *new(T), m.start, m.end, m.flags, uintptr(a.p), a.n)
	}
	runtime.KeepAlive(s)
}

func ExampleBack() {
	list := make([]int64, 1<<20) // 8 MiB, written whole next
	Back(list)
	for i := range list {
		list[i] = int64(i)
	}
	fmt.Println(list[len(list)-1])
	// Output: 1048575
}
