// Package devicecheck checks list files against the rules of the devices
// that fetch them, so renderer tests can prove their output loads:
//
//   - CheckPANOS: Palo Alto Networks external dynamic lists (IP, domain
//     and URL lists) as PAN-OS 9.0 and later parse them;
//   - CheckFortiOS: FortiGate external threat feeds (address, domain,
//     category and malware hash feeds) and their entry and size caps.
//
// Both also apply the file rules every list served by Cratos keeps: UTF-8
// without BOM, LF line ends, a final newline, no empty lines, no
// surrounding white space, no duplicate entries. Each returns every
// violation with its 1-based line number (0 for whole-file rules), never
// stopping at the first.
package devicecheck
