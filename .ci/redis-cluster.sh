#!/usr/bin/env bash
# Starts (or reuses) a 3-master Redis Cluster on 127.0.0.1:17000-17002 for the
# store's cluster tests. Data is kept in memory only. "stop" shuts it down.
set -euo pipefail
ports=(17000 17001 17002)
dir=${WXCAST_CLUSTER_DIR:-/tmp/wxcast-redis-cluster}

if [ "${1:-start}" = stop ]; then
  for p in "${ports[@]}"; do redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  exit 0
fi

if [ "$(redis-cli -p "${ports[0]}" cluster info 2>/dev/null | tr -d '\r' | grep cluster_state)" = "cluster_state:ok" ]; then
  echo "== redis cluster already up on ${ports[*]}"
  exit 0
fi

echo "== starting redis cluster on ${ports[*]}"
for p in "${ports[@]}"; do
  mkdir -p "$dir/$p"
  redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
  rm -f "$dir/$p/nodes.conf"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$p" --cluster-enabled yes \
    --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 5000 \
    --save "" --appendonly no --dir "$dir/$p" --logfile "$dir/$p/redis.log"
done
for p in "${ports[@]}"; do
  for _ in $(seq 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done
redis-cli --cluster create 127.0.0.1:17000 127.0.0.1:17001 127.0.0.1:17002 \
  --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 100); do
  ok=1
  for p in "${ports[@]}"; do
    [ "$(redis-cli -p "$p" cluster info | tr -d '\r' | grep cluster_state)" = "cluster_state:ok" ] || ok=0
  done
  [ $ok = 1 ] && break
  sleep 0.1
done
echo "== redis cluster ready"
