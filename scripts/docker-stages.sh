#!/usr/bin/env bash
# The Dockerfile's two stages without Docker (no daemon on these machines): each stage's COPY and
# RUN steps replayed in temporary folders, the COPY lists read from docker/Dockerfile itself so
# this check follows the file. Then the runtime folder is started as the image would start it and
# must answer discovery and the image's own HEALTHCHECK command.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d)
build="$work/build"
runtime="$work/runtime"
mkdir -p "$build" "$runtime"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# COPY lines of one stage ("build" or "runtime"), as "FROM_STAGE|SRC...|DEST".
copies() {
  awk -v stage="$1" '
    /^FROM / { current = ($NF == stage) ? 1 : 0; next }
    current && /^COPY / {
      from = ""; n = 0
      for (i = 2; i <= NF; i++) {
        if ($i ~ /^--from=/) { from = substr($i, 8); continue }
        if ($i ~ /^--/) continue
        args[++n] = $i
      }
      line = from "|"
      for (i = 1; i < n; i++) line = line args[i] " "
      print line "|" args[n]
    }' docker/Dockerfile
}

replay() { # stage dir
  local stage=$1 dir=$2 from srcs dest
  while IFS='|' read -r from srcs dest; do
    for src in $srcs; do
      if [ -n "$from" ]; then src_path="$build/${src#/app/}"; else src_path="$root/$src"; fi
      case "$dest" in
        */) mkdir -p "$dir/$dest"; cp -a "$src_path" "$dir/$dest" ;;
        *) mkdir -p "$(dirname "$dir/$dest")"; cp -a "$src_path" "$dir/$dest" ;;
      esac
    done
  done < <(copies "$stage")
}

echo "== build stage: npm ci, npm run build (in $build)"
replay build "$build"
# Only the manifests and the sources named by the Dockerfile are there: a build that needs more fails here.
(cd "$build" && npm ci --no-audit --no-fund --prefer-offline >/dev/null && npm run build >/dev/null)

echo "== runtime stage: npm ci --omit=dev, compiled code and data files (in $runtime)"
replay runtime "$runtime"
(cd "$runtime" && npm ci --omit=dev --no-audit --no-fund --prefer-offline >/dev/null)
if [ -e "$runtime/node_modules/typescript" ] || [ -e "$runtime/node_modules/jest" ]; then
  echo "!! development dependencies in the runtime stage" >&2; exit 1
fi
[ -f "$runtime/dist/src/main.js" ] || { echo "!! dist/src/main.js missing from the runtime stage" >&2; exit 1; }
echo "runtime stage: $(du -sh "$runtime" | cut -f1) ($(ls "$runtime/node_modules" | wc -l) top-level packages)"

echo "== start the runtime stage as the image does (CMD node dist/src/main.js)"
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
data="$work/data"
mkdir -p "$data"
# The image's ENV, with HOST on loopback: this machine has no trusted clients to configure for 0.0.0.0.
(cd "$runtime" && NODE_ENV=production MALLOC_ARENA_MAX=1 HOST=127.0.0.1 PORT=$port DEMO_FHIR=off DATA_DIR="$data" LOG_LEVEL=warn \
  node dist/src/main.js >"$work/out.log" 2>&1) &
pid=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$port/cds-services" >"$work/discovery.json" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/out.log"; exit 1; }
  sleep 0.1
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); ids=[s["id"] for s in d["services"]]; assert "heme-patient-view" in ids, ids; print("discovery answered:", ", ".join(ids))' "$work/discovery.json"
# The Dockerfile's HEALTHCHECK command, run as written.
health=$(sed -n 's/^  CMD \["node", "-e", "\(.*\)"\]$/\1/p' docker/Dockerfile | sed 's/\\"/"/g')
[ -n "$health" ] || { echo "!! HEALTHCHECK command not found in docker/Dockerfile" >&2; exit 1; }
(cd "$runtime" && PORT=$port node -e "$health") && echo "HEALTHCHECK command: healthy"
kill -TERM "$pid"; wait "$pid" || true; pid=""
echo "runtime stage stopped on SIGTERM"
