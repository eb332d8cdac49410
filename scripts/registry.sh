#!/usr/bin/env bash
# A real, local OCI registry for tests: Debian's docker-registry (distribution
# 2.8) on loopback, with TLS from a test CA and htpasswd basic auth, the way
# scripts/controlplane.sh runs the API server.
#
#   scripts/registry.sh start    start (fresh storage), wait until it answers
#   scripts/registry.sh env      print eval-able export lines
#   scripts/registry.sh status   say whether it runs (exit 0 running, 3 not)
#   scripts/registry.sh stop     stop the process this script started
#
# Settings (environment):
#   KUBEGUARD_REG_PORT   port on 127.0.0.1 (default 5101)
#   KUBEGUARD_REG_DIR    run dir: pki/, htpasswd, data/, auth.json (default /tmp/kubeguard-registry)
#   KUBEGUARD_REG_USER   user name for basic auth (default kubeguard)
#   KUBEGUARD_REG_BIN    the registry binary (default docker-registry from PATH)
# The password is random per run dir and stored only in the run dir (mode 600):
# htpasswd (bcrypt), a docker config.json (auth.json) and a podman/skopeo auth
# file (the same file: both read {"auths": {...}}).
set -euo pipefail

PORT="${KUBEGUARD_REG_PORT:-5101}"
RUN="${KUBEGUARD_REG_DIR:-/tmp/kubeguard-registry}"
USER_NAME="${KUBEGUARD_REG_USER:-kubeguard}"
REG_BIN="${KUBEGUARD_REG_BIN:-$(command -v docker-registry || true)}"
TIMEOUT="${KUBEGUARD_REG_TIMEOUT:-30}"

log() { printf 'registry: %s\n' "$*" >&2; }
die() { printf 'registry: error: %s\n' "$*" >&2; exit 1; }

pid_of() {
  local pf="$RUN/registry.pid" pid
  [[ -f "$pf" ]] || return 1
  pid="$(cat "$pf" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$RUN/config.yml" || return 1
  printf '%s' "$pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

password() { cat "$RUN/password"; }

answers() {
  # /v2/ answers 401 without credentials and 200 with them.
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 --cacert "$RUN/pki/ca.crt" \
    -u "$USER_NAME:$(password)" "https://127.0.0.1:$PORT/v2/")" == 200 ]]
}

make_pki() {
  local p="$RUN/pki"
  if [[ -f "$p/ca.crt" && -f "$p/registry.crt" ]] &&
    openssl x509 -checkend 86400 -noout -in "$p/registry.crt" >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$p"; mkdir -p "$p"; chmod 700 "$p"
  (umask 077
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$p/ca.key" 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$p/registry.key" 2>/dev/null)
  openssl req -x509 -new -key "$p/ca.key" -subj "/CN=kubeguard-registry-ca" -days 365 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$p/ca.crt" 2>/dev/null
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$p/registry.ext"
  openssl req -new -key "$p/registry.key" -subj "/CN=127.0.0.1" -out "$p/registry.csr" 2>/dev/null
  openssl x509 -req -in "$p/registry.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$p/registry.ext" -out "$p/registry.crt" 2>/dev/null
  rm -f "$p/registry.csr" "$p/registry.ext"
}

make_auth() {
  if [[ ! -s "$RUN/password" ]]; then
    (umask 077; openssl rand -hex 16 >"$RUN/password")
  fi
  local pw auth
  pw="$(password)"
  (umask 077; htpasswd -Bbn "$USER_NAME" "$pw" >"$RUN/htpasswd" 2>/dev/null) || die "htpasswd failed (apache2-utils)"
  auth="$(printf '%s:%s' "$USER_NAME" "$pw" | base64 -w0)"
  (umask 077; printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}\n' "$PORT" "$auth" >"$RUN/auth.json")
  mkdir -p "$RUN/docker"; cp "$RUN/auth.json" "$RUN/docker/config.json"; chmod 600 "$RUN/docker/config.json"
}

write_config() {
  cat >"$RUN/config.yml" <<YAML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $RUN/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$PORT
  secret: $(openssl rand -hex 16)
  tls:
    certificate: $RUN/pki/registry.crt
    key: $RUN/pki/registry.key
auth:
  htpasswd:
    realm: kubeguard-test-registry
    path: $RUN/htpasswd
YAML
  chmod 600 "$RUN/config.yml"
}

cmd_env() {
  printf 'export KUBEGUARD_REG_ADDR=%q\n' "127.0.0.1:$PORT"
  printf 'export KUBEGUARD_REG_DIR=%q\n' "$RUN"
  printf 'export KUBEGUARD_REG_CA=%q\n' "$RUN/pki/ca.crt"
  printf 'export KUBEGUARD_REG_AUTH=%q\n' "$RUN/auth.json"
  printf 'export KUBEGUARD_REG_DOCKER_CONFIG=%q\n' "$RUN/docker"
}

cmd_status() {
  local pid
  if pid="$(pid_of)"; then
    if answers; then echo "registry: running, ready (https://127.0.0.1:$PORT, pid $pid, run dir $RUN)"
    else echo "registry: running, not answering (pid $pid, run dir $RUN)"; fi
    return 0
  fi
  echo "registry: stopped (run dir $RUN)"; return 3
}

cmd_stop() {
  local pid i
  pid="$(pid_of)" || { rm -f "$RUN/registry.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do [[ -d "/proc/$pid" ]] || break; sleep 0.1; done
  if [[ -d "/proc/$pid" ]] && pid_of >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$RUN/registry.pid"
  log "stopped (pid $pid)"
}

cmd_start() {
  mkdir -p "$RUN"; chmod 700 "$RUN"
  exec 8>"$RUN/.lock"
  flock -w 60 8 || die "timed out waiting for $RUN/.lock"
  if pid_of >/dev/null && answers; then cmd_env; return 0; fi
  cmd_stop
  [[ -n "$REG_BIN" && -x "$REG_BIN" ]] || die "docker-registry not found (scripts/install-deps.sh installs it)"
  command -v htpasswd >/dev/null || die "htpasswd not found (apache2-utils)"
  port_free "$PORT" || die "port 127.0.0.1:$PORT is in use (set KUBEGUARD_REG_PORT)"
  make_pki
  make_auth
  write_config
  rm -rf "$RUN/data"; mkdir -p "$RUN/data"
  : >"$RUN/registry.log"
  setsid "$REG_BIN" serve "$RUN/config.yml" >>"$RUN/registry.log" 2>&1 </dev/null 8>&- &
  printf '%s\n' "$!" >"$RUN/registry.pid"
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    pid_of >/dev/null || { tail -n 20 "$RUN/registry.log" >&2; die "registry exited (log: $RUN/registry.log)"; }
    if answers; then log "ready on https://127.0.0.1:$PORT (run dir $RUN)"; cmd_env; return 0; fi
    sleep 0.2
  done
  tail -n 20 "$RUN/registry.log" >&2; cmd_stop; die "registry not ready after ${TIMEOUT}s"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  status) cmd_status ;;
  -h | --help | help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
