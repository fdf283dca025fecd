// Package defender renders Microsoft Defender for Endpoint indicator
// import files: CSV with the twelve columns of the portal's import
// (Settings > Endpoints > Indicators > Import), one indicator per row,
// at most 500 rows per file.
//
// Hashes become FileMd5, FileSha1 or FileSha256 rows, single public
// addresses IpAddress, names DomainName and URLs Url. Defender refuses
// CIDRs and internal addresses, so nets and private, loopback,
// link-local, multicast and shared (100.64.0.0/10) addresses are left out
// and reported through Request.Drop, as are duplicates after mapping and
// rows past max_entries (500 by default, the portal's limit), which keeps
// the newest. ExpirationTime is Request.Generated plus expire_days.
// Fields a spreadsheet would run as formulas are neutralised unless
// excel_safe is false.
package defender
