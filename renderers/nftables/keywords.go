package nftables

import "strings"

// keywords are the words nft reads as a keyword where a table name
// stands, so that "table inet set" is a syntax error and the whole file
// is refused: the words its scanner matches outside any start condition
// in the releases from 0.9.0 to 1.1 (up to 0.9.9 every keyword is read
// everywhere; later releases read some only after the word that opens
// them, such as "saddr" after "ip", and those are kept for the older
// releases). Set names end in "-v4" or "-v6", as no keyword does.
var keywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(keywordList) {
		m[w] = true
	}
	return m
}()

const keywordList = `
accept ackseq add addr ah all and arp auto-merge avgpkt bridge burst bypass
bytes cfi cgroup chain chains checksum classid code comment comp constant
continue count counter counters cpi cpu create ct daddr day dccp define
delete describe destroy device devices direction dnat doff dport drop dscp
dst dup dynamic echo ecn element elements eol eq esp ether event exists
expectation expiration expires export exthdr fanout fastopen fib flags
flow flowlabel flowtable flowtables flush frag frag-off fully-random fwd
gateway gc-interval ge geneve get goto gre gretap group gt handle hbh
hdrlength helper helpers hlen hook hoplimit hour htype ibriport ibrname
icmp icmpv6 icmpx id igmp iif iifgroup iifname iiftype import in inc
include index inet insert interval ip ip6 ipsec jhash json jump kind
l3proto label last last-entry le left length level limit limits list
ll log lshift lsrr lt map maps mark masquerade max-delay maxseg md5sig
memory meta meter meters mh microsecond millisecond minute missing mod
mode monitor more-fragments mptcp mrt mss mtu name nanosecond ne netdev
nexthdr nexthop nftrace nh noop nop not notrack num numgen obriport
obrname offload offset oif oifgroup oifname oiftype operation option
options or original osf out over packets param-problem pcp performance
persistent pkttype plen policy port position prefix priority proto-dst
proto-src protocol ptr ptype queue queue-threshold quota quotas ra
random rate redefine redirect reject rename replace reply reqid reserved
reserved2 reset return right rr rshift rt rt0 rt2 rtclassid rule rules
ruleset sack sack-perm sack-permitted sack0 sack1 sack2 sack3 saddr sctp
secmark secmarks second seed seg-left sequence set sets sid size skgid
skuid snaplen snat socket spi spnum sport srh ssrr state status subtype
symhash synproxy synproxys table tables tag tcp th time timeout timestamp
to tproxy trace transparent transport tsecr tsval ttl tunnel type typeof
udp udplite undefine until update urgptr used value version vlan vm vmap
vni vtag vxlan week wildcard window with wscale xml xor xt zone
`
