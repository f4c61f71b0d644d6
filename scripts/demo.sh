#!/usr/bin/env bash
# Builds libtq and runs the classic producer/consumer demo (examples/producer_consumer.c).
# Needs only cargo and a C compiler. Pass --fast to skip the demo's sleeps.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tools.sh # CARGO_TARGET_DIR=target: the link below reads target/release
tq_native_libs
cargo build --release --quiet
mkdir -p target/demo
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -Iinclude examples/producer_consumer.c \
    target/release/libtq.a "${TQ_NATIVE_LIBS[@]}" -o target/demo/producer_consumer
exec target/demo/producer_consumer "$@"
