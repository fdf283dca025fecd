// Package mispsim emulates the parts of the MISP 2.5 REST API that Cratos
// uses, so that the Cratos MISP client, the export pipeline and benchmarks
// can run without a MISP instance.
//
// A Server is an http.Handler. Use it with httptest.NewServer, or call
// Start for a loopback listener and Close to stop it:
//
//	s, err := mispsim.New(mispsim.Options{DataDir: testtool.SharedData(), TagPrefix: "cratos"})
//	url, err := s.Start("")
//	defer s.Close()
//
// # Endpoints
//
// Every request must carry the configured key in the Authorization header,
// or MISP's 403 "Authentication failed…" JSON comes back. Paths are matched
// case-insensitively, with or without a .json extension:
//
//   - POST /attributes/restSearch: attribute search (see below)
//   - GET /servers/getVersion, /servers/getPyMISPVersion.json
//   - GET /users/view/me: {"User":…,"Role":…,"UserSetting":[],"Organisation":…}
//     for the user of the key (Options.Key is user 1; Options.Users adds more)
//   - GET /attributes/describeTypes: the types in the data plus the usual ones
//   - GET /attributes/attributeStatistics[/type|category[/1]]: counts as strings,
//     sorted by key; [] when the store is empty
//   - GET /warninglists/index and /warninglists/view/{id}
//   - GET /events/view/{id|uuid}: the full event
//   - GET or POST /events/index: events by published, eventid, timestamp
//     and publish_timestamp, full rows with EventTag or minimal rows
//   - MISP's writes, with its timestamp and soft-delete rules (see
//     README.md): POST /events/add, /events/edit/{id}, /events/delete/{id}
//     (for good, as MISP deletes events), /events/publish/{id},
//     /events/unpublish/{id}, /events/addTag, /events/removeTag,
//     /attributes/add/{event_id}, /attributes/edit/{id},
//     /attributes/delete/{id} (soft; hard with /hard:1 or {"hard":1}),
//     /attributes/addTag, /attributes/removeTag, /tags/edit/{id} (a
//     tag's name or colour; a rename moves no timestamp).
//     Writes use Options.Now (Unix seconds) and are safe alongside
//     searches. Any key may do all of them: roles and organisation
//     ownership are not checked. /events/add makes the writer's
//     organisation the event's owner, which alone sees it while
//     unpublished under Options.UnpublishedPrivate, and alone sees what
//     has distribution 0; distribution 4 reaches the organisations of
//     the Options.SharingGroups group named by sharing_group_id.
//   - GET or POST /tags/search[/{tag}[/{strict}]]: tags by name (a
//     case-insensitive LIKE pattern, as restSearch's tags filter), each
//     {"Tag":…}; the body's "tag" (a name or a list) names them too
//   - GET /mispsim/stats and POST /mispsim/stats/reset: the emulator's own
//     counters (see Counters)
//
// Other paths give MISP's 404 JSON. Errors use MISP's body
// {"name":…,"message":…,"url":…}: a body that is not JSON gives 405
// "Invalid JSON input…", an empty search 400.
//
// # restSearch
//
// The JSON body (optionally wrapped in {"request":…}) is read with MISP's
// loose PHP typing; a parameter whose value is JSON false is ignored, as in
// MISP, so "published":false and "to_ids":false do not filter. Supported:
// type and category (lists, "a&&!b", {"OR","NOT","AND"}, % patterns), tags
// (entries OR'd, each matching an attribute or an event tag; "!tag"
// excludes attributes whose attribute or event carries it; SQL LIKE with %
// and _, case-insensitive; numeric tag ids; an unknown positive tag gives
// an empty result, an unknown negative one is ignored; AND lists, each tag
// required, empty unless the names match as many tags as were listed), value
// (value1 or value2), published, to_ids ("exclude" means 0), timestamp
// and attribute_timestamp (attribute timestamp), event_timestamp (event
// timestamp), publish_timestamp and last (event publish_timestamp): each
// ≥ a Unix time, numeric string, "30d", "12h", "90m", "45s" or date, or
// within a [from, to] pair; org (Orgc name, uuid or id), eventid (id or
// uuid; an AND list wants the event among its uuids and among its ids),
// uuid (attribute or event uuid), deleted (soft-deleted attributes
// are excluded unless deleted is 1, "only" or [0,1]; as in MISP, 1 and
// "only" also drop every attribute of a live object), includeEventTags
// (event tags appended to "Tag", marked inherited), enforceWarninglist,
// limit and page (1-based), order (as MISP's findOrder accepts it; one
// rule it refuses drops the order); README.md names the MISP source of
// each. Results are in attribute id order unless order says otherwise
// (Options.UnorderedPlans varies it from page to page when no order
// applies, as MySQL may) and written as {"response": {"Attribute": [...]}} with the
// attribute fields, types and key order of MISP's JSON export; attribute
// tags appear under "Tag". As in MISP, limit and page select rows before
// warninglists drop values, so with enforceWarninglist a page can be
// shorter than the limit while later pages still hold results.
//
// # Warninglists
//
// All five kinds work as in MISP's Warninglist model. cidr: the value (or,
// for composite types, either half) is an IPv4 or IPv6 address, optionally
// with a prefix length, inside a listed network (bare entries are /32 or
// /128; an IPv4 entry with host bits set never matches, as in MISP).
// hostname: the host part of the value, or any parent domain, is listed
// (entries lose leading and trailing dots). string: exact match. substring:
// the value contains an entry. regex: PCRE patterns with delimiters; a
// modifier PHP rejects (such as /g) makes the pattern never match, as
// preg_match fails on it, and PCRE-only syntax the Go engine lacks fails the
// same way. Comparisons are case-sensitive, as in MISP (hostname entries
// are lower-cased), on the value in the case MISP stores it: lower case
// for domain, hostname, e-mail, hash and fingerprint types (the hash of a
// filename|hash), upper case for http-method, hex, vulnerability,
// weakness, iban and bic, as given otherwise (a url keeps its case, so
// https://WWW.EXAMPLE.COM/ is not on a hostname list of example.com),
// although values are returned as they were loaded. A list applies to the
// attribute types in its matching_attributes, or to all types when there
// are none.
//
// # Data
//
// Options.DataDir is read at New: event files (*.json, in misp-events/ when
// that folder exists) in any of the three wrappers MISP writes
// ({"Event":…}, {"response":[{"Event":…}]}, a bare event), including
// attributes inside objects, event tags and attribute tags (proposals are
// not attributes); JSON documents that are not events are skipped, a file
// that is not JSON is an error naming it. Every *.json in warninglists/ is
// loaded as an enabled list. Events, attributes, objects and tags get fresh
// ids in file-name order.
//
// Loaded events are moved in time so that age filters see recent data:
// ranked by their newest attribute (newest first), the event of rank r out
// of n gets its newest attribute at age 20 min × (540 d / 20 min)^(r/(n−1)),
// that is spread evenly on a log scale from 20 minutes to 540 days before
// Options.Now. All attributes of an event move together, keeping their
// spacing, unless one would become older than 730 days; then the event's
// span is compressed to fit. first_seen and last_seen move along.
//
// With Options.TagPrefix, every loaded event also gets the event tag
// "<prefix>:incident-classification=<class>", the class chosen from a hash
// of the event uuid (block 22%, incident 20%, alert 18%, hunt 15%, cust1
// 10%, cust2 10%, false-positive 5%), and a third of the unpublished
// events are marked published so that published-only feeds have data.
// to_ids stays as loaded.
//
// Options.Generate adds that many attributes, 1,000 per event, fully
// determined by Options.Seed (and Options.Now and the data read): a
// realistic mix of network, hash, e-mail, crypto-currency, rule and other
// types; values drawn from DataDir/indicators/*.txt when present (as found,
// messy) or synthesised (with junk, IPv6, CIDRs with host bits, IDN, upper
// case and trailing dots), a few taken from the loaded warninglists;
// timestamps uniform over the last two years; about 80% to_ids, 0.5%
// deleted, some in objects, some with attribute tags, every event with a
// classification tag (prefix "cratos" when TagPrefix is empty).
//
// Each attribute's JSON is encoded once, when it is added; searches test
// compact precomputed fields and write the stored bytes, and the matches of
// a paged query are kept until the data changes, so that paging through a
// large result scans the store once. Warninglist hits are computed for all
// attributes on the first enforceWarninglist search after a change.
//
// # Test helpers
//
// AddEvent and AddWarninglist build exact data sets. SetFault simulates
// slow answers, error statuses, HTML login pages, truncated bodies and
// connection resets. RestSearchCount, Requests and ResetRequests show what
// clients sent.
package mispsim
