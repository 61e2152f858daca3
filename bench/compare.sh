#!/usr/bin/env bash
# Compare insert-from-url with curl (fetching) and with w3m, lynx, pandoc
# and html2text (converting), in one run, on this machine. Prints ratios,
# MB/s and peak RSS side by side. Everything stays on 127.0.0.1.
#
#   bench/compare.sh [HTML_FILE] [FETCH_BYTES]
#
# HTML_FILE defaults to ../shared/corpus/nodejs-api-all.html when present,
# else to the committed testdata/corpus pages; FETCH_BYTES to 1 GiB.
set -euo pipefail
cd "$(dirname "$0")/.."

html=${1:-}
if [ -z "$html" ]; then
  if [ -f ../shared/corpus/nodejs-api-all.html ]; then
    html=../shared/corpus/nodejs-api-all.html
  else
    html=$(mktemp --suffix=.html)
    cat testdata/corpus/*.html > "$html"
  fi
fi
fetch_bytes=${2:-$((1 << 30))}
runs=${RUNS:-5}

. bench/setup.sh

# best_of CMD...: the best wall time in seconds and the peak RSS in KB of
# $runs runs, as "SECONDS KB".
best_of() {
  local best="" rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" > /dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; return 1; }
    read -r s k < "$tmp/time"
    if [ -z "$best" ] || awk "BEGIN{exit !($s < $best)}"; then best=$s; fi
    [ "$k" -gt "$rss" ] && rss=$k
  done
  echo "$best $rss"
}

row() { # name seconds kb bytes
  awk -v n="$1" -v s="$2" -v k="$3" -v b="$4" 'BEGIN{
    mbs = (s > 0) ? b / s / 1e6 : 0
    printf "%-34s %8.3f s %9.1f MB/s %8.1f MB RSS\n", n, s, mbs, k / 1024 }'
}

echo "== fetch: $fetch_bytes bytes over loopback to /dev/null"
# Times come from hyperfine (mean of $runs runs) when it is installed, as
# /usr/bin/time only has 10 ms steps; peak RSS from /usr/bin/time.
mean_of() {
  if command -v hyperfine > /dev/null; then
    hyperfine -N --warmup 1 --runs "$runs" --export-json "$tmp/m.json" "$*" > /dev/null 2>&1
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$tmp/m.json"
  else
    best_of "$@" | cut -d" " -f1
  fi
}
for type in application/octet-stream text/plain; do
  url="$base/bytes?n=$fetch_bytes&type=$type"
  read -r _ ck < <(RUNS=1 best_of curl -s -o /dev/null "$url")
  read -r _ ik < <(RUNS=1 best_of "$ifu" -s --max-size 0 --max-time 0 "$url")
  cs=$(mean_of curl -s -o /dev/null "$url")
  is=$(mean_of "$ifu" -s --max-size 0 --max-time 0 "$url")
  row "curl ($type)" "$cs" "$ck" "$fetch_bytes"
  row "insert-from-url ($type)" "$is" "$ik" "$fetch_bytes"
  awk -v c="$cs" -v i="$is" 'BEGIN{printf "insert-from-url throughput = %.0f%% of curl'"'"'s\n", 100 * c / i}'
done

echo
echo "== small fetch: whole process, 100 runs each (hyperfine when installed)"
small="$base/bytes?n=2000"
if command -v hyperfine > /dev/null; then
  hyperfine -N --warmup 10 --runs 100 --export-json "$tmp/h.json" \
    "curl -s -o /dev/null $small" "$ifu -s $small" > /dev/null
  python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
c, i = r[0]["mean"], r[1]["mean"]
print(f"curl            {c*1000:7.2f} ms\ninsert-from-url {i*1000:7.2f} ms\nratio           {i/c:7.2f}x curl's time")
PY
else
  read -r cs _ < <(RUNS=20 best_of curl -s -o /dev/null "$small")
  read -r is _ < <(RUNS=20 best_of "$ifu" -s "$small")
  echo "curl $cs s, insert-from-url $is s"
fi

size=$(stat -c %s "$html")
echo
echo "== convert $(basename "$html") ($size bytes), whole process (best of $runs)"
for f in text markdown org; do
  read -r s k < <(best_of "$ifu" -f "$f" "$html")
  row "insert-from-url -f $f" "$s" "$k" "$size"
  eval "ifu_$f=$s"
done
compare() { # name cmd...
  local name=$1; shift
  if command -v "$1" > /dev/null; then
    read -r s k < <(best_of "$@")
    row "$name" "$s" "$k" "$size"
    awk -v s="$s" -v t="$ifu_text" -v n="$name" 'BEGIN{printf "%34s insert-from-url -f text is %.1fx faster\n", "", s / t}'
  else
    echo "$name: not installed"
  fi
}
compare "w3m -dump" w3m -dump -T text/html "$html"
compare "lynx -dump" lynx -dump -force_html -nolist "$html"
compare "html2text" html2text "$html"
compare "pandoc -t plain" pandoc -f html -t plain "$html"
