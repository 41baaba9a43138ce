#!/usr/bin/env bash
# `npm run test:integration` against the demo FHIR server running as its own process over real
# HTTP (node dist/src/demo-fhir/process.js, as `npm start` forks it). The service under test runs
# inside the test:integration process (see README, "Integration testing"). Needs `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${DEMO_FHIR_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}
log=$(mktemp)
DEMO_FHIR_PORT=$port node dist/src/demo-fhir/process.js >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/fhir/metadata" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
echo "demo FHIR server (pid $pid) at http://127.0.0.1:$port/fhir"
npm run --silent test:integration -- --fhir-base "http://127.0.0.1:$port/fhir"
