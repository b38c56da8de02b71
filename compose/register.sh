#!/bin/sh
# Registers the satellites of docker-compose.yml with the controller, as bin/tandem-dev does for a
# local cluster: one node per satellite, reached at its fixed IP address, with a FILE_THIN pool
# whose directory is created in that satellite's data volume. Runs once as the service "register"
# (POSIX sh and curl: the curlimages/curl image); what already exists is left alone, so running it
# again is harmless.
#
#   TANDEM_API       the controller's REST API (default http://controller:3370)
#   TANDEM_NODES     "name=address ..." of the satellites (their port: TANDEM_SATELLITE_PORT, 3366)
#   TANDEM_VOLUMES   where each satellite's data volume is mounted here, as TANDEM_VOLUMES/<name>
#                    (default /satellites)
#   TANDEM_POOL      the pool's name and its directory inside the data volume (default pool1)
#   TANDEM_DATA_DIR  the data volume's path inside the satellite (default /var/lib/tandem)
set -eu

api=${TANDEM_API:-http://controller:3370}
nodes=${TANDEM_NODES:?set TANDEM_NODES to "name=address ..."}
port=${TANDEM_SATELLITE_PORT:-3366}
volumes=${TANDEM_VOLUMES:-/satellites}
pool=${TANDEM_POOL:-pool1}
data_dir=${TANDEM_DATA_DIR:-/var/lib/tandem}
body=$(mktemp)
trap 'rm -f "$body"' EXIT

say() { printf 'register: %s\n' "$*"; }

# method, path, [curl arguments...]: prints the HTTP status; the answer is in $body
call() {
  method=$1 path=$2
  shift 2
  curl -sS --max-time 30 -o "$body" -w '%{http_code}' -X "$method" "$api$path" "$@"
}

# method, path, body, what: POST or PUT that must succeed
change() {
  status=$(call "$1" "$2" -d "$3")
  case "$status" in
    2??) say "$4" ;;
    *) say "could not $4 (HTTP $status):" >&2; cat "$body" >&2; echo >&2; exit 1 ;;
  esac
}

exists() { [ "$(call GET "$1")" = 200 ]; }

# compose starts us once the controller is healthy; when run by hand, wait for it here
tries=0
until [ "$(call GET /health 2>/dev/null || true)" = 200 ]; do
  tries=$((tries + 1))
  [ "$tries" -le 60 ] || { say "the controller at $api did not become healthy" >&2; exit 1; }
  sleep 2
done

for entry in $nodes; do
  node=${entry%%=*} address=${entry#*=}
  if [ ! -d "$volumes/$node" ]; then
    say "no data volume of $node at $volumes/$node; mount it there" >&2
    exit 1
  fi
  mkdir -p "$volumes/$node/$pool"
  if exists "/v1/nodes/$node"; then
    say "node $node is registered already"
  else
    change POST /v1/nodes "{\"name\":\"$node\",\"type\":\"satellite\",\"net_interfaces\":[{\"name\":\"default\",
      \"address\":\"$address\",\"satellite_port\":$port,\"satellite_encryption_type\":\"plain\",\"is_active\":true}]}" \
      "register node $node at $address:$port"
  fi
  if exists "/v1/nodes/$node/storage-pools/$pool"; then
    say "pool $pool on $node exists already"
  else
    change POST "/v1/nodes/$node/storage-pools" "{\"storage_pool_name\":\"$pool\",\"provider_kind\":\"FILE_THIN\",
      \"props\":{\"StorDriver/FileDir\":\"$data_dir/$pool\"}}" "create FILE_THIN pool $pool on $node in $data_dir/$pool"
  fi
done

# the controller dials the satellites itself; tell whether they answered
failed=0
for entry in $nodes; do
  node=${entry%%=*}
  tries=0
  until call GET "/v1/nodes/$node" >/dev/null && grep -q '"connection_status":"ONLINE"' "$body"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 30 ]; then
      say "node $node is not ONLINE after 60 s:" >&2
      cat "$body" >&2
      echo >&2
      failed=1
      break
    fi
    sleep 2
  done
  [ "$tries" -gt 30 ] || say "node $node is ONLINE"
done
[ "$failed" = 0 ] || exit 1
say "done: $api/v1/view/storage-pools shows the pools"
