// Package hugepage backs a large array that is about to be written whole
// with transparent huge pages, where the system gives them only on
// request.
//
// A build of a large list writes hundreds of megabytes of fresh memory:
// the list's array, its text, the feed snapshot's records and text. Each
// 4 KiB page of it is a page fault the first time it is written, and on a
// virtual machine a fault costs microseconds; a 2 MiB page takes the place
// of 512 of them. Linux gives the Go heap huge pages on its own only when
// transparent huge pages are "always"; many distributions ship "madvise",
// where a program asks for them range by range. Ask asks for them for the
// whole 2 MiB pages inside one array while it is written, and the request
// is withdrawn afterwards, so that the memory, once the array is collected
// and reused for small objects, is treated as the system treats the rest
// of the heap. Back does both at once for an array written at once;
// Alloc makes an array that starts at a huge page boundary, so that none
// of its first huge page is lost to small pages.
package hugepage

import (
	"sync/atomic"
	"unsafe"
)

// Min is the smallest array Ask acts on: one that holds at least one
// whole huge page wherever it lies.
const Min = 4 << 20

// size is the huge page size of x86-64 and arm64 with 4 KiB pages.
const size = 2 << 20

// Asked is a request for huge pages for an array being written, made by
// Ask. The zero Asked is no request.
type Asked struct {
	p unsafe.Pointer // the first whole huge page of the array
	n uintptr        // the bytes of whole huge pages from p
}

// Ask asks for huge pages for the whole 2 MiB pages inside s's array (to
// its capacity), which the caller holds and is about to write from start
// to end: each becomes one huge page when it is first written. Withdraw
// the request once the array is written. An array shorter than Min, or a
// system that does not give huge pages on request, gets no request.
func Ask[T any](s []T) Asked {
	n := uintptr(cap(s)) * unsafe.Sizeof(*new(T))
	if n < Min || !onRequest {
		return Asked{}
	}
	p := unsafe.Pointer(unsafe.SliceData(s[:cap(s)]))
	start := uintptr(p)
	beg := (start + size - 1) &^ (size - 1)
	end := (start + n) &^ (size - 1)
	a := Asked{p: unsafe.Add(p, beg-start), n: end - beg}
	if !advise(a.p, a.n, true) {
		return Asked{}
	}
	return a
}

// Alloc makes an array of n T (length and capacity n) that starts at a
// huge page boundary, and asks for huge pages for it as Ask does. Ask
// alone leaves the ends of an array, up to a huge page at each, in small
// pages: a large array lies wherever the heap has room, seldom at a
// boundary. Alloc cuts the array from one up to a huge page longer, whose
// unused ends are never written and so take no memory: only the array's
// last part of a huge page is left in small pages. Where Ask would make
// no request, Alloc is make.
func Alloc[T any](n int) ([]T, Asked) {
	sz := unsafe.Sizeof(*new(T))
	if !onRequest || sz == 0 || uintptr(n)*sz < Min {
		return make([]T, n), Asked{}
	}
	all := make([]T, n+int((size+sz-1)/sz))
	start := uintptr(unsafe.Pointer(unsafe.SliceData(all)))
	i := int(((start+size-1)&^(size-1) - start + sz - 1) / sz)
	return all[i : i+n : i+n], Ask(all[: i+n : i+n])
}

// Withdraw withdraws the request; the pages already given stay huge.
func (a *Asked) Withdraw() {
	if a.p != nil {
		advise(a.p, a.n, false)
		*a = Asked{}
	}
}

// Back faults in the whole 2 MiB pages inside s's array, which the caller
// has just made and is about to write whole, as huge pages, where the
// system gives them on request: its pages become resident now rather than
// as they are written. The contents are left as they are.
func Back[T any](s []T) {
	a := Ask(s)
	for off := uintptr(0); off < a.n; off += size {
		// A write that changes nothing faults the page in.
		atomic.AddUint32((*uint32)(unsafe.Add(a.p, off)), 0)
	}
	a.Withdraw()
}
