// Package server is the HTTP face of Cratos and the only package that
// imports Fiber: the original's routes with their parameters, status codes
// and {"detail": ...} bodies, authentication and allow-list checks, the
// mapping of every failure to an HTTP status, and the headers that make
// lists cacheable (ETag, Last-Modified, X-Cache, gzip).
package server
