# Sourced by the bench scripts, from the repository's root: builds
# insert-from-url and the local test server into a temporary folder $tmp
# (removed on exit, the server stopped), starts the server, and sets $ifu
# to the program and $base to the server's URL.
tmp=$(mktemp -d)
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/insert-from-url" .
go build -o "$tmp/server" ./bench/server
"$tmp/server" > "$tmp/url" &
server_pid=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
base=$(cat "$tmp/url")
ifu="$tmp/insert-from-url"
