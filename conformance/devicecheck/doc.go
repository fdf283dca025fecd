// Package devicecheck checks list files against the rules of the devices
// that fetch them, so renderer tests can prove their output loads:
//
//   - CheckPANOS: Palo Alto Networks external dynamic lists (IP, domain
//     and URL lists) as PAN-OS 9.0 and later parse them;
//   - CheckFortiOS: FortiGate external threat feeds (address, domain,
//     category and malware hash feeds) and their entry and size caps;
//   - CheckCheckPoint, CheckDefender, CheckF5, CheckJunos and CheckElastic:
//     the indicator files of Check Point Custom Intelligence Feeds, the
//     Microsoft Defender for Endpoint import, BIG-IP IP Intelligence feed
//     lists, SRX dynamic-address feeds and ECS threat indicator
//     documents, each from its vendor's documented format and limits.
//
// The line-list checkers (PAN-OS, FortiOS, F5, Junos) also apply the file
// rules every list served by Cratos keeps: UTF-8 without BOM, LF line
// ends, a final newline, no empty lines, no surrounding white space, no
// duplicate entries. Each returns every
// violation with its 1-based line number (0 for whole-file rules), never
// stopping at the first.
package devicecheck
