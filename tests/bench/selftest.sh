#!/bin/sh
# smcr_bench self-test on the host over TCP loopback: each test kind must measure something and
# report no error (smcr_bench exits 4 otherwise); the JSON must carry the fields the suite reads.
set -eu
bench=$1
port=$((20000 + $$ % 20000))
"$bench" server --family tcp --port "$port" &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
i=0
while ! "$bench" client 127.0.0.1 --family tcp --port "$port" --test rr --size 1 --time 0.1 >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 50 ] || { echo "server did not come up"; exit 1; }; sleep 0.1
done
"$bench" client 127.0.0.1 --family tcp --port "$port" --test stream --size 64k --time 0.5 --conns 2
"$bench" client 127.0.0.1 --family tcp --port "$port" --test rr --size 1 --time 0.5
"$bench" client 127.0.0.1 --family tcp --port "$port" --test crr --size 1k --time 0.5
out=$("$bench" client 127.0.0.1 --family tcp --port "$port" --test rr --size 1k --time 0.3 --json --label self)
echo "$out"
case "$out" in
*'"label":"self"'*'"test":"rr"'*'"p50_us":'*'"errors":0}') ;;
*) echo "unexpected JSON: $out"; exit 1 ;;
esac
if "$bench" client 127.0.0.1 --family tcp --port 1 --test rr --time 0.2 >/dev/null 2>&1; then
	echo "a client without a server must fail"; exit 1
fi
echo "selftest ok"
