package hugepage

import (
	"os"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// onRequest reports whether the system gives transparent huge pages on
// request ("madvise"): under "always" the heap has them already, under
// "never" asking changes nothing. GODEBUG=disablethp=1, which keeps them
// from the Go heap, is honoured.
var onRequest = thpMode(readFile("/sys/kernel/mm/transparent_hugepage/enabled")) == "madvise" &&
	!strings.Contains(os.Getenv("GODEBUG"), "disablethp=1")

func readFile(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return string(b)
}

// thpMode returns the mode selected in the kernel's list ("always
// [madvise] never"), or "" when there is none.
func thpMode(list string) string {
	i := strings.IndexByte(list, '[')
	j := strings.IndexByte(list, ']')
	if i < 0 || j < i {
		return ""
	}
	return list[i+1 : j]
}

// advise marks the n bytes at p, whole huge pages of an array the caller
// holds, as wanting huge pages (want) or as not wanting them, which under
// "madvise" is the default. It reports whether the kernel took the advice.
func advise(p unsafe.Pointer, n uintptr, want bool) bool {
	advice := unix.MADV_NOHUGEPAGE
	if want {
		advice = unix.MADV_HUGEPAGE
	}
	return unix.Madvise(unsafe.Slice((*byte)(p), n), advice) == nil
}
