package indicator

import "slices"

// keyDigits is how many bytes radixSort sorts keys by: the prefix length
// (at most 128, one byte), the address's 16 bytes, its family and the
// kind group, least significant first.
const keyDigits = 19

// digit returns byte d of k's integer fields, least significant first.
func (k *sortKey) digit(d int) byte {
	switch {
	case d == 0:
		return uint8(k.bits)
	case d <= 8:
		return byte(k.lo >> (8 * (d - 1)))
	case d <= 16:
		return byte(k.hi >> (8 * (d - 9)))
	case d == 17:
		return k.addr
	}
	return k.group
}

// radixSort sorts keys by their integer fields, in compareKeys' order
// (group, address family, address, prefix length), in place: by their
// most significant byte that is not the same in all of them, moving each
// key into its byte's bucket by following cycles, then each bucket by
// the next byte; a bucket of a few keys is sorted by insertion. An IPv4
// list is sorted by its four address bytes and prefix length without a
// comparison between whole keys or a second array. Keys whose integer
// fields are equal stay in no particular order.
func radixSort(keys []sortKey) {
	radixSortFrom(keys, keyDigits-1)
}

// radixBucketMin is the bucket below which radixSort sorts by insertion.
const radixBucketMin = 32

func radixSortFrom(keys []sortKey, d int) {
	for ; d >= 0 && len(keys) >= radixBucketMin; d-- {
		var count [256]int
		for i := range keys {
			count[keys[i].digit(d)]++
		}
		if count[keys[0].digit(d)] == len(keys) {
			continue // the same byte in every key
		}
		var next, end [256]int
		sum := 0
		for v, n := range count {
			next[v] = sum
			sum += n
			end[v] = sum
		}
		for v := range 256 {
			for next[v] < end[v] {
				w := keys[next[v]].digit(d)
				if int(w) == v {
					next[v]++
					continue
				}
				keys[next[v]], keys[next[w]] = keys[next[w]], keys[next[v]]
				next[w]++
			}
		}
		from := 0
		for _, n := range count {
			if n > 1 {
				radixSortFrom(keys[from:from+n], d-1)
			}
			from += n
		}
		return
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && lessInts(&keys[j], &keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
}

// lessInts reports whether a's integer fields come before b's.
func lessInts(a, b *sortKey) bool {
	switch {
	case a.group != b.group:
		return a.group < b.group
	case a.addr != b.addr:
		return a.addr < b.addr
	case a.hi != b.hi:
		return a.hi < b.hi
	case a.lo != b.lo:
		return a.lo < b.lo
	}
	return a.bits < b.bits
}

// sortEqualRuns sorts each run of keys whose integer fields are equal (an
// address written twice, or every key of a kind without an address) by
// compareKeys, which goes on to Type and Value.
func sortEqualRuns(ins sortable, keys []sortKey) {
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && sameInts(&keys[i], &keys[j]) {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(keys[i:j], func(a, b sortKey) int { return compareKeys(ins, a, b) })
		}
		i = j
	}
}

// sameInts reports whether a and b have the same integer fields.
func sameInts(a, b *sortKey) bool {
	return a.group == b.group && a.addr == b.addr && a.hi == b.hi && a.lo == b.lo && a.bits == b.bits
}
