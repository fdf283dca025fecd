package renderers

import (
	"strings"
	"testing"
)

var optInfo = Info{Name: "lines", Options: []Option{
	{Name: "upper", Default: "false", Kind: KindBool},
	{Name: "max", Default: "0", Kind: KindInt},
	{Name: "ttl", Default: "60", Kind: KindInt, Min: 1, Max: 3600},
	{Name: "mode", Default: "pair", Kind: KindEnum, Values: []string{"pair", "exact"}},
	{Name: "label", Default: "cratos"},
	{Name: "acl", Kind: KindEnum, Values: []string{"dst", "url"}},
	{Name: "eol", Default: "crlf", Kind: KindEnum, Values: []string{"crlf", "lf"}, FoldCase: true},
}}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name    string
		opts    map[string]string
		wantErr string
		upper   bool
		max     int
		ttl     int
		mode    string
		label   string
	}{
		{name: "defaults", upper: false, max: 0, ttl: 60, mode: "pair", label: "cratos"},
		{name: "all set", opts: map[string]string{"upper": "true", "max": "5", "ttl": "3600", "mode": "exact", "label": ""},
			upper: true, max: 5, ttl: 3600, mode: "exact", label: ""},
		{name: "bool 1", opts: map[string]string{"upper": "1"}, upper: true, ttl: 60, mode: "pair", label: "cratos"},
		{name: "bool T", opts: map[string]string{"upper": "T"}, upper: true, ttl: 60, mode: "pair", label: "cratos"},
		{name: "bool FALSE", opts: map[string]string{"upper": "FALSE"}, ttl: 60, mode: "pair", label: "cratos"},
		{name: "bool tRuE", opts: map[string]string{"upper": "tRuE"}, upper: true, ttl: 60, mode: "pair", label: "cratos"},
		{name: "enum case", opts: map[string]string{"mode": "Pair"}, wantErr: `option mode: want one of pair, exact; got "Pair"`},
		{name: "bool yes", opts: map[string]string{"upper": "yes"}, wantErr: `renderer lines: option upper: want true or false; got "yes"`},
		{name: "bool empty", opts: map[string]string{"upper": ""}, wantErr: `option upper: want true or false; got ""`},
		{name: "negative", opts: map[string]string{"max": "-1"}, wantErr: `option max: want a whole number ≥ 0; got "-1"`},
		{name: "not a number", opts: map[string]string{"max": "ten"}, wantErr: `option max: want a whole number ≥ 0; got "ten"`},
		{name: "below range", opts: map[string]string{"ttl": "0"}, wantErr: `option ttl: want a whole number from 1 to 3600; got "0"`},
		{name: "above range", opts: map[string]string{"ttl": "3601"}, wantErr: `option ttl: want a whole number from 1 to 3600; got "3601"`},
		{name: "enum", opts: map[string]string{"mode": "wild"}, wantErr: `renderer lines: option mode: want one of pair, exact; got "wild"`},
		{name: "unknown", opts: map[string]string{"colour": "red"}, wantErr: `renderer lines: unknown option "colour" (valid: upper, max, ttl, mode, label, acl, eol)`},
		{name: "empty enum with an empty default", opts: map[string]string{"acl": ""}, ttl: 60, mode: "pair", label: "cratos"},
		{name: "empty enum with a default", opts: map[string]string{"mode": ""}, wantErr: `option mode: want one of pair, exact; got ""`},
		{name: "enum with an empty default", opts: map[string]string{"acl": "dstdomain"}, wantErr: `option acl: want one of dst, url; got "dstdomain"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ParseOptions(optInfo, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseOptions = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseOptions = %v", err)
			}
			if o.Bool("upper") != tt.upper || o.Int("max") != tt.max || o.Int("ttl") != tt.ttl || o.Enum("mode") != tt.mode || o.String("label") != tt.label {
				t.Errorf("got upper=%v max=%d ttl=%d mode=%q label=%q", o.Bool("upper"), o.Int("max"), o.Int("ttl"), o.Enum("mode"), o.String("label"))
			}
		})
	}
}

func TestBoolSpellingsAccepted(t *testing.T) {
	for i, v := range BoolSpellings {
		o, err := ParseOptions(optInfo, map[string]string{"upper": v})
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if want := i < len(BoolSpellings)/2; o.Bool("upper") != want {
			t.Errorf("%q = %v, want %v", v, o.Bool("upper"), want)
		}
	}
}

func TestFoldCaseEnum(t *testing.T) {
	for v, want := range map[string]string{"": "crlf", "LF": "lf", "Lf": "lf", "crlf": "crlf", "CRLF": "crlf"} {
		opts := map[string]string{}
		if v != "" {
			opts["eol"] = v
		}
		o, err := ParseOptions(optInfo, opts)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if got := o.Enum("eol"); got != want {
			t.Errorf("eol %q = %q, want %q", v, got, want)
		}
	}
}

func TestAddress(t *testing.T) {
	info := Info{Name: "dns", Options: []Option{{Name: "a", Default: "0.0.0.0"}, {Name: "aaaa", Default: "::"}}}
	tests := []struct {
		a, aaaa      string
		wantA, want6 string
		wantErr      string
	}{
		{"0.0.0.0", "::", "0.0.0.0", "::", ""},
		{"", "", "", "", ""},
		{"192.0.2.1", "2001:DB8::0:1", "192.0.2.1", "2001:db8::1", ""},
		{"2001:db8::1", "", "", "", `renderer dns: option a: want an IPv4 address; got "2001:db8::1"`},
		{"", "192.0.2.1", "", "", `renderer dns: option aaaa: want an IPv6 address; got "192.0.2.1"`},
		{"", "fe80::1%eth0", "", "", `option aaaa: want an IPv6 address; got "fe80::1%eth0"`},
		{"300.1.1.1", "", "", "", `option a: want an IPv4 address`},
	}
	for _, tt := range tests {
		o, err := ParseOptions(info, map[string]string{"a": tt.a, "aaaa": tt.aaaa})
		if err != nil {
			t.Fatal(err)
		}
		a, errA := o.Address("a", false)
		aaaa, err6 := o.Address("aaaa", true)
		err = errA
		if err == nil {
			err = err6
		}
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q %q: error %v, want %q", tt.a, tt.aaaa, err, tt.wantErr)
			}
			continue
		}
		if err != nil || a != tt.wantA || aaaa != tt.want6 {
			t.Errorf("%q %q = %q %q %v, want %q %q", tt.a, tt.aaaa, a, aaaa, err, tt.wantA, tt.want6)
		}
	}
}

func TestOptionsPanicOnUndeclaredRead(t *testing.T) {
	o, err := ParseOptions(optInfo, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, read := range []func(){func() { o.Bool("max") }, func() { o.Int("nope") }} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("reading an option as the wrong kind did not panic")
				}
			}()
			read()
		}()
	}
}
