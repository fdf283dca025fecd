# MikroTik RouterOS address list from Cratos; load with /import
# site misp.example, feed block, data type ipv4ext
# generated 2026-11-22T06:30:00Z
/ip firewall address-list remove [find list="cratos"]
/ipv6 firewall address-list remove [find list="cratos"]
