# MikroTik RouterOS address list from Cratos; load with /import
# site misp.example, feed block, data type ipv4ext
# generated 2026-11-22T06:30:00Z
/ip firewall address-list remove [find list="misp-block"]
/ipv6 firewall address-list remove [find list="misp-block"]
/ip firewall address-list
add list="misp-block" address=10.0.0.0/8 timeout=1d
add list="misp-block" address=192.0.2.1 timeout=1d
add list="misp-block" address=192.0.2.16/30 timeout=1d
