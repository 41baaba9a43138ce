#!/usr/bin/env bash
# Starts the service as a newcomer would (`npm start`: build, then embedded PGlite + demo FHIR
# server), measures the time from process start to the first discovery answer, then exercises
# the README's curl examples and stops the service with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
port=${SMOKE_PORT:-18080}
fport=${SMOKE_FHIR_PORT:-18081}
npm run build >/dev/null
start=$(date +%s%N)
PORT=$port DEMO_FHIR_PORT=$fport DATA_DIR="$data" LOG_LEVEL=warn node dist/src/main.js >"$data/out.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
ok=0
for _ in $(seq 1 200); do
  if curl -fs "http://127.0.0.1:$port/cds-services" >/dev/null 2>&1; then ok=1; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.1
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
if [ $ok -ne 1 ]; then echo "service did not answer discovery within 20 s"; cat "$data/out.log"; exit 1; fi
echo "discovery answered ${ms} ms after start (limit 20000 ms)"
[ "$ms" -lt 20000 ]
# The README's patient-view example against the demo FHIR server.
out=$(curl -fs -X POST "http://127.0.0.1:$port/cds-services/heme-patient-view" -H 'Content-Type: application/json' -H 'Accept-Language: en' \
  -d "{\"hook\":\"patient-view\",\"hookInstance\":\"d1c3f5a2-1111-4e3b-9d44-000000000001\",\"fhirServer\":\"http://127.0.0.1:$fport/fhir\",\"context\":{\"userId\":\"Practitioner/demo\",\"patientId\":\"pat-bortezomib-no-valaciclovir\"}}")
# A rule's code is the card's topic, or listed in a merged card's "urn:heme-cds:rules" extension.
echo "$out" | grep -q '"stage-iss' || { echo "no ISS card: $out"; exit 1; }
echo "$out" | grep -q '"vzv-prophylaxis' || { echo "no valaciclovir card: $out"; exit 1; }
echo "patient-view example: ISS and missing-valaciclovir cards returned"
# The README's order-sign examples: TKI in pregnancy and the daratumumab-to-apheresis gap.
sign() {
  curl -fs -X POST "http://127.0.0.1:$port/cds-services/heme-order-sign" -H 'Content-Type: application/json' \
    -d "{\"hook\":\"order-sign\",\"hookInstance\":\"$(cat /proc/sys/kernel/random/uuid)\",\"fhirServer\":\"http://127.0.0.1:$fport/fhir\",\"context\":{\"userId\":\"Practitioner/demo\",\"patientId\":\"$1\",\"draftOrders\":{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":$2}]}}}"
}
out=$(sign pat-cml-pregnant '{"resourceType":"MedicationRequest","id":"draft-1","status":"draft","intent":"order","subject":{"reference":"Patient/pat-cml-pregnant"},"medicationCodeableConcept":{"coding":[{"system":"http://www.whocc.no/atc","code":"L01EA01"}]}}')
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(c["indicator"]=="critical" and c["source"]["topic"]["code"]=="cml-tki-pregnancy" for c in d["cards"]) else 1)' \
  || { echo "no critical TKI-in-pregnancy card: $out"; exit 1; }
out=$(sign pat-dara-apheresis '{"resourceType":"ServiceRequest","id":"draft-1","status":"draft","intent":"order","subject":{"reference":"Patient/pat-dara-apheresis"},"code":{"coding":[{"system":"urn:heme-cds:local","code":"stem-cell-apheresis"}]},"occurrenceDateTime":"'"$(date -u -d '+4 days' +%F)"'"}')
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(c["indicator"]=="critical" and c["source"]["topic"]["code"]=="dara-apheresis-4-week-gap" for c in d["cards"]) else 1)' \
  || { echo "no critical daratumumab-to-apheresis card: $out"; exit 1; }
echo "order-sign examples: critical TKI-in-pregnancy and daratumumab-to-apheresis cards returned"
kill -TERM $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "service did not stop on SIGTERM"; exit 1; fi
echo "stopped cleanly on SIGTERM"
