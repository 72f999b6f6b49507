#!/usr/bin/env bash
# Make sure a Redis server answers at $REDIS_HOST:$REDIS_PORT (default 127.0.0.1:6379): Rasa's lock
# store when several Rasa processes share conversations (README "Scaling out"). Idempotent:
# nothing happens when one answers; else Debian's redis-server is installed (as root, or with
# sudo) when missing and started in the background without persistence (locks are short-lived).
set -euo pipefail
host=${REDIS_HOST:-127.0.0.1}
port=${REDIS_PORT:-6379}
answers() { [ "$(redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = PONG ]; }
if command -v redis-cli >/dev/null && answers; then
  echo "==> Redis answers at $host:$port"
  exit 0
fi
if [ "$host" != 127.0.0.1 ] && [ "$host" != localhost ]; then
  echo "Redis at $host:$port does not answer; start it there (this script starts a local one only)" >&2
  exit 1
fi
if ! command -v redis-server >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if command -v apt-get >/dev/null; then
    echo "==> installing redis-server (Debian package)"
    $sudo apt-get install -y -qq redis-server >/dev/null || { $sudo apt-get update -qq && $sudo apt-get install -y -qq redis-server >/dev/null; }
  else
    echo "no redis-server: install Redis (e.g. brew install redis) and run this again" >&2
    exit 1
  fi
fi
echo "==> starting redis-server on $host:$port"
redis-server --bind "$host" --port "$port" --daemonize yes --save "" --appendonly no \
  --logfile "$PWD/var/redis.log"
for _ in $(seq 50); do answers && exit 0; sleep 0.1; done
echo "redis-server did not answer; see var/redis.log" >&2
exit 1
