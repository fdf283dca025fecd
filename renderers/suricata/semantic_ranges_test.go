package suricata

import "testing"

// TestIntegerComparisons checks the numeric keywords that Suricata 7
// reads with its integer parser (detect_parse_uint): a range needs a
// number between its ends, "=" and "!=" are operators, units follow a
// plain number, and comparisons that match every value or none fail.
func TestIntegerComparisons(t *testing.T) {
	checkVerdicts(t, "tcp any any -> any any", []verdict{
		{`ttl:64;`, false},
		{`ttl:=64;`, false},
		{`ttl:= 64;`, false},
		{`ttl:!=64;`, false},
		{`ttl:!64;`, false},
		{`ttl:1-2;`, true},
		{`ttl:1-3;`, false},
		{`ttl:5 <> 7;`, false},
		{`ttl:0<>255;`, false},
		{`ttl:>=0;`, true},
		{`ttl:>=1;`, false},
		{`ttl:<=255;`, true},
		{`ttl:<=254;`, false},
		{`ttl:>255;`, true},
		{`ttl:<0;`, true},
		{`ttl:256;`, true},
		{`ttl:1kb;`, true},
		{`itype:8<>9;`, true},
		{`itype:!= 8;`, false},
		{`icode:>=0;`, true},
		{`icode:=0;`, false},
		{`dsize:1kb;`, false},
		{`dsize:63KB;`, false},
		{`dsize:64kb;`, true},
		{`dsize:5 kb;`, true},
		{`dsize:<=65535;`, true},
		{`dsize:>=0;`, true},
		{`dsize:10-11;`, true},
		{`dsize:=5; content:"abc";`, false},
		{`dsize:=2; content:"abc";`, true},
		{`dsize:!5; content:"abc";`, false},
		{`dsize:!2; content:"abc";`, true},
		{`dsize:<3; content:"abc";`, false},
		{`dsize:<=2; content:"abc";`, false},
		{`dsize:1<>3; content:"abc";`, false},
		{`dsize:1-2; content:"a";`, true},
		{`flow:to_server; tcp.mss:1-2;`, true},
		{`flow:to_server; tcp.mss:!=1460;`, false},
	})
	checkVerdicts(t, "http any any -> any any", []verdict{
		{`http.uri; content:"abc"; bsize:=3;`, false},
		{`http.uri; content:"abc"; bsize:<3;`, false},
		{`http.uri; content:"abc"; bsize:<=2;`, false},
		{`http.uri; content:"abc"; bsize:!2;`, false},
		{`http.uri; content:"abc"; bsize:2;`, true},
		{`http.uri; content:"abc"; bsize:1-2;`, true},
		{`http.uri; content:"abc"; bsize:>=0;`, true},
		{`filestore; filesize:>=0;`, true},
		{`filestore; filesize:1mb;`, false},
		{`filestore; filesize:>1mb;`, true},
		{`filestore; filesize:!=100;`, false},
	})
}
