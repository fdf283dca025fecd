//go:build !linux

package hugepage

import "unsafe"

// onRequest is false: other systems have no transparent huge pages to ask
// for.
const onRequest = false

func advise(p unsafe.Pointer, n uintptr, want bool) bool { return false }
