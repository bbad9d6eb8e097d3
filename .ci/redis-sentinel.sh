#!/usr/bin/env bash
# Starts (or reuses) a Redis primary on 127.0.0.1:17100, its replica on
# 17101 and three Sentinels on 17110-17112 watching them as master
# "wxcast", for the Sentinel failover test. Sentinels call the primary
# down after 1 s, so a failover takes a few seconds. Data is kept in memory
# only. The roles may be swapped by an earlier failover: whichever of the
# two is the primary now is fine. "stop" shuts down the servers this script
# started (and only those).
set -euo pipefail
master=wxcast
data_ports=(17100 17101)
sentinel_ports=(17110 17111 17112)
dir=${CI_REDIS_SENTINEL_DIR:-/tmp/wxcast-redis-sentinel}

# ours reports whether the server on port $1 was started by this script:
# its working directory (a data server) or its config file (a Sentinel,
# which has no CONFIG GET) is ours.
ours() {
  [ "$(redis-cli -p "$1" config get dir 2>/dev/null | tail -n1 | tr -d '\r')" = "$dir/$1" ] ||
    redis-cli -p "$1" info server 2>/dev/null | tr -d '\r' | grep -qx "config_file:$dir/$1/sentinel.conf"
}

if [ "${1:-start}" = stop ]; then
  for p in "${sentinel_ports[@]}" "${data_ports[@]}"; do
    ours "$p" && redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
  done
  exit 0
fi

# healthy: every Sentinel knows a master, sees one replica and the other
# Sentinels, and the master it names answers as one.
healthy() {
  for s in "${sentinel_ports[@]}"; do
    local info
    info=$(redis-cli -p "$s" sentinel master "$master" 2>/dev/null | tr -d '\r') || return 1
    [ "$(grep -A1 -x num-slaves <<<"$info" | tail -n1)" = 1 ] || return 1
    [ "$(grep -A1 -x num-other-sentinels <<<"$info" | tail -n1)" = 2 ] || return 1
    grep -A1 -x flags <<<"$info" | tail -n1 | grep -qx master || return 1
  done
  local port p
  port=$(redis-cli -p "${sentinel_ports[0]}" sentinel get-master-addr-by-name "$master" | tail -n1 | tr -d '\r')
  redis-cli -p "$port" role 2>/dev/null | head -n1 | grep -qx master || return 1
  # Right after a failover the old primary still says it is one until
  # the Sentinels turn it into the replica: not healthy yet.
  for p in "${data_ports[@]}"; do
    [ "$p" = "$port" ] && continue
    redis-cli -p "$p" info replication 2>/dev/null | tr -d '\r' | grep -qx master_link_status:up || return 1
  done
}

# A setup that is up but in the middle of a failover settles in seconds.
if redis-cli -p "${sentinel_ports[0]}" ping >/dev/null 2>&1; then
  for _ in $(seq 150); do healthy && break; sleep 0.1; done
fi
if healthy; then
  echo "== redis sentinel already up: master $master on $(redis-cli -p "${sentinel_ports[0]}" \
    sentinel get-master-addr-by-name "$master" | tr -d '\r' | paste -sd:)"
  exit 0
fi

echo "== starting redis primary 17100, replica 17101, sentinels ${sentinel_ports[*]}"
for p in "${data_ports[@]}" "${sentinel_ports[@]}"; do
  if redis-cli -p "$p" ping >/dev/null 2>&1; then
    if ! ours "$p"; then
      echo "port $p is taken by a Redis this script did not start; not touching it" >&2
      exit 1
    fi
    redis-cli -p "$p" shutdown nosave >/dev/null 2>&1 || true
  fi
  rm -rf "${dir:?}/$p"
  mkdir -p "$dir/$p"
done
for p in "${data_ports[@]}"; do
  extra=()
  [ "$p" = 17101 ] && extra=(--replicaof 127.0.0.1 17100)
  redis-server --daemonize yes --bind 127.0.0.1 --port "$p" --save "" --appendonly no \
    --dir "$dir/$p" --logfile "$dir/$p/redis.log" "${extra[@]}"
done
for p in "${sentinel_ports[@]}"; do
  # A Sentinel rewrites its config file as it learns; each has its own.
  cat >"$dir/$p/sentinel.conf" <<EOF
bind 127.0.0.1
port $p
dir $dir/$p
logfile $dir/$p/sentinel.log
daemonize yes
sentinel monitor $master 127.0.0.1 17100 2
sentinel down-after-milliseconds $master 1000
sentinel failover-timeout $master 5000
sentinel parallel-syncs $master 1
EOF
  redis-server "$dir/$p/sentinel.conf" --sentinel
done
for p in "${data_ports[@]}" "${sentinel_ports[@]}"; do
  for _ in $(seq 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$p" ping >/dev/null 2>&1 || { echo "redis on $p did not start" >&2; exit 1; }
done
for _ in $(seq 300); do healthy && break; sleep 0.1; done
healthy || { echo "redis sentinel did not see the primary, its replica and each other" >&2; exit 1; }
echo "== redis sentinel ready"
