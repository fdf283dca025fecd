#!/bin/sh
# Regenerates renderer.pb.go and renderer_grpc.pb.go from renderer.proto.
# Needs protoc from Debian's protobuf-compiler; the two Go code generators are
# installed at pinned versions into a temporary GOBIN. Run through
# `go generate ./plugins/proto` (or directly, from this directory).
set -eu
cd "$(dirname "$0")"

PROTOC_GEN_GO=google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC=google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2

if ! command -v protoc >/dev/null 2>&1; then
	echo "generate.sh: protoc not found: install the Debian package protobuf-compiler" >&2
	exit 1
fi

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
GOBIN="$bin" go install "$PROTOC_GEN_GO"
GOBIN="$bin" go install "$PROTOC_GEN_GO_GRPC"

protoc \
	--plugin=protoc-gen-go="$bin/protoc-gen-go" \
	--plugin=protoc-gen-go-grpc="$bin/protoc-gen-go-grpc" \
	--go_out=. --go_opt=paths=source_relative \
	--go-grpc_out=. --go-grpc_opt=paths=source_relative \
	renderer.proto
