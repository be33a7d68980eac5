#!/usr/bin/env bash
# End-to-end check of tests/opensearch/cluster: start 3 nodes, create a 3x1 index
# with a Turkish custom analyzer (proves analysis-common is loaded), _analyze,
# index + search, kill node 2 (yellow, still searchable via node 1), stop.
# Leaves nothing running. Usage: tests/opensearch/smoke_test.sh
set -euo pipefail
DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
CLUSTER="$DIR/cluster"
trap '"$CLUSTER" stop >/dev/null 2>&1 || true' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

U="$("$CLUSTER" start 3 | tail -n 1)"
echo "url: $U"
h="$(curl -sf "$U/_cluster/health" | json 'd["status"], d["number_of_nodes"]')"
[[ "$h" == "green 3" ]] || fail "health: $h"

curl -sf -XPUT "$U/trtest" -H 'Content-Type: application/json' -d '{
  "settings": {
    "number_of_shards": 3, "number_of_replicas": 1,
    "analysis": {
      "char_filter": {"tr_map": {"type": "mapping", "mappings": ["â => a", "î => i", "û => u"]}},
      "filter": {
        "tr_lower": {"type": "lowercase", "language": "turkish"},
        "tr_stop":  {"type": "stop", "stopwords": "_turkish_"},
        "tr_stem":  {"type": "snowball", "language": "Turkish"},
        "trunc":    {"type": "truncate", "length": 12}
      },
      "analyzer": {
        "tr": {"type": "custom", "tokenizer": "standard", "char_filter": ["tr_map"],
               "filter": ["apostrophe", "tr_lower", "tr_stop", "tr_stem", "asciifolding", "trunc"]}
      }
    }
  },
  "mappings": {"properties": {"body": {"type": "text", "analyzer": "tr"}}}
}' >/dev/null
curl -sf "$U/_cluster/health/trtest?wait_for_status=green&timeout=60s" >/dev/null || fail "index not green"

tokens="$(curl -sf "$U/trtest/_analyze" -H 'Content-Type: application/json' \
    -d "{\"analyzer\": \"tr\", \"text\": \"KIZILAY Derneği'ne gümrük ve kâğıt\"}" \
    | json '" ".join(t["token"] for t in d["tokens"])')"
echo "_analyze: $tokens"
[[ "$tokens" == "kizilay dernek gumruk kagit" ]] || fail "unexpected tokens: $tokens"

curl -sf -XPOST "$U/trtest/_doc/1" -H 'Content-Type: application/json' -d "{\"body\": \"KIZILAY Derneği'ne gümrük\"}" >/dev/null
curl -sf -XPOST "$U/trtest/_doc/2" -H 'Content-Type: application/json' -d '{"body": "Gümrükler kapandı"}' >/dev/null
curl -sf -XPOST "$U/trtest/_doc/3" -H 'Content-Type: application/json' -d '{"body": "Ankara"}' >/dev/null
curl -sf -XPOST "$U/trtest/_refresh" >/dev/null
search() {
    curl -sf "$U/trtest/_search" -H 'Content-Type: application/json' \
        -d '{"query": {"match": {"body": "gümrüğü"}}}' | json 'd["hits"]["total"]["value"]'
}
hits="$(search)"
[[ "$hits" == 2 ]] || fail "expected 2 hits for gümrüğü, got $hits"
echo "search (3 nodes): $hits hits"

"$CLUSTER" kill 2
st=""
for _ in $(seq 1 60); do
    st="$(curl -sf "$U/_cluster/health" | json 'd["status"], d["number_of_nodes"]' || true)"
    [[ "$st" == "yellow 2" ]] && break
    sleep 1
done
[[ "$st" == "yellow 2" ]] || fail "after kill 2 expected 'yellow 2', got '$st'"
hits="$(search)"
[[ "$hits" == 2 ]] || fail "after kill 2 expected 2 hits, got $hits"
echo "after kill 2: health $st, search still $hits hits"

"$CLUSTER" stop
trap - EXIT
if ps -eo args | grep -F -- "-Dsearcher.testcluster.work=$DIR/work " | grep -qv grep; then
    fail "java processes left after stop"
fi
echo "OK"
