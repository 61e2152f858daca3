#!/usr/bin/env bash
# --images beside curl fetching the same images in parallel, in one run, on
# 127.0.0.1: a page of N images (most distinct PNGs of 30 KB, answered after
# DELAY ms each; every tenth a 404, a repeat, one over --max-size, or a
# data: URL). Prints the best of RUNS wall times and their ratio.
#
#   bench/images.sh [N] [DELAY_MS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
delay=${2:-50}
runs=${RUNS:-5}
. bench/setup.sh

page="$base/images?n=$n&delay=$delay"
# The URLs curl fetches: every image --images stores, fetched once each.
"$ifu" -s -f raw "$page" | grep -o 'src="/img/[0-9]*\.png[^"]*"' | sed 's/^src="//; s/"$//' | sort -u |
  sed "s|^|url = \"$base|; s|\$|\"\\noutput = \"/dev/null\"|" > "$tmp/curl.cfg"
count=$(grep -c '^url' "$tmp/curl.cfg")

best() {
  local b="" s0 s
  for _ in $(seq "$runs"); do
    rm -rf "$tmp/img"
    s0=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    s=$(awk "BEGIN{print $(date +%s.%N) - $s0}")
    if [ -z "$b" ] || awk "BEGIN{exit !($s < $b)}"; then b=$s; fi
  done
  echo "$b"
}
ours=$(best "$ifu" -s -f markdown --max-size 1M --images "$tmp/img" "$page")
curl_all=$(best curl -s -Z -K "$tmp/curl.cfg")
curl_16=$(best curl -s -Z --parallel-max 16 -K "$tmp/curl.cfg")
printf '%d images (%d fetched), %s ms each\n' "$n" "$count" "$delay"
printf '%-44s %6.2f s\n' "insert-from-url -f markdown --images" "$ours"
printf '%-44s %6.2f s  (ratio %.2f)\n' "curl -Z (50 at a time)" "$curl_all" "$(awk "BEGIN{print $ours/$curl_all}")"
printf '%-44s %6.2f s  (ratio %.2f)\n' "curl -Z --parallel-max 16" "$curl_16" "$(awk "BEGIN{print $ours/$curl_16}")"
