package devicecheck

import "testing"

func TestF5(t *testing.T) {
	matchLines(t, []lineCase{
		{"full", "198.51.100.7,32,bl,botnets", ""},
		{"net whitelist no category", "198.51.100.0,24,wl,", ""},
		{"no mask", "198.51.100.7,,bl,spam_sources", ""},
		{"address only", "198.51.100.7", ""},
		{"empty fields", "198.51.100.7,,,", ""},
		{"ipv6", "2001:db8::,32,bl,cratos-block", ""},
		{"five fields", "198.51.100.7,32,bl,botnets,x", "5 fields"},
		{"cidr in address", "198.51.100.0/24,24,bl,", "prefix or zone"},
		{"zone", "fe80::1%eth0,128,bl,", "prefix or zone"},
		{"name", "bad.example,32,bl,", "not an IP address"},
		{"mask too long", "198.51.100.7,33,bl,", "bad mask"},
		{"dotted mask", "198.51.100.0,255.255.255.0,bl,", "bad mask"},
		{"leading zero mask", "198.51.100.0,024,bl,", "bad mask"},
		{"host bits", "198.51.100.7,24,bl,", "host bits"},
		{"bad list type", "198.51.100.7,32,block,", "list type"},
		{"bad category", "198.51.100.7,32,bl,bad category", "bad category"},
	}, func(data []byte) []Violation { return CheckF5(data, F5Limits{}) })
	t.Run("cap", func(t *testing.T) {
		match(t, CheckF5([]byte("198.51.100.7\n198.51.100.8\n"), F5Limits{MaxEntries: 1}), []want{{0, "2 entries, over the cap of 1"}})
	})
	t.Run("comment", func(t *testing.T) {
		match(t, CheckF5([]byte("# list\n"), F5Limits{}), []want{{1, "not an IP address"}})
	})
}
