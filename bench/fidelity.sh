#!/usr/bin/env bash
# Structural fidelity on real pages, ours beside pandoc and w3m, in one run:
# the share of each page's visible headings, list items, table cells (all,
# and those of data tables), code blocks, links and 4-word shingles found
# again in the output once it is read back (see internal/fidelity).
#
#   bench/fidelity.sh [PAGES]
#
# PAGES: comma-separated folders or files; by default go-readability's 134
# test pages and ../shared/realpages/pages when present. Needs emacs for
# the Org rows; pandoc and w3m rows are skipped when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=()
[ $# -gt 0 ] && pages=(-pages "$1")
run() { go run ./bench/fidelity/run "${pages[@]}" "$@" 2>/dev/null; }

run -format markdown | head -1
run -format markdown | tail -1
command -v pandoc >/dev/null && run -format markdown -name "pandoc gfm" -cmd 'pandoc -f html -t gfm --wrap=none {file}' | tail -1
if command -v emacs >/dev/null; then
  run -format org | tail -1
  command -v pandoc >/dev/null && run -format org -name "pandoc org" -cmd 'pandoc -f html -t org --wrap=none {file}' | tail -1
fi
run -format text | tail -1
command -v w3m >/dev/null && run -format text -name "w3m -dump" -cmd 'w3m -dump -T text/html {file}' | tail -1
true
