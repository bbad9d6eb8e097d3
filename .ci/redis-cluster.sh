#!/usr/bin/env bash
# Starts (or reuses) a 3-master Redis Cluster on 127.0.0.1:17000-17002 for the
# store's cluster tests. Data is kept in memory only. "stop" shuts down the
# servers this script started (and only those).
set -euo pipefail
ports=(17000 17001 17002)
dir=${CI_REDIS_CLUSTER_DIR:-/tmp/wxcast-redis-cluster}

# ours reports whether the server on port $1 was started by this script:
# its working directory is ours.
ours() {
  [ "$(redis-cli -p "$1" config get dir 2>/dev/null | tail -n1 | tr -d '\r')" = "$dir/$1" ]
}

if [ "${1:-start}" = stop ]; then
  for p in "${ports[@]}"; do ours "$p" && redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  exit 0
fi

state() { redis-cli -p "$1" cluster info 2>/dev/null | tr -d '\r' | grep cluster_state || true; }

all_ok=1
for p in "${ports[@]}"; do [ "$(state "$p")" = "cluster_state:ok" ] || all_ok=0; done
if [ $all_ok = 1 ]; then
  echo "== redis cluster already up on ${ports[*]}"
  exit 0
fi

echo "== starting redis cluster on ${ports[*]}"
for p in "${ports[@]}"; do
  if redis-cli -p "$p" ping >/dev/null 2>&1; then
    if ! ours "$p"; then
      echo "port $p is taken by a Redis this script did not start; not touching it" >&2
      exit 1
    fi
    redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
  fi
  mkdir -p "$dir/$p"
  rm -f "$dir/$p/nodes.conf"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$p" --cluster-enabled yes \
    --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 5000 \
    --save "" --appendonly no --dir "$dir/$p" --logfile "$dir/$p/redis.log"
done
for p in "${ports[@]}"; do
  for _ in $(seq 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$p" ping >/dev/null 2>&1 || { echo "redis on $p did not start" >&2; exit 1; }
done
redis-cli --cluster create 127.0.0.1:17000 127.0.0.1:17001 127.0.0.1:17002 \
  --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 200); do
  ok=1
  for p in "${ports[@]}"; do [ "$(state "$p")" = "cluster_state:ok" ] || ok=0; done
  [ $ok = 1 ] && break
  sleep 0.1
done
if [ $ok != 1 ]; then echo "redis cluster did not become ok" >&2; exit 1; fi
echo "== redis cluster ready"
