# MikroTik RouterOS address list from Cratos; load with /import
# site misp.example, feed block, data type ipv4ext
# generated 2026-11-22T06:30:00Z
/ip firewall address-list remove [find list="cratos"]
/ipv6 firewall address-list remove [find list="cratos"]
/ip firewall address-list
add list="cratos" address=10.0.0.0/8 comment="cratos e1001"
add list="cratos" address=192.0.2.1 comment="cratos e1001"
add list="cratos" address=192.0.2.16/30 comment="cratos e1001"
add list="cratos" address=192.0.2.16 comment="cratos e1001"
add list="cratos" address=192.0.2.17 comment="cratos e1001"
add list="cratos" address=192.0.2.18 comment="cratos e1001"
add list="cratos" address=192.0.2.19 comment="cratos e1001"
add list="cratos" address=192.0.2.200 comment="cratos e1001"
add list="cratos" address=198.51.100.0/24 comment="cratos e1001"
add list="cratos" address=198.51.100.7 comment="cratos e1001"
add list="cratos" address=198.51.100.23 comment="cratos e1001"
add list="cratos" address=198.51.100.44 comment="cratos e1001"
add list="cratos" address=198.51.100.128/25 comment="cratos e1001"
add list="cratos" address=203.0.113.0/24 comment="cratos e1001"
add list="cratos" address=203.0.113.77 comment="cratos e1001"
add list="cratos" address=203.0.113.200 comment="cratos e1001"
add list="cratos" address=255.255.255.255 comment="cratos e1001"
/ipv6 firewall address-list
add list="cratos" address=64:ff9b::c000:221 comment="cratos e1002"
add list="cratos" address=2001:db8::/32 comment="cratos e1002"
add list="cratos" address=2001:db8:: comment="cratos e1002"
add list="cratos" address=2001:db8::1 comment="cratos e1002"
add list="cratos" address=2001:db8::5 comment="cratos e1002"
add list="cratos" address=2001:db8::ff00:42:8329 comment="cratos e1002"
add list="cratos" address=2001:db8::1:0:0:1 comment="cratos e1002"
add list="cratos" address=2001:db8:1:2:3:4:5:6/127 comment="cratos e1002"
add list="cratos" address=2001:db8:abcd:12::/64 comment="cratos e1002"
add list="cratos" address=fe80::1 comment="cratos e1002"
