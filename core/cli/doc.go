// Package cli implements the cratos command: serve, demo, token and
// plugin subcommands. Every subcommand has --help; a bad flag or file
// prints one clear line and exits with status 2.
package cli
