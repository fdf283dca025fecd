// Package checkpoint renders Check Point Custom Intelligence Feeds (IoC
// feeds) in the Check Point CSV format: a "# UNIQ-NAME,VALUE,TYPE,
// CONFIDENCE,SEVERITY,PRODUCT,COMMENT" header line, then one record per
// observable with LF line ends, fetched by the Security Gateway's
// ioc_feeds or imported through SmartConsole for the Anti-Bot and
// Anti-Virus blades.
//
// Addresses become IP, IPv4 nets an IP Range ("first-last"), names Domain,
// URLs URL, hashes MD5/SHA1/SHA256, e-mail addresses Mail-from or Mail-to
// and subjects Mail-subject. The format takes IPv4 only: IPv6 addresses
// and nets are left out and reported through Request.Drop, as are
// duplicates after mapping (a name that is both a domain and a hostname),
// values a CSV record cannot carry and entries past the max_entries cap,
// which keeps the newest.
package checkpoint
