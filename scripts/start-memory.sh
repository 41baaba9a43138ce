#!/usr/bin/env bash
# Resident memory of `npm start` in each mode, as README "Start-up and memory" states it: the
# service process and the demo FHIR server's process, after start-up and after 20 rounds of the
# README's example patients (patient-view, the service fetching each chart from a demo FHIR server:
# its own in the default mode; with the demo off, a separate one standing in for the EHR's FHIR
# server, not counted). Needs `npm run build`.
#   bash scripts/start-memory.sh [default|demo-off|postgres ...]
set -euo pipefail
cd "$(dirname "$0")/.."
modes=("$@"); [ ${#modes[@]} -gt 0 ] || modes=(default demo-off postgres)
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1024 }'; }

ehr_port=$(free_port)
DEMO_FHIR_PORT=$ehr_port node dist/src/demo-fhir/process.js >/dev/null 2>&1 &
ehr=$!
trap 'kill $ehr 2>/dev/null || true' EXIT
for _ in $(seq 1 900); do curl -fs "http://127.0.0.1:$ehr_port/fhir/metadata" >/dev/null 2>&1 && break; sleep 0.1; done

printf '| mode | service RSS at ready | service RSS after calls (peak) | demo FHIR process RSS (peak) | total |\n|---|---|---|---|---|\n'
for mode in "${modes[@]}"; do
  port=$(free_port); fport=$(free_port); data=$(mktemp -d)
  env=(PORT=$port DEMO_FHIR_PORT=$fport DATA_DIR=$data LOG_LEVEL=warn MALLOC_ARENA_MAX=1)
  case $mode in
    default) ;;
    demo-off) env+=(DEMO_FHIR=off) ;;
    postgres) env+=(DEMO_FHIR=off DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}) ;;
  esac
  env "${env[@]}" node dist/src/main.js >"$data/out.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 900); do curl -fs "http://127.0.0.1:$port/cds-services" >/dev/null 2>&1 && break; sleep 0.1; done
  demo=$(pgrep -P $pid -f demo-fhir/process.js || true)
  ready=$(kb $pid VmRSS)
  if [ "$mode" = default ]; then fbase=http://127.0.0.1:$fport/fhir; else fbase=http://127.0.0.1:$ehr_port/fhir; fi
  fhir=",\"fhirServer\":\"$fbase\""
  for _ in $(seq 1 20); do
    for patient in pat-new-myeloma pat-cml-pregnant pat-dara-apheresis; do
      curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/cds-services/heme-patient-view" -H 'Content-Type: application/json' \
        -d "{\"hook\":\"patient-view\",\"hookInstance\":\"$(cat /proc/sys/kernel/random/uuid)\"$fhir,\"context\":{\"userId\":\"Practitioner/demo\",\"patientId\":\"$patient\"}}" || true
    done
  done
  svc=$(kb $pid VmRSS); svcpeak=$(kb $pid VmHWM)
  if [ -n "$demo" ]; then d=$(kb "$demo" VmRSS); dpeak=$(kb "$demo" VmHWM); dtext="$(mb "$d") MB ($(mb "$dpeak") MB)"; else d=0; dtext="–"; fi
  printf '| %s | %s MB | %s MB (%s MB) | %s | %s MB |\n' "$mode" "$(mb "$ready")" "$(mb "$svc")" "$(mb "$svcpeak")" "$dtext" "$(mb $((svc + d)))"
  kill -TERM $pid; wait $pid 2>/dev/null || true; rm -rf "$data"
done
