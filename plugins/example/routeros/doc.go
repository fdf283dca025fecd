// Command routeros is a Cratos renderer plugin: it renders IP indicators as
// a MikroTik RouterOS script that replaces the contents of a firewall
// address list in both address families. It is the example of a
// third-party plugin; README.md walks through building, checking,
// configuring and testing it.
//
// Run by hand it only says that it is a plugin; Cratos starts it.
package main
