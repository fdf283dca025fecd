# MikroTik RouterOS address list from Cratos; load with /import
# site misp.example, feed block, data type ipv4ext
# generated 2026-11-22T06:30:00Z
/ip firewall address-list remove [find list="cratos"]
/ipv6 firewall address-list remove [find list="cratos"]
/ipv6 firewall address-list
add list="cratos" address=2001:db8::1 comment="cratos e7"
/ip firewall address-list
add list="cratos" address=203.0.113.0/24 comment="cratos e8"
/ipv6 firewall address-list
add list="cratos" address=2001:db8:1::/48 comment="cratos"
/ip firewall address-list
add list="cratos" address=198.51.100.7 comment="cratos e9"
