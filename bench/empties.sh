#!/bin/bash
# bench/empties.sh BIN [FLAGS...] counts the pages of ../shared/wcxb-dev
# (but those whose content is not in their HTML, not-in-html.txt) that BIN
# converts to nothing but white space, and lists them.
#   bench/empties.sh ./insert-from-url -f org --readable
set -u
BIN=$1
shift
dev=$(dirname "$0")/../../shared/wcxb-dev
skip=$(grep -v '^#' "$dev/not-in-html.txt" | awk '{print $1}')
n=0 e=0 list=""
for f in "$dev"/html/*.html.gz; do
  id=$(basename "$f" .html.gz)
  if echo "$skip" | grep -qx "$id"; then continue; fi
  n=$((n + 1))
  c=$(zcat "$f" | "$BIN" "$@" - 2>/dev/null | tr -d ' \n\t\0' | head -c 10 | wc -c)
  if [ "$c" -eq 0 ]; then e=$((e + 1)); list="$list $id"; fi
done
echo "wcxb-dev: $e of $n pages empty:$list"
