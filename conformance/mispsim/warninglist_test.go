package mispsim

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// loadList reads one real warninglist from the shared data.
func loadList(t *testing.T, name string) *warninglist {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedData(t), "warninglists", name))
	if err != nil {
		t.Fatal(err)
	}
	w, err := parseWarninglistFile(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	st := newStore()
	if _, err := st.addWarninglist(w); err != nil {
		t.Fatal(err)
	}
	return st.wls[0]
}

func TestWarninglistKinds(t *testing.T) {
	cases := []struct {
		list, typ, value string
		want             bool
	}{
		// cidr, IPv4
		{"rfc1918.json", "ip-dst", "10.1.2.3", true},
		{"rfc1918.json", "ip-src", "192.168.255.255", true},
		{"rfc1918.json", "ip-dst", "11.1.2.3", false},
		{"rfc1918.json", "ip-dst", "172.32.0.1", false},
		{"rfc1918.json", "ip-dst", "10.0.0.0/8", true},
		{"rfc1918.json", "ip-dst", "10.0.0.0/7", false},
		{"rfc1918.json", "ip-dst", "192.168.1.0/24", true},
		{"rfc1918.json", "domain|ip", "evil.example|10.0.0.1", true},
		{"rfc1918.json", "ip-dst|port", "172.16.5.4|443", true},
		{"rfc1918.json", "ip-dst", "10.0.0.1:443", false},
		{"rfc1918.json", "url", "10.0.0.1", false}, // url is not in matching_attributes
		{"rfc1918.json", "ip-dst", "not an ip", false},
		{"public-dns-v4.json", "ip-dst", "8.8.8.8", true}, // bare address entries are /32
		{"public-dns-v4.json", "ip-dst", "8.8.8.9", false},
		// cidr, IPv6 (entries are upper case in the files)
		{"ipv6-linklocal.json", "ip-dst", "fe80::1", true},
		{"ipv6-linklocal.json", "ip-dst", "FE80::abcd:1", true},
		{"ipv6-linklocal.json", "ip-dst", "2001:db8::1", false},
		{"rfc3849.json", "ip-src", "2001:db8:1234::1", true},
		{"rfc3849.json", "ip-src", "2001:db8::/48", true},
		{"rfc3849.json", "ip-src", "2001:db8::/16", false},
		{"rfc3849.json", "ip-src", "2001:db9::1", false},
		// hostname: the host or a parent domain; entries with a leading dot, upper case
		{"bank-website.json", "domain", "eihbank.com", true},
		{"bank-website.json", "hostname", "www.EihBank.com", true},
		{"bank-website.json", "url", "https://online.eihbank.com/login", true},
		{"bank-website.json", "url", "online.eihbank.com/login", true},
		{"bank-website.json", "domain", "eihbank.com.evil.example", false},
		{"bank-website.json", "domain", "noteihbank.com", false},
		// a url keeps its case in MISP: its host is compared as it is
		{"bank-website.json", "url", "https://ONLINE.EIHBANK.COM/login", false},
		{"tranco10k.json", "domain|ip", "mail.google.com|1.2.3.4", true},
		{"tranco10k.json", "hostname", "google.com.", true},
		{"parking-domain-ns.json", "domain", "ns1.bodis.com", true},
		{"tranco10k.json", "ip-dst", "google.com", false},
		// string: exact, on the value as MISP stores it (hashes in lower case)
		{"empty-hashes.json", "md5", "d41d8cd98f00b204e9800998ecf8427e", true},
		{"empty-hashes.json", "md5", "D41D8CD98F00B204E9800998ECF8427E", true},
		{"empty-hashes.json", "filename|md5", "empty.txt|d41d8cd98f00b204e9800998ecf8427e", true},
		{"empty-hashes.json", "filename|md5", "EMPTY.TXT|D41D8CD98F00B204E9800998ECF8427E", true},
		{"empty-hashes.json", "md5", "d41d8cd98f00b204e9800998ecf8427", false},
		{"empty-hashes.json", "sha1", "x d41d8cd98f00b204e9800998ecf8427e", false},
		// MISP stores domains in lower case; this list's entries are upper case
		{"tlds.json", "domain", "com", false},
		{"tlds.json", "domain", "COM", false},
		{"tlds.json", "domain", "evil.com", false},
		// substring
		{"disposable-email.json", "email-src", "someone@mailinator.com", true},
		{"disposable-email.json", "email-dst", "SOMEONE@MAILINATOR.COM", true},
		{"disposable-email.json", "email-src", "someone@example.org", false},
		{"disposable-email.json", "domain", "mailinator.com", false},
		{"automated-malware-analysis.json", "url", "https://app.any.run/tasks/1", true},
		{"automated-malware-analysis.json", "url", "https://APP.ANY.RUN/tasks/1", false},
		// regex
		{"common-contact-emails.json", "email-src", "abuse@example.com", true},
		{"common-contact-emails.json", "email-dst", "SOC@example.org", true},
		{"common-contact-emails.json", "email-src", "john@example.com", false},
		// phone_numbers uses /g, which PHP rejects: never a hit, as in MISP.
		{"phone_numbers.json", "phone-number", "+12025550123", false},
	}
	for _, tc := range cases {
		t.Run(tc.list+"/"+tc.typ+"/"+tc.value, func(t *testing.T) {
			ix := buildWLIndex([]*warninglist{loadList(t, tc.list)})
			if got := ix.hit(ix.forType(tc.typ), tc.typ, tc.value); got != tc.want {
				t.Errorf("hit = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestEnforceWarninglist runs restSearch over all shared warninglists.
func TestEnforceWarninglist(t *testing.T) {
	s, err := New(Options{DataDir: sharedData(t), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	attrs := []Attribute{
		{Type: "ip-dst", Value: "8.8.8.8", ToIDS: true},                       // public-dns-v4
		{Type: "ip-dst", Value: "91.219.236.18", ToIDS: true},                 // none
		{Type: "domain", Value: "www.google.com", ToIDS: true},                // hostname lists
		{Type: "domain", Value: "qqzzv-evil.example", ToIDS: true},            // none
		{Type: "md5", Value: "d41d8cd98f00b204e9800998ecf8427e", ToIDS: true}, // empty-hashes
		{Type: "email-src", Value: "x@mailinator.com", ToIDS: true},           // disposable-email
		{Type: "email-src", Value: "abuse@qqzzv-evil.example", ToIDS: true},   // common-contact-emails regex
		{Type: "ip-dst|port", Value: "10.1.1.1|8080", ToIDS: true},            // rfc1918
		{Type: "ip-dst", Value: "2001:db8::5", ToIDS: true},                   // rfc3849
	}
	if _, err := s.AddEvent(Event{ID: 9999, Info: "warninglist probe", Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	all := search(t, s, `{"eventid":9999,"enforceWarninglist":0}`)
	kept := search(t, s, `{"eventid":9999,"enforceWarninglist":1}`)
	if len(all) != len(attrs) {
		t.Fatalf("without enforcement: %d attributes", len(all))
	}
	var values []string
	for _, a := range kept {
		values = append(values, a.Value)
	}
	if got, want := strings.Join(values, " "), "91.219.236.18 qqzzv-evil.example"; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
	rec := call(t, s, "POST", "/attributes/restSearch", `{"eventid":9999,"enforceWarninglist":true}`, nil)
	if got := rec.Header().Get("X-Skipped-Elements-Count"); got != "7" {
		t.Errorf("X-Skipped-Elements-Count %q", got)
	}
	// Paging happens before warninglist filtering, as in MISP.
	if got := len(search(t, s, `{"eventid":9999,"enforceWarninglist":1,"limit":2,"page":1}`)); got != 1 {
		t.Errorf("first page of 2 holds %d attributes, want 1", got)
	}
	// Disabled lists and newly added lists are taken into account.
	if _, err := s.AddWarninglist(Warninglist{Name: "probe", Type: "string", MatchingAttributes: []string{"domain"}, List: []string{"qqzzv-evil.example"}}); err != nil {
		t.Fatal(err)
	}
	if got := len(search(t, s, `{"eventid":9999,"enforceWarninglist":1}`)); got != 1 {
		t.Errorf("after adding a list: %d kept, want 1", got)
	}
	if _, err := s.AddWarninglist(Warninglist{Name: "off", Type: "cidr", List: []string{"91.219.236.0/24"}, Disabled: true}); err != nil {
		t.Fatal(err)
	}
	if got := len(search(t, s, `{"eventid":9999,"enforceWarninglist":1}`)); got != 1 {
		t.Errorf("a disabled list changed the result: %d kept, want 1", got)
	}
}

func TestCompilePHPRegex(t *testing.T) {
	cases := []struct {
		pattern, value string
		match, invalid bool
	}{
		{`/^(security|noc|soc|abuse)\@.*\..*$/i`, "NOC@x.org", true, false},
		{`/abc/`, "xxabcxx", true, false},
		{`/abc/`, "ABC", false, false},
		{`#a/b#`, "a/b", true, false},
		{`{a{2}}`, "aa", true, false},
		{`/a\/b/`, "a/b", true, false},
		{`/^a.b$/s`, "a\nb", true, false},
		{`/x/A`, "yx", false, false},
		{`/x/g`, "x", false, true},
		{`/(?<=a)b/`, "ab", false, true},
		{`abc`, "abc", false, true},
		{`/abc`, "abc", false, true},
	}
	for _, tc := range cases {
		re, err := compilePHPRegex(tc.pattern)
		if (err != nil) != tc.invalid {
			t.Errorf("%s: err = %v, want invalid=%v", tc.pattern, err, tc.invalid)
			continue
		}
		if err == nil && re.MatchString(tc.value) != tc.match {
			t.Errorf("%s on %q: match = %v", tc.pattern, tc.value, !tc.match)
		}
	}
}

// TestACMatcher compares the substring matcher with strings.Contains.
func TestACMatcher(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abc."[r.IntN(4)]
		}
		return string(b)
	}
	for range 200 {
		var pats []string
		for range 1 + r.IntN(8) {
			pats = append(pats, word(1+r.IntN(4)))
		}
		m := newACMatcher(pats)
		for range 50 {
			v := word(r.IntN(12))
			want := false
			for _, p := range pats {
				want = want || strings.Contains(v, p)
			}
			if got := m.match(v); got != want {
				t.Fatalf("patterns %q value %q: got %v want %v", pats, v, got, want)
			}
		}
	}
}
