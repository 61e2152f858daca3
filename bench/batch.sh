#!/usr/bin/env bash
# Many pages in one run against one process a page: go-readability's test
# pages (in the module cache), --readable -f markdown, as files and over
# 127.0.0.1 with a 50 ms answer delay. Prints both times and the ratio.
#
#   bench/batch.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
if [ -z "$bin" ]; then bin=$(mktemp); go build -o "$bin" .; fi
dir=$(go list -m -f '{{.Dir}}' codeberg.org/readeck/go-readability/v2)/test-pages
list=$(mktemp)
ls "$dir"/*/source.html > "$list"
n=$(wc -l < "$list")
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
loop() { while read -r f; do "$bin" --readable -f markdown "$f"; done < "$1"; }
one=$(t loop "$list")
many=$(t "$bin" --readable -f markdown --input-file "$list")
echo "files: $n pages, one process a page ${one}s, one run ${many}s ($(echo "scale=2; $one / $many" | bc)x)"
# Over HTTP with a delay, where parallel fetches pay off.
"$bin" --version > /dev/null
out=$(mktemp)
go build -o "$out.server" ./bench/server
"$out.server" > "$out" &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.2; done
base=$(head -1 "$out")
sed "s#^#$base/file?delay=50\&path=#" "$list" > "$list.http"
one=$(t loop "$list.http")
many=$(t "$bin" --readable -f markdown --input-file "$list.http")
echo "http, 50 ms a page: one process a page ${one}s, one run (--parallel 4) ${many}s ($(echo "scale=2; $one / $many" | bc)x)"
