#!/usr/bin/env bash
# A real, local Kubernetes control plane for tests: etcd, kube-apiserver and
# kube-controller-manager on loopback, with TLS, RBAC, admission and an audit
# log. No nodes, no kubelet: Pods are created and stay Pending.
#
#   scripts/controlplane.sh build    build (or reuse) the cached binaries
#   scripts/controlplane.sh start    build if needed, start, wait until ready
#   scripts/controlplane.sh env      print eval-able export lines
#   scripts/controlplane.sh status   say whether it runs (exit 0 running, 3 not)
#   scripts/controlplane.sh stop     stop the processes this script started
#   scripts/controlplane.sh restart-apiserver
#                                    stop kube-apiserver and start it again with the
#                                    same flags (etcd keeps the state): for tests of
#                                    clients that must survive a restart
#
# See docs/CONTROLPLANE.md for versions, flags, ports and environment knobs.
set -euo pipefail

# ---------------------------------------------------------------- settings
K8S_VERSION="${KUBEGUARD_CP_K8S_VERSION:-v1.33.13}"
ETCD_VERSION="${KUBEGUARD_CP_ETCD_VERSION:-v3.5.24}"
CACHE_ROOT="${KUBEGUARD_CP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubeguard/controlplane}"
CACHE="$CACHE_ROOT/$K8S_VERSION"
BIN="$CACHE/bin"
RUN="${KUBEGUARD_CP_DIR:-/tmp/kubeguard-cp}"
API_PORT="${KUBEGUARD_CP_PORT:-6443}"
ETCD_PORT="${KUBEGUARD_CP_ETCD_PORT:-23790}"
ETCD_PEER_PORT="${KUBEGUARD_CP_ETCD_PEER_PORT:-23800}"
KCM_PORT="${KUBEGUARD_CP_KCM_PORT:-10357}"
TIMEOUT="${KUBEGUARD_CP_TIMEOUT:-60}"
SERVICE_CIDR="${KUBEGUARD_CP_SERVICE_CIDR:-10.0.0.0/24}"
SERVICE_IP="${KUBEGUARD_CP_SERVICE_IP:-10.0.0.1}"   # first address of SERVICE_CIDR
AUDIT_WEBHOOK_CONFIG="${KUBEGUARD_CP_AUDIT_WEBHOOK_CONFIG:-}"
AUDIT_WEBHOOK_MAX_WAIT="${KUBEGUARD_CP_AUDIT_WEBHOOK_BATCH_MAX_WAIT:-1s}"
# Extra flags, split on whitespace (for quick experiments).
APISERVER_EXTRA_ARGS="${KUBEGUARD_CP_APISERVER_ARGS:-}"
KCM_EXTRA_ARGS="${KUBEGUARD_CP_KCM_ARGS:-}"
GO="${KUBEGUARD_CP_GO:-}"
# 1: start with the CIS hardening flags of docs/NODE.md (etcd over mutual TLS,
# encryption at rest, no anonymous requests, ...). `kubeguard node scan`
# reports nothing for the control plane started this way.
HARDENED="${KUBEGUARD_CP_HARDENED:-0}"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ASSETS="$HERE/controlplane"
COMPONENTS=(etcd kube-apiserver kube-controller-manager)
# Built with the control plane but not run by it: the tests drive the API
# server with the real client, as an attacker or an admin would.
TOOLS=(kubectl)

log() { printf 'controlplane: %s\n' "$*" >&2; }
die() { printf 'controlplane: error: %s\n' "$*" >&2; exit 1; }

find_go() {
  if [[ -n "$GO" ]]; then return; fi
  if command -v go >/dev/null 2>&1; then GO="$(command -v go)"
  elif [[ -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go
  else die "no Go toolchain found (set KUBEGUARD_CP_GO)"; fi
}

# ---------------------------------------------------------------- build
# Binaries are built once per Kubernetes release and kept in $BIN. The build
# modules (generated go.mod and go.sum) stay in $CACHE/module-* for reference.

ldflags_version() {
  # Version stamping normally done by hack/lib/version.sh.
  local v="$1" major minor date
  major="${v#v}"; major="${major%%.*}"
  minor="${v#v*.}"; minor="${minor%%.*}"
  date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local pkg out=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    out+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    out+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  printf '%s' "$out"
}

gen_k8s_gomod() {
  # $1: module dir. Reads k8s.io/kubernetes's go.mod from the module proxy.
  local dir="$1" upstream staging gover godebug replaces
  upstream="$("$GO" mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$upstream" ]] || die "could not download k8s.io/kubernetes@$K8S_VERSION go.mod"
  staging="v0.${K8S_VERSION#v1.}"                       # v1.33.13 -> v0.33.13
  gover="$(awk '$1=="go"{print $2; exit}' "$upstream")"
  godebug="$(awk '$1=="godebug"' "$upstream")"
  replaces="$(awk -v sv="$staging" '
      $1=="replace" && $2=="(" {inblk=1; next}
      inblk && $1==")" {inblk=0; next}
      { line=$0; sub(/^replace[[:space:]]+/, "", line); n=split(line, f, /[[:space:]]+/) }
      (inblk || $1=="replace") {
        # fields: module => ./staging/src/module
        i=1; if (f[1]=="") i=2
        if (f[i+1]=="=>" && f[i+2] ~ /^\.\/staging\/src\//) printf "\t%s => %s %s\n", f[i], f[i], sv
      }' "$upstream")"
  [[ -n "$replaces" ]] || die "no staging replace directives found in $upstream"
  awk -v kv="$K8S_VERSION" -v sv="$staging" -v gv="$gover" -v gd="$godebug" -v rp="$replaces" '
      { gsub(/@K8S_VERSION@/, kv); gsub(/@STAGING_VERSION@/, sv); gsub(/@GO_DIRECTIVE@/, gv) }
      /^@GODEBUG@$/ { print gd; next }
      /^@REPLACES@$/ { print rp; next }
      { print }' "$ASSETS/go.mod.in" > "$dir/go.mod"
}

# use_lock NAME DIR: copy lock/NAME.go.{mod,sum} into DIR if the repo has them.
use_lock() {
  [[ -f "$ASSETS/lock/$1.go.mod" && -f "$ASSETS/lock/$1.go.sum" ]] || return 1
  cp "$ASSETS/lock/$1.go.mod" "$2/go.mod"
  cp "$ASSETS/lock/$1.go.sum" "$2/go.sum"
}

build_k8s() {
  local dir="$CACHE/module-kubernetes" mode=readonly
  rm -rf "$dir"; mkdir -p "$dir"
  if ! use_lock "kubernetes-$K8S_VERSION" "$dir"; then
    gen_k8s_gomod "$dir"; mode=mod
  fi
  log "building kube-apiserver and kube-controller-manager $K8S_VERSION (-mod=$mode, log: $CACHE/build.log)"
  local pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager)
  (
    cd "$dir"
    # shellcheck disable=SC2030,SC2031  # local to this subshell on purpose
    export GOFLAGS="-mod=$mode -buildvcs=false"
    # Without a lock: resolve the packages (fills go.mod and go.sum); the
    # replace block pins the staging modules.
    [[ "$mode" == readonly ]] || "$GO" get "${pkgs[@]/%/@$K8S_VERSION}"
    nice -n 10 "$GO" build -p 2 -trimpath -ldflags "-s -w$(ldflags_version "$K8S_VERSION")" \
      -o "$BIN.tmp/" "${pkgs[@]}"
  ) >>"$CACHE/build.log" 2>&1 || { tail -n 40 "$CACHE/build.log" >&2; die "Kubernetes build failed"; }
}

build_kubectl() {
  local dir="$CACHE/module-kubectl" mode=readonly
  rm -rf "$dir"; mkdir -p "$dir"
  if ! use_lock "kubectl-$K8S_VERSION" "$dir"; then
    # kubectl's own dependencies (cli-runtime, kustomize) are not in the
    # server build's module graph: resolve them on top of it.
    gen_k8s_gomod "$dir"; mode=mod
  fi
  log "building kubectl $K8S_VERSION (-mod=$mode, log: $CACHE/build.log)"
  (
    cd "$dir"
    # shellcheck disable=SC2030,SC2031  # local to this subshell on purpose
    export GOFLAGS="-mod=$mode -buildvcs=false"
    [[ "$mode" == readonly ]] || "$GO" get "k8s.io/kubernetes/cmd/kubectl@$K8S_VERSION"
    nice -n 10 "$GO" build -p 2 -trimpath -ldflags "-s -w$(ldflags_version "$K8S_VERSION")" \
      -o "$BIN.tmp/kubectl" k8s.io/kubernetes/cmd/kubectl
  ) >>"$CACHE/build.log" 2>&1 || { tail -n 40 "$CACHE/build.log" >&2; die "kubectl build failed"; }
}

build_etcd() {
  local dir="$CACHE/module-etcd" mode=readonly
  rm -rf "$dir"; mkdir -p "$dir"
  if ! use_lock "etcd-$ETCD_VERSION" "$dir"; then
    sed "s/@ETCD_VERSION@/$ETCD_VERSION/g" "$ASSETS/etcd.go.mod.in" > "$dir/go.mod"; mode=mod
  fi
  log "building etcd $ETCD_VERSION (-mod=$mode, log: $CACHE/build.log)"
  (
    cd "$dir"
    # shellcheck disable=SC2030,SC2031  # local to this subshell on purpose
    export GOFLAGS="-mod=$mode -buildvcs=false"
    [[ "$mode" == readonly ]] || "$GO" get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
    nice -n 10 "$GO" build -p 2 -trimpath -ldflags "-s -w" -o "$BIN.tmp/etcd" go.etcd.io/etcd/server/v3
  ) >>"$CACHE/build.log" 2>&1 || { tail -n 40 "$CACHE/build.log" >&2; die "etcd build failed"; }
  printf '%s\n' "$ETCD_VERSION" >"$BIN.tmp/etcd.version"
}

# Path of a component's binary. KUBEGUARD_CP_ETCD_BIN selects another etcd
# (for example Debian's /usr/bin/etcd); it is then not built.
bin_of() {
  if [[ "$1" == etcd && -n "${KUBEGUARD_CP_ETCD_BIN:-}" ]]; then printf '%s' "$KUBEGUARD_CP_ETCD_BIN"
  else printf '%s' "$BIN/$1"; fi
}

# True if the cached etcd in directory $1 is the pinned version.
etcd_current() { [[ -x "$1/etcd" && "$(cat "$1/etcd.version" 2>/dev/null)" == "$ETCD_VERSION" ]]; }

have_binaries() {
  local c
  for c in "${COMPONENTS[@]}" "${TOOLS[@]}"; do [[ -x "$(bin_of "$c")" ]] || return 1; done
  [[ -n "${KUBEGUARD_CP_ETCD_BIN:-}" ]] || etcd_current "$BIN"
}

cmd_build() {
  have_binaries && return 0
  find_go
  mkdir -p "$CACHE"
  exec 9>"$CACHE/.build.lock"
  flock -w 7200 9 || die "timed out waiting for another build ($CACHE/.build.lock)"
  # Built by whoever held the lock? (Close the lock fd: daemons must not inherit it.)
  if have_binaries; then exec 9>&-; return 0; fi
  export GOTOOLCHAIN=local
  local t0 t1
  t0=$(date +%s)
  rm -rf "$BIN.tmp"; mkdir -p "$BIN.tmp"
  { echo "=== build $(date -u +%FT%TZ) k8s $K8S_VERSION etcd $ETCD_VERSION"; "$GO" version; nproc; } >>"$CACHE/build.log"
  # Keep binaries that are already there (e.g. etcd when only Kubernetes is missing).
  if [[ -d "$BIN" ]]; then cp -a "$BIN/." "$BIN.tmp/"; fi
  [[ -x "$BIN.tmp/kube-apiserver" && -x "$BIN.tmp/kube-controller-manager" ]] || build_k8s
  [[ -x "$BIN.tmp/kubectl" ]] || build_kubectl
  [[ -n "${KUBEGUARD_CP_ETCD_BIN:-}" ]] || etcd_current "$BIN.tmp" || build_etcd
  rm -rf "$BIN"; mv "$BIN.tmp" "$BIN"
  t1=$(date +%s)
  printf 'build: %s s (k8s %s, etcd %s, %s, %s cores, %s)\n' "$((t1 - t0))" \
    "$K8S_VERSION" "$ETCD_VERSION" "$("$GO" version | awk '{print $3}')" "$(nproc)" "$(date -u +%F)" \
    | tee -a "$CACHE/build-time.txt" >&2
  exec 9>&-
}

# ---------------------------------------------------------------- process helpers
pidfile() { printf '%s/%s.pid' "$RUN" "$1"; }

# Prints the PID if component $1 runs from our binary with our run dir.
own_pid() {
  local c="$1" pf pid cmdline
  pf="$(pidfile "$c")"
  [[ -f "$pf" ]] || return 1
  pid="$(cat "$pf" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$(head -n 1 <<<"$cmdline")" == "$(bin_of "$c")" ]] || return 1
  grep -qF -- "$RUN/" <<<"$cmdline" || return 1
  printf '%s' "$pid"
}

running_count() {
  local c n=0
  for c in "${COMPONENTS[@]}"; do own_pid "$c" >/dev/null && n=$((n + 1)); done
  printf '%s' "$n"
}

stop_one() {
  local c="$1" pid i
  if pid="$(own_pid "$c")"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
      [[ -d "/proc/$pid" ]] || break
      # A zombie whose parent is gone is reaped by init soon; do not wait on it.
      [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
      sleep 0.1
    done
    if [[ -d "/proc/$pid" ]] && own_pid "$c" >/dev/null; then
      log "$c (pid $pid) did not exit after 20 s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do [[ -d "/proc/$pid" ]] || break; sleep 0.1; done
    fi
    log "stopped $c (pid $pid)"
  fi
  rm -f "$(pidfile "$c")"
}

# launch NAME ARGS...: start $BIN/NAME detached, output to $RUN/NAME.log.
launch() {
  local c="$1"; shift
  : >"$RUN/$c.log"
  # fds 8 and 9 hold this script's locks: the daemons must not inherit them.
  setsid "$(bin_of "$c")" "$@" >>"$RUN/$c.log" 2>&1 </dev/null 8>&- 9>&- &
  local pid=$! i
  printf '%s\n' "$pid" >"$(pidfile "$c")"
  # Until the exec is done /proc/PID/cmdline still shows bash or setsid.
  for ((i = 0; i < 100; i++)); do
    own_pid "$c" >/dev/null && return 0
    [[ -d "/proc/$pid" ]] || break
    sleep 0.05
  done
  own_pid "$c" >/dev/null || { tail -n 30 "$RUN/$c.log" >&2 || true; die "$c did not start (log: $RUN/$c.log)"; }
}

# wait_for NAME CHECK-COMMAND...: poll until CHECK succeeds, bounded by $TIMEOUT.
wait_for() {
  local c="$1"; shift
  local deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! own_pid "$c" >/dev/null; then
      tail -n 30 "$RUN/$c.log" >&2 || true
      die "$c exited during start-up (log: $RUN/$c.log)"
    fi
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  tail -n 30 "$RUN/$c.log" >&2 || true
  die "$c not ready after ${TIMEOUT}s (log: $RUN/$c.log)"
}

port_free() {
  # True if nothing listens on 127.0.0.1:$1.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ---------------------------------------------------------------- PKI
# ECDSA P-256 keys: as good as RSA here and generated in milliseconds, where a
# 2048-bit RSA key takes up to a second or two on this machine.
genkey() { (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null); }

make_ca() {
  # make_ca NAME CN: self-signed CA key + cert.
  genkey "$RUN/pki/$1.key"
  openssl req -x509 -new -key "$RUN/pki/$1.key" -subj "/CN=$2" -days 365 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$RUN/pki/$1.crt" 2>/dev/null
}

openssl_cert() {
  # openssl_cert NAME SUBJECT EXTKEYUSAGE [SAN] [CA]: key + cert signed by CA (default ca).
  local name="$1" subj="$2" eku="$3" san="${4:-}" ca="${5:-ca}" ext="$RUN/pki/$1.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    [[ -n "$san" ]] && echo "subjectAltName=$san"
  } >"$ext"
  genkey "$RUN/pki/$name.key"
  openssl req -new -key "$RUN/pki/$name.key" -subj "$subj" -out "$RUN/pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$RUN/pki/$name.csr" -CA "$RUN/pki/$ca.crt" -CAkey "$RUN/pki/$ca.key" \
    -CAcreateserial -days 365 -sha256 -extfile "$ext" -out "$RUN/pki/$name.crt" 2>/dev/null
  rm -f "$RUN/pki/$name.csr" "$ext"
}

make_pki() {
  local p="$RUN/pki"
  # Reuse a complete set that is still valid for a day.
  # All certificates are made together with the same lifetime: checking one is enough.
  local f complete=1
  for f in ca front-proxy-ca front-proxy-client apiserver kube-controller-manager-serving admin kube-controller-manager \
    webhook-client-ca webhook-client; do
    [[ -f "$p/$f.key" && -f "$p/$f.crt" ]] || complete=0
  done
  [[ -f "$p/sa.key" && -f "$p/sa.pub" ]] || complete=0
  if ((complete)) && openssl x509 -checkend 86400 -noout -in "$p/apiserver.crt" >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$p"; mkdir -p "$p"; chmod 700 "$p"
  log "generating CA, certificates and service-account keys in $p"
  make_ca ca kubeguard-controlplane-ca
  # Request-header (front-proxy) CA: the controller manager's delegated
  # authentication reads it from kube-system/extension-apiserver-authentication.
  make_ca front-proxy-ca kubeguard-controlplane-front-proxy-ca
  openssl_cert front-proxy-client "/CN=front-proxy-client" clientAuth "" front-proxy-ca
  openssl_cert apiserver "/CN=kube-apiserver" serverAuth \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$SERVICE_IP"
  openssl_cert kube-controller-manager-serving "/CN=kube-controller-manager" serverAuth "DNS:localhost,IP:127.0.0.1"
  openssl_cert admin "/O=system:masters/CN=kubeguard-admin" clientAuth
  openssl_cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  # What the API server presents to admission webhooks that ask for a client
  # certificate (kubeguard serve --client-ca "$RUN/pki/webhook-client-ca.crt").
  make_ca webhook-client-ca kubeguard-controlplane-webhook-client-ca
  openssl_cert webhook-client "/CN=kube-apiserver" clientAuth "" webhook-client-ca
  genkey "$p/sa.key"
  openssl pkey -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
}

# The API server's admission configuration: validating webhooks that ask for
# a client certificate get webhook-client (user "*": any webhook host).
write_admission_config() {
  # 600 like every kubeconfig and configuration the API server reads (CIS 1.1).
  (umask 077; : >"$RUN/webhook-client.kubeconfig" >"$RUN/admission-config.yaml")
  chmod 600 "$RUN/webhook-client.kubeconfig" "$RUN/admission-config.yaml"
  cat >"$RUN/webhook-client.kubeconfig" <<EOF
apiVersion: v1
kind: Config
users:
- name: "*"
  user:
    client-certificate: $RUN/pki/webhook-client.crt
    client-key: $RUN/pki/webhook-client.key
EOF
  cat >"$RUN/admission-config.yaml" <<EOF
apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: ValidatingAdmissionWebhook
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: $RUN/webhook-client.kubeconfig
EOF
}

# ---------------------------------------------------------------- hardening
# The files and certificates the hardened flags name: etcd's own CA (so a
# cluster client certificate cannot open etcd), etcd serving, peer and client
# certificates, the API server's kubelet client certificate, an encryption
# configuration with a fresh key and an EventRateLimit admission configuration.
make_hardening() {
  local p="$RUN/pki" h="$RUN/hardening"
  if [[ ! -f "$p/etcd-ca.crt" || ! -f "$p/apiserver-kubelet-client.crt" ]]; then
    make_ca etcd-ca kubeguard-controlplane-etcd-ca
    openssl_cert etcd-server "/CN=etcd-server" serverAuth,clientAuth "DNS:localhost,IP:127.0.0.1" etcd-ca
    openssl_cert etcd-peer "/CN=etcd-peer" serverAuth,clientAuth "DNS:localhost,IP:127.0.0.1" etcd-ca
    openssl_cert apiserver-etcd-client "/CN=kube-apiserver-etcd-client" clientAuth "" etcd-ca
    openssl_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  fi
  # Certificates too are 600 (CIS 1.1.20); keys are 600 already (umask 077).
  chmod 600 "$p"/*.crt "$p/sa.pub"
  rm -rf "$h"
  (
    umask 077
    mkdir -p "$h"
    printf '%s\n' \
      'apiVersion: apiserver.config.k8s.io/v1' 'kind: EncryptionConfiguration' 'resources:' \
      '- resources: [secrets]' '  providers:' '  - aescbc:' '      keys:' '      - name: key1' \
      "        secret: $(head -c 32 /dev/urandom | base64)" '  - identity: {}' >"$h/encryption.yaml"
    printf '%s\n' \
      'apiVersion: apiserver.config.k8s.io/v1' 'kind: AdmissionConfiguration' 'plugins:' \
      '- name: EventRateLimit' "  path: $h/event-rate-limit.yaml" \
      '- name: ValidatingAdmissionWebhook' '  configuration:' '    apiVersion: apiserver.config.k8s.io/v1' \
      '    kind: WebhookAdmissionConfiguration' "    kubeConfigFile: $RUN/webhook-client.kubeconfig" \
      >"$h/admission.yaml"
    printf '%s\n' \
      'apiVersion: eventratelimit.admission.k8s.io/v1alpha1' 'kind: Configuration' 'limits:' \
      '- type: Server' '  qps: 5000' '  burst: 20000' >"$h/event-rate-limit.yaml"
  )
}

# The strong suites of CIS 1.2.29 that Go offers for TLS 1.2 (TLS 1.3's are not configurable).
STRONG_CIPHERS=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305

write_kubeconfig() {
  # write_kubeconfig FILE USER-CERT-NAME
  local f="$1" u="$2"
  cat >"$f" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kubeguard
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $RUN/pki/ca.crt
users:
- name: $u
  user:
    client-certificate: $RUN/pki/$u.crt
    client-key: $RUN/pki/$u.key
contexts:
- name: kubeguard
  context:
    cluster: kubeguard
    user: $u
    namespace: default
current-context: kubeguard
EOF
  chmod 600 "$f"
}

# ---------------------------------------------------------------- readiness checks
etcd_healthy() {
  if ((HARDENED)); then
    curl -sf -m 2 --cacert "$RUN/pki/etcd-ca.crt" --cert "$RUN/pki/apiserver-etcd-client.crt" \
      --key "$RUN/pki/apiserver-etcd-client.key" "https://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'
  else
    curl -sf -m 2 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'
  fi
}
curl_api() {
  curl -sf -m 3 --cacert "$RUN/pki/ca.crt" --cert "$RUN/pki/admin.crt" --key "$RUN/pki/admin.key" \
    "https://127.0.0.1:$API_PORT$1"
}
api_ready() { [[ "$(curl_api /readyz)" == ok ]]; }
kcm_healthy() {
  [[ "$(curl -sf -m 2 --cacert "$RUN/pki/ca.crt" "https://127.0.0.1:$KCM_PORT/healthz")" == ok ]]
}
default_sa_exists() { curl_api /api/v1/namespaces/default/serviceaccounts/default >/dev/null; }

# ---------------------------------------------------------------- commands
# start and stop of one run dir are serialised (parallel test runners may all
# call start).
RUN_LOCKED=0
lock_run_dir() {
  ((RUN_LOCKED)) && return 0
  mkdir -p "$RUN"; chmod 700 "$RUN"
  exec 8>"$RUN/.lock"
  flock -w $((TIMEOUT * 3)) 8 || die "timed out waiting for $RUN/.lock"
  RUN_LOCKED=1
}

cmd_env() {
  printf 'export KUBECONFIG=%q\n' "$RUN/admin.kubeconfig"
  printf 'export KUBEGUARD_AUDIT_LOG=%q\n' "$RUN/audit.log"
  printf 'export KUBEGUARD_CP_DIR=%q\n' "$RUN"
  printf 'export KUBECTL=%q\n' "$BIN/kubectl"
}

cmd_status() {
  local c pid n=0
  for c in "${COMPONENTS[@]}"; do
    if pid="$(own_pid "$c")"; then
      printf '%-24s running (pid %s)\n' "$c" "$pid"; n=$((n + 1))
    else
      printf '%-24s stopped\n' "$c"
    fi
  done
  if ((n == ${#COMPONENTS[@]})); then
    if api_ready; then echo "control plane: running, ready (https://127.0.0.1:$API_PORT, run dir $RUN)"
    else echo "control plane: running, apiserver not ready (run dir $RUN)"; fi
    return 0
  elif ((n == 0)); then
    echo "control plane: stopped (run dir $RUN)"; return 3
  fi
  echo "control plane: partly running (run dir $RUN); run stop, then start"; return 1
}

cmd_stop() {
  local c i
  [[ -d "$RUN" ]] || return 0
  lock_run_dir
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_one "${COMPONENTS[$i]}"; done
}

cmd_start() {
  local n
  lock_run_dir
  n="$(running_count)"
  if ((n == ${#COMPONENTS[@]})); then
    api_ready || log "warning: processes run but the apiserver is not ready (see $RUN/kube-apiserver.log)"
    cmd_env; return 0
  fi
  if ((n > 0)); then log "partly running: stopping the rest first"; cmd_stop; fi

  command -v openssl >/dev/null || die "openssl is required"
  command -v curl >/dev/null || die "curl is required"
  cmd_build

  if [[ -n "$AUDIT_WEBHOOK_CONFIG" ]]; then
    [[ -f "$AUDIT_WEBHOOK_CONFIG" ]] || die "KUBEGUARD_CP_AUDIT_WEBHOOK_CONFIG: no such file: $AUDIT_WEBHOOK_CONFIG"
    AUDIT_WEBHOOK_CONFIG="$(cd "$(dirname "$AUDIT_WEBHOOK_CONFIG")" && pwd)/$(basename "$AUDIT_WEBHOOK_CONFIG")"
  fi
  local port
  for port in "$API_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT"; do
    port_free "$port" || die "port 127.0.0.1:$port is in use (see KUBEGUARD_CP_*PORT in docs/CONTROLPLANE.md)"
  done

  local t0=$SECONDS
  # A failed start leaves nothing running (the logs stay in the run dir).
  trap 'if (($? != 0)); then log "start failed, stopping what was started"; cmd_stop; fi' EXIT
  mkdir -p "$RUN"; chmod 700 "$RUN"
  make_pki
  if ((HARDENED)); then make_hardening; fi
  cp "$ASSETS/audit-policy.yaml" "$RUN/audit-policy.yaml"
  write_admission_config
  write_kubeconfig "$RUN/admin.kubeconfig" admin
  write_kubeconfig "$RUN/kube-controller-manager.kubeconfig" kube-controller-manager
  # Fresh cluster state on every start.
  rm -rf "$RUN/etcd-data" "$RUN/kcm-certs"
  : >"$RUN/audit.log"

  local etcd_args=()
  # etcd >= 3.5: skip fsync, the data is thrown away at the next start anyway.
  if "$(bin_of etcd)" --help 2>&1 | grep -q -- --unsafe-no-fsync; then etcd_args+=(--unsafe-no-fsync=true); fi
  local scheme=http
  if ((HARDENED)); then
    scheme=https
    etcd_args+=(--cert-file="$RUN/pki/etcd-server.crt" --key-file="$RUN/pki/etcd-server.key"
      --client-cert-auth=true --trusted-ca-file="$RUN/pki/etcd-ca.crt"
      --peer-cert-file="$RUN/pki/etcd-peer.crt" --peer-key-file="$RUN/pki/etcd-peer.key"
      --peer-client-cert-auth=true --peer-trusted-ca-file="$RUN/pki/etcd-ca.crt")
  fi
  log "starting etcd on 127.0.0.1:$ETCD_PORT"
  launch etcd "${etcd_args[@]}" \
    --name=kubeguard-cp \
    --data-dir="$RUN/etcd-data" \
    --listen-client-urls="$scheme://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls="$scheme://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="$scheme://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="$scheme://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="kubeguard-cp=$scheme://127.0.0.1:$ETCD_PEER_PORT" \
    --quota-backend-bytes=$((2 * 1024 * 1024 * 1024)) \
    --log-level=warn
  wait_for etcd etcd_healthy

  # shellcheck disable=SC2054  # commas inside flag values
  local api_args=(
    --etcd-servers="$scheme://127.0.0.1:$ETCD_PORT"
    --bind-address=127.0.0.1
    --advertise-address=127.0.0.1
    --endpoint-reconciler-type=none
    --secure-port="$API_PORT"
    --cert-dir="$RUN/apiserver-certs"
    --tls-cert-file="$RUN/pki/apiserver.crt"
    --tls-private-key-file="$RUN/pki/apiserver.key"
    --client-ca-file="$RUN/pki/ca.crt"
    --requestheader-client-ca-file="$RUN/pki/front-proxy-ca.crt"
    --requestheader-allowed-names=front-proxy-client
    --requestheader-username-headers=X-Remote-User
    --requestheader-group-headers=X-Remote-Group
    --requestheader-extra-headers-prefix=X-Remote-Extra-
    --proxy-client-cert-file="$RUN/pki/front-proxy-client.crt"
    --proxy-client-key-file="$RUN/pki/front-proxy-client.key"
    --authorization-mode=Node,RBAC
    --enable-admission-plugins=NodeRestriction,ServiceAccount
    --admission-control-config-file="$RUN/admission-config.yaml"
    --allow-privileged=true
    --service-cluster-ip-range="$SERVICE_CIDR"
    --service-account-issuer=https://kubernetes.default.svc.cluster.local
    --service-account-key-file="$RUN/pki/sa.pub"
    --service-account-signing-key-file="$RUN/pki/sa.key"
    --audit-policy-file="$RUN/audit-policy.yaml"
    --audit-log-path="$RUN/audit.log"
    --audit-log-format=json
    --audit-log-maxsize=200
    --audit-log-maxbackup=2
    --profiling=false
    --v=1
  )
  if ((HARDENED)); then
    # docs/NODE.md says what each flag answers. Later flags win, so these
    # replace the defaults above (admission plugins, audit retention).
    api_args+=(
      --etcd-cafile="$RUN/pki/etcd-ca.crt"
      --etcd-certfile="$RUN/pki/apiserver-etcd-client.crt"
      --etcd-keyfile="$RUN/pki/apiserver-etcd-client.key"
      --anonymous-auth=false
      --kubelet-client-certificate="$RUN/pki/apiserver-kubelet-client.crt"
      --kubelet-client-key="$RUN/pki/apiserver-kubelet-client.key"
      --kubelet-certificate-authority="$RUN/pki/ca.crt"
      --enable-admission-plugins=NodeRestriction,ServiceAccount,EventRateLimit,AlwaysPullImages,DenyServiceExternalIPs
      --admission-control-config-file="$RUN/hardening/admission.yaml"
      --encryption-provider-config="$RUN/hardening/encryption.yaml"
      --audit-log-maxage=30
      --audit-log-maxbackup=10
      --audit-log-maxsize=100
      --tls-cipher-suites="$STRONG_CIPHERS"
    )
  fi
  if [[ -n "$AUDIT_WEBHOOK_CONFIG" ]]; then
    api_args+=(--audit-webhook-config-file="$AUDIT_WEBHOOK_CONFIG" --audit-webhook-mode=batch
      --audit-webhook-batch-max-wait="$AUDIT_WEBHOOK_MAX_WAIT")
  fi
  # shellcheck disable=SC2206
  api_args+=($APISERVER_EXTRA_ARGS)
  log "starting kube-apiserver on https://127.0.0.1:$API_PORT"
  launch kube-apiserver "${api_args[@]}"
  wait_for kube-apiserver api_ready

  local kcm_args=(
    --kubeconfig="$RUN/kube-controller-manager.kubeconfig"
    --authentication-kubeconfig="$RUN/kube-controller-manager.kubeconfig"
    --authorization-kubeconfig="$RUN/kube-controller-manager.kubeconfig"
    --bind-address=127.0.0.1
    --secure-port="$KCM_PORT"
    --cert-dir="$RUN/kcm-certs"
    --tls-cert-file="$RUN/pki/kube-controller-manager-serving.crt"
    --tls-private-key-file="$RUN/pki/kube-controller-manager-serving.key"
    --use-service-account-credentials=true
    --service-account-private-key-file="$RUN/pki/sa.key"
    --root-ca-file="$RUN/pki/ca.crt"
    --cluster-signing-cert-file="$RUN/pki/ca.crt"
    --cluster-signing-key-file="$RUN/pki/ca.key"
    --service-cluster-ip-range="$SERVICE_CIDR"
    --leader-elect=false
    --controllers='*'
    --profiling=false
    --v=1
  )
  # shellcheck disable=SC2206
  kcm_args+=($KCM_EXTRA_ARGS)
  log "starting kube-controller-manager (health on https://127.0.0.1:$KCM_PORT)"
  launch kube-controller-manager "${kcm_args[@]}"
  wait_for kube-controller-manager kcm_healthy
  # The serviceaccount controller creates default/default; pods need it.
  wait_for kube-controller-manager default_sa_exists

  trap - EXIT
  log "ready in $((SECONDS - t0)) s (run dir $RUN)"
  cmd_env
}

cmd_restart_apiserver() {
  lock_run_dir
  local pid args=()
  pid="$(own_pid kube-apiserver)" || die "kube-apiserver of $RUN is not running"
  # The exact flags it runs with, so the restarted server is the same server.
  mapfile -d '' -t args < "/proc/$pid/cmdline"
  stop_one kube-apiserver
  log "starting kube-apiserver again on https://127.0.0.1:$API_PORT"
  launch kube-apiserver "${args[@]:1}"
  wait_for kube-apiserver api_ready
}

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  status) cmd_status ;;
  build) cmd_build ;;
  restart-apiserver) cmd_restart_apiserver ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
