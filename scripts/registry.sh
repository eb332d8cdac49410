#!/usr/bin/env bash
# A real, local OCI registry for tests: Debian's docker-registry (distribution
# 2.8) on loopback, with TLS from a test CA and htpasswd basic auth, the way
# scripts/controlplane.sh runs the API server. In token mode the registry asks
# for Bearer tokens instead, issued by scripts/registry/token_server.py (a
# token server per the distribution token auth spec, HTTPS from the same CA)
# to the same user and password.
#
#   scripts/registry.sh start    start (fresh storage), wait until it answers
#   scripts/registry.sh env      print eval-able export lines
#   scripts/registry.sh status   say whether it runs (exit 0 running, 3 not)
#   scripts/registry.sh stop     stop the processes this script started
#
# Settings (environment):
#   KUBEGUARD_REG_PORT   port on 127.0.0.1 (default 5101)
#   KUBEGUARD_REG_DIR    run dir: pki/, htpasswd, data/, auth.json (default /tmp/kubeguard-registry)
#   KUBEGUARD_REG_USER   user name for basic auth (default kubeguard)
#   KUBEGUARD_REG_BIN    the registry binary (default docker-registry from PATH)
#   KUBEGUARD_REG_AUTH_MODE  basic (default: htpasswd) or token (Bearer tokens
#                        from the token server; its JSON-lines log is token.log)
#   KUBEGUARD_REG_TOKEN_PORT  the token server's port (default 0: any free port)
#   KUBEGUARD_REG_TOKEN_TTL   token lifetime in seconds (default 300)
#   KUBEGUARD_REG_TOKEN_BACKDATE  issue tokens this many seconds in the past
#                        (default 0; the registry forgives 60 s past exp, so
#                        TTL 5 and 60 give tokens that expire within 5 s)
#   KUBEGUARD_REG_PYTHON the token server's python3 (default: Debian's, which
#                        sees python3-cryptography)
# The password is random per run dir and stored only in the run dir (mode 600):
# htpasswd (bcrypt), a docker config.json (auth.json) and a podman/skopeo auth
# file (the same file: both read {"auths": {...}}). Tokens are never printed.
set -euo pipefail

PORT="${KUBEGUARD_REG_PORT:-5101}"
RUN="${KUBEGUARD_REG_DIR:-/tmp/kubeguard-registry}"
USER_NAME="${KUBEGUARD_REG_USER:-kubeguard}"
REG_BIN="${KUBEGUARD_REG_BIN:-$(command -v docker-registry || true)}"
TIMEOUT="${KUBEGUARD_REG_TIMEOUT:-30}"
TOKEN_PORT="${KUBEGUARD_REG_TOKEN_PORT:-0}"
TOKEN_TTL="${KUBEGUARD_REG_TOKEN_TTL:-300}"
TOKEN_BACKDATE="${KUBEGUARD_REG_TOKEN_BACKDATE:-0}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HELP_END=30
# The token auth names: the registry accepts tokens whose aud is SERVICE and
# whose iss is ISSUER; clients echo SERVICE back from the challenge.
SERVICE=kubeguard-test-registry
ISSUER=kubeguard-test-token-issuer

log() { printf 'registry: %s\n' "$*" >&2; }
die() { printf 'registry: error: %s\n' "$*" >&2; exit 1; }

# The pid in pid file $1 while that process is still ours: its command line
# names $2, a path of this run dir (a recycled pid is never signalled).
pid_in() {
  local pf="$1" marker="$2" pid
  [[ -f "$pf" ]] || return 1
  pid="$(cat "$pf" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  printf '%s' "$pid"
}
pid_of() { pid_in "$RUN/registry.pid" "$RUN/config.yml"; }
token_pid() { pid_in "$RUN/token.pid" "$RUN/token.port"; }

# The mode the registry of this run dir was started in, so that stop, status
# and env need no setting; before the first start, the setting.
mode() {
  if [[ -s "$RUN/auth-mode" ]]; then cat "$RUN/auth-mode"; else printf '%s' "${KUBEGUARD_REG_AUTH_MODE:-basic}"; fi
}

token_url() { printf 'https://127.0.0.1:%s/token' "$(cat "$RUN/token.port" 2>/dev/null)"; }

# A python3 that can import cryptography: Debian's first (python3-cryptography
# is installed for it), since a python3 earlier in PATH (pyenv, a venv) may
# lack the module.
token_python() {
  local py
  for py in "${KUBEGUARD_REG_PYTHON:-}" /usr/bin/python3 python3; do
    [[ -n "$py" ]] && command -v "$py" >/dev/null 2>&1 || continue
    if "$py" -c 'import cryptography' >/dev/null 2>&1; then command -v "$py"; return 0; fi
  done
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

password() { cat "$RUN/password"; }

answers() {
  if [[ "$(mode)" == token ]]; then token_answers; return; fi
  # /v2/ answers 401 without credentials and 200 with them.
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 --cacert "$RUN/pki/ca.crt" \
    -u "$USER_NAME:$(password)" "https://127.0.0.1:$PORT/v2/")" == 200 ]]
}

# /v2/ answers 200 with a token the token server gave for the credentials.
# The credentials go to curl on stdin and the token through a file of the run
# dir (mode 600), never on a command line.
token_answers() {
  [[ -s "$RUN/token.port" ]] || return 1
  local hdr="$RUN/probe.header" rc=1
  (umask 077
    printf 'user = "%s:%s"\n' "$USER_NAME" "$(password)" |
      curl -sf -m 2 --cacert "$RUN/pki/ca.crt" -K - "$(token_url)?service=$SERVICE" |
      sed -n 's/.*"token":"\([^"]*\)".*/Authorization: Bearer \1/p' >"$hdr") 2>/dev/null || true
  if [[ -s "$hdr" && "$(curl -s -o /dev/null -w '%{http_code}' -m 2 --cacert "$RUN/pki/ca.crt" -H "@$hdr" \
    "https://127.0.0.1:$PORT/v2/")" == 200 ]]; then
    rc=0
  fi
  rm -f "$hdr"
  return "$rc"
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

# Token mode: the token server's TLS certificate and its token signing key
# (ECDSA P-256, for ES256), both from the test CA. The signing certificate
# alone is the registry's rootcertbundle: tokens are trusted when their x5c
# holds it, not for coming from anything else the CA signed.
make_token_pki() {
  local p="$RUN/pki" c fresh=1
  for c in token.crt token-signing.crt; do
    openssl x509 -checkend 86400 -noout -in "$p/$c" >/dev/null 2>&1 || fresh=0
  done
  ((fresh)) && return 0
  (umask 077
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$p/token.key" 2>/dev/null
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$p/token-signing.key" 2>/dev/null)
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" >"$p/token.ext"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" >"$p/token-signing.ext"
  openssl req -new -key "$p/token.key" -subj "/CN=127.0.0.1" -out "$p/token.csr" 2>/dev/null
  openssl req -new -key "$p/token-signing.key" -subj "/CN=kubeguard-registry-token-signer" \
    -out "$p/token-signing.csr" 2>/dev/null
  for c in token token-signing; do
    openssl x509 -req -in "$p/$c.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
      -days 365 -sha256 -extfile "$p/$c.ext" -out "$p/$c.crt" 2>/dev/null
    rm -f "$p/$c.csr" "$p/$c.ext"
  done
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
YAML
  if [[ "$(mode)" == token ]]; then
    cat >>"$RUN/config.yml" <<YAML
auth:
  token:
    realm: $(token_url)
    service: $SERVICE
    issuer: $ISSUER
    rootcertbundle: $RUN/pki/token-signing.crt
YAML
  else
    cat >>"$RUN/config.yml" <<YAML
auth:
  htpasswd:
    realm: kubeguard-test-registry
    path: $RUN/htpasswd
YAML
  fi
  chmod 600 "$RUN/config.yml"
}

cmd_env() {
  printf 'export KUBEGUARD_REG_ADDR=%q\n' "127.0.0.1:$PORT"
  printf 'export KUBEGUARD_REG_DIR=%q\n' "$RUN"
  printf 'export KUBEGUARD_REG_CA=%q\n' "$RUN/pki/ca.crt"
  printf 'export KUBEGUARD_REG_AUTH=%q\n' "$RUN/auth.json"
  printf 'export KUBEGUARD_REG_DOCKER_CONFIG=%q\n' "$RUN/docker"
  if [[ "$(mode)" == token ]]; then
    printf 'export KUBEGUARD_REG_AUTH_MODE=token\n'
    printf 'export KUBEGUARD_REG_TOKEN_URL=%q\n' "$(token_url)"
    printf 'export KUBEGUARD_REG_TOKEN_LOG=%q\n' "$RUN/token.log"
  fi
}

cmd_status() {
  local pid tpid
  if [[ "$(mode)" == token ]]; then
    if tpid="$(token_pid)"; then echo "registry: token server running ($(token_url), pid $tpid)"
    else echo "registry: token server stopped"; fi
  fi
  if pid="$(pid_of)"; then
    if answers; then echo "registry: running, ready (https://127.0.0.1:$PORT, pid $pid, run dir $RUN)"
    else echo "registry: running, not answering (pid $pid, run dir $RUN)"; fi
    return 0
  fi
  echo "registry: stopped (run dir $RUN)"; return 3
}

# Stops the process of pid file $1 (command line naming $2); $3 names it in the log.
stop_process() {
  local pid i
  pid="$(pid_in "$1" "$2")" || { rm -f "$1"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do [[ -d "/proc/$pid" ]] || break; sleep 0.1; done
  if [[ -d "/proc/$pid" ]] && pid_in "$1" "$2" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$1"
  log "stopped$3 (pid $pid)"
}

cmd_stop() {
  stop_process "$RUN/registry.pid" "$RUN/config.yml" ""
  # Whatever the mode, a token server this run dir started goes too.
  stop_process "$RUN/token.pid" "$RUN/token.port" " token server"
}

start_token_server() {
  local py deadline pid
  py="$(token_python)" || die "no python3 with the cryptography module (scripts/install-deps.sh installs python3-cryptography)"
  rm -f "$RUN/token.port"
  (umask 077; : >"$RUN/token.log"; : >"$RUN/token-server.log")
  setsid "$py" "$HERE/registry/token_server.py" --listen "127.0.0.1:$TOKEN_PORT" --port-file "$RUN/token.port" \
    --tls-cert "$RUN/pki/token.crt" --tls-key "$RUN/pki/token.key" \
    --signing-key "$RUN/pki/token-signing.key" --signing-cert "$RUN/pki/token-signing.crt" \
    --issuer "$ISSUER" --service "$SERVICE" --user "$USER_NAME" --password-file "$RUN/password" \
    --log "$RUN/token.log" --ttl "$TOKEN_TTL" --backdate "$TOKEN_BACKDATE" >>"$RUN/token-server.log" 2>&1 </dev/null 8>&- &
  pid=$!
  printf '%s\n' "$pid" >"$RUN/token.pid"
  deadline=$((SECONDS + TIMEOUT))
  # It writes its port once listening (port 0 lets it pick a free one). Until
  # setsid has exec'd, the command line is still this script's: alive is
  # /proc/PID, not token_pid.
  until [[ -s "$RUN/token.port" ]]; do
    if [[ ! -d "/proc/$pid" ]] || ((SECONDS >= deadline)); then
      tail -n 20 "$RUN/token-server.log" >&2; cmd_stop
      die "token server did not start (log: $RUN/token-server.log)"
    fi
    sleep 0.1
  done
}

cmd_start() {
  mkdir -p "$RUN"; chmod 700 "$RUN"
  exec 8>"$RUN/.lock"
  flock -w 60 8 || die "timed out waiting for $RUN/.lock"
  local want="${KUBEGUARD_REG_AUTH_MODE:-basic}"
  [[ "$want" == basic || "$want" == token ]] || die "KUBEGUARD_REG_AUTH_MODE is '$want' (basic or token)"
  if pid_of >/dev/null && [[ "$(mode)" == "$want" ]] && answers; then cmd_env; return 0; fi
  cmd_stop
  [[ -n "$REG_BIN" && -x "$REG_BIN" ]] || die "docker-registry not found (scripts/install-deps.sh installs it)"
  command -v htpasswd >/dev/null || die "htpasswd not found (apache2-utils)"
  port_free "$PORT" || die "port 127.0.0.1:$PORT is in use (set KUBEGUARD_REG_PORT)"
  make_pki
  make_auth
  printf '%s\n' "$want" >"$RUN/auth-mode"
  if [[ "$want" == token ]]; then
    make_token_pki
    start_token_server
  fi
  write_config
  rm -rf "$RUN/data"; mkdir -p "$RUN/data"
  : >"$RUN/registry.log"
  setsid "$REG_BIN" serve "$RUN/config.yml" >>"$RUN/registry.log" 2>&1 </dev/null 8>&- &
  local pid=$!
  printf '%s\n' "$pid" >"$RUN/registry.pid"
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    # /proc/PID, not pid_of: until setsid has exec'd, the command line is still this script's.
    [[ -d "/proc/$pid" ]] || { tail -n 20 "$RUN/registry.log" >&2; cmd_stop; die "registry exited (log: $RUN/registry.log)"; }
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
  -h | --help | help) sed -n "2,${HELP_END}p" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) sed -n "2,${HELP_END}p" "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
