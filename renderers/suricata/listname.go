package suricata

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// The longest site, feed and age a list name holds as they are.
const (
	maxNameSite = 64
	maxNameFeed = 40 // "org:" and a UUID
	maxNameAge  = 8
)

// HashList returns the name of the list file that the file hash rule of
// type t (MD5, SHA1 or SHA256) rendered for req reads from Suricata's rule
// directory: cratos-<site>-<feed>-<age>-md5.lst, -sha1.lst or -sha256.lst
// (cratos-misp.example-block-1y-md5.lst), or cratos-md5.lst and so on for
// a request without a feed. A site of other bytes than ASCII letters,
// digits, '.' and '-', a feed or age of other bytes than letters and
// digits, or a part longer than 64, 40 or 8 bytes is cut short with other
// bytes written '_', and the name gets '_' and 10 hex digits of a hash of
// the three (cratos-misp.example-org_<uuid>-1y_0123456789-md5.lst). One
// name per list lets a sensor read the lists of several sites, feeds and
// ages: suricata-update installs each rule's list under its base name.
// Fetch the list from the suricata-dataset output (type=md5, sha1 or
// sha256) of the same site, feed and age and place it next to the rules.
func HashList(req renderers.Request, t indicator.Type) string {
	kind := t.String()
	if req.Feed == "" {
		return "cratos-" + kind + ".lst"
	}
	return "cratos-" + listLabel(req.Site, req.Feed, req.Age) + "-" + kind + ".lst"
}

// listLabel names the list of one site, feed and age. A label written
// plainly holds no '_' and splits back at its last two '-' (feed and age
// hold none), so it differs from every other plain label and from every
// hashed one.
func listLabel(site, feed, age string) string {
	if plainName(site, maxNameSite, true) && plainName(feed, maxNameFeed, false) && plainName(age, maxNameAge, false) {
		return site + "-" + feed + "-" + age
	}
	sum := sha256.Sum256([]byte(site + "\x00" + feed + "\x00" + age))
	label := fileSafe(site, maxNameSite) + "-" + fileSafe(feed, maxNameFeed)
	if age != "" {
		label += "-" + fileSafe(age, maxNameAge)
	}
	return label + "_" + hex.EncodeToString(sum[:5])
}

// plainName reports whether s is 1 to max ASCII letters and digits, and
// also '.' and '-' when dotDash is set.
func plainName(s string, max int, dotDash bool) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !(dotDash && (c == '.' || c == '-')) {
			return false
		}
	}
	return true
}

// fileSafe returns the first max bytes of s with every byte other than an
// ASCII letter, digit, '.' or '-' written '_'.
func fileSafe(s string, max int) string {
	b := []byte(s[:min(len(s), max)])
	for i, c := range b {
		if !isAlnum(c) && c != '.' && c != '-' {
			b[i] = '_'
		}
	}
	return string(b)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
