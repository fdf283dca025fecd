package rulecheck

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

// TestURILen checks urilen: a comparison of 16 bits, perhaps with
// ",norm" or ",raw", whose bound Suricata 7 makes the depth of the
// contents of the URI buffer it names, refusing a longer one.
func TestURILen(t *testing.T) {
	checkVerdicts(t, "http any any -> any any", []verdict{
		{`urilen:5,norm;`, false},
		{`urilen:5,raw;`, false},
		{`urilen:5 , norm;`, false},
		{`urilen:>10,raw;`, false},
		{`urilen:1<>100, raw;`, false},
		{`urilen:<65536;`, true},
		{`urilen:>=0;`, true},
		{`urilen:5,raw; content:"abcdef"; http_uri;`, false},
		{`urilen:3; content:"abcd"; http_uri;`, true},
		{`urilen:4; content:"abcd"; http_uri;`, false},
		{`urilen:=3; uricontent:"abcd";`, true},
		{`urilen:<=3; uricontent:"abcd";`, true},
		{`urilen:<3; content:"abcd"; http_uri;`, false},
		{`urilen:<3; content:"abcde"; http_uri;`, true},
		{`urilen:1<>3; http.uri; content:"abcd";`, false},
		{`urilen:1<>3; http.uri; content:"abcde";`, true},
		{`http.uri; content:"abcd"; urilen:2;`, true},
		{`urilen:2; http.uri; content:"x"; http.uri; content:"abcd";`, true},
		{`urilen:2; content:!"abcd"; http_uri;`, true},
		{`urilen:2; content:"abcd"; http_uri; fast_pattern:only;`, true},
		{`urilen:3; content:"ab|00 01|"; http_uri;`, true},
		{`urilen:2; http.uri; to_lowercase; content:"abcd";`, false},
		{`urilen:2,raw; http.uri; content:"abcd";`, false},
		{`urilen:2,raw; http.uri.raw; content:"abcd";`, true},
		{`urilen:2,raw; content:"abcd"; http_raw_uri;`, true},
		{`urilen:2; content:"abcd";`, false},
		{`urilen:>2; content:"abcd"; http_uri;`, false},
		{`urilen:!2; content:"abcd"; http_uri;`, false},
		{`urilen:65535; content:"abcd"; http_uri;`, false},
		{`urilen:2-65534; content:"abcd"; http_uri;`, false},
		{`urilen:2-65533; content:"abcd"; http_uri;`, false},
		{`urilen:1kb; content:"abcd"; http_uri;`, false},
	})
}
