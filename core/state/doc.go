// Package state keeps named files in the state directory (by
// default state/ beside config/) that must survive a restart: TAXII
// collection histories, last good lists and DNS zones.
//
// A write goes to a temporary file in the same directory, is synced and
// renamed over the old file, and the directory is synced, so a crash
// leaves either the old or the new content. Each file carries a SHA-256
// of its payload; a file that is truncated, corrupt or of another format
// is logged and treated as absent by Read, never returned (ReadFile
// reports it as ErrCorrupt instead). WriteKeep keeps the file it
// replaces as a previous generation to fall back on. WriteParts writes a
// payload given in pieces (a small head and a large body) from where
// they lie, without joining them first. A directory is locked by the
// process that opens it: another process gets ErrInUse.
package state
