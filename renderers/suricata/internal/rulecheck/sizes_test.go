package rulecheck

import "testing"

// TestContentSizes checks contents against dsize and bsize as Suricata 7
// adds them up (SigParseRequiredContentSize): the first content and the
// relative ones after it with their distances, plus the largest offset,
// each list on its own; a later negated content only checked.
func TestContentSizes(t *testing.T) {
	checkVerdicts(t, "tcp any any -> any any", []verdict{
		{`dsize:5; content:"abc"; content:"def"; distance:0;`, true},
		{`dsize:6; content:"abc"; content:"def"; distance:0;`, false},
		{`dsize:5; content:"abc"; content:"def"; within:3;`, true},
		{`dsize:5; content:"abc"; content:"def";`, false},
		{`dsize:8; content:"abc"; content:"de"; distance:4;`, true},
		{`dsize:9; content:"abc"; content:"de"; distance:4;`, false},
		{`dsize:3; content:"abc"; content:"de"; distance:-2;`, false},
		{`dsize:5; content:"abc"; offset:4;`, true},
		{`dsize:7; content:"abc"; offset:4;`, false},
		{`dsize:7; content:"abc"; depth:7;`, false},
		{`dsize:6; content:"a"; offset:2; content:"bc"; offset:4;`, false},
		{`dsize:5; content:"a"; offset:2; content:"bc"; offset:5;`, false},
		{`dsize:5; content:"abc"; content:!"de"; distance:1; within:2;`, true},
		{`dsize:6; content:"abc"; content:!"de"; distance:1; within:2;`, false},
		{`dsize:4; content:"abc"; content:!"defgh";`, false},
		{`dsize:4; content:!"abcde";`, true},
		{`dsize:5; content:"abc"; content:"def"; fast_pattern:only;`, false},
		{`dsize:5; content:"abcdef"; fast_pattern:only;`, true},
		{`dsize:!5; content:"abc"; content:"def"; distance:0;`, true},
		{`dsize:1<>5; content:"abc"; content:"de"; distance:1;`, true},
		{`dsize:<5; content:"abc"; content:"de"; distance:0;`, false},
		{`dsize:<=5; content:"abc"; content:"def"; distance:0;`, false},
		{`dsize:>5; content:"abc"; content:"def"; distance:0;`, false},
		{`dsize:5; content:"abc"; isdataat:10,relative;`, false},
		{`dsize:5; byte_extract:1,0,a; content:"abcde"; offset:a;`, false},
		{`dsize:5; byte_extract:1,0,a; byte_extract:1,0,b; content:"abcde"; offset:b;`, true},
	})
	checkVerdicts(t, "http any any -> any any", []verdict{
		{`http.uri; content:"abc"; content:"def"; distance:0; bsize:5;`, true},
		{`http.uri; content:"abc"; content:"def"; distance:0; bsize:6;`, false},
		{`http.uri; content:"abc"; offset:4; bsize:5;`, true},
		{`http.uri; content:"abc"; offset:2; bsize:5;`, false},
		{`http.uri; content:"abc"; content:"def"; bsize:5;`, false},
		{`http.uri; content:"abc"; content:!"defgh"; bsize:4;`, false},
		{`http.uri; content:"abc"; content:!"de"; distance:0; within:2; bsize:4;`, true},
		{`http.uri; bsize:3; content:"ab"; http.host; content:"x"; http.uri; content:"cd"; distance:0;`, true},
		{`content:"abcd"; http_uri; http.uri; content:"x"; bsize:3;`, true},
		{`content:"abcd"; http_header; http.uri; content:"x"; bsize:3;`, false},
		{`http.uri; to_lowercase; content:"abc"; bsize:2;`, true},
		{`http.uri; content:"abcd"; http.uri; to_lowercase; content:"a"; bsize:2;`, false},
		{`http.uri; content:"abc"; bsize:4294967298;`, true},
		{`http.uri; content:"abc"; bsize:4294967299;`, false},
		{`http.uri; content:"abc"; bsize:4294967295;`, false},
		{`http.uri; content:"abc"; bsize:2147483648;`, false},
		{`http.uri; content:"abc"; bsize:!2;`, false},
	})
}
