#!/usr/bin/env python3
"""A token server for the test registry (scripts/registry.sh, token mode).

It plays the part of a registry's authorization service as the distribution
token authentication specification describes it:

  GET /token?service=SERVICE&scope=repository:NAME:pull,push[&scope=...]

over HTTPS. HTTP basic credentials are checked against one user and the
password in the run dir; wrong credentials are refused with 401; a request
without credentials gets a token with no access (what real token servers do
for anonymous clients, so the registry then refuses the resource). The answer
is {"token", "access_token", "expires_in", "issued_at"}; the token is a JWT
signed with ES256 by a key whose certificate is in the registry's
auth.token.rootcertbundle and travels in the header's x5c, with iss, sub,
aud (the service), exp, nbf, iat, jti and an access claim that grants the
authenticated user exactly the repository actions it asked for (pull and
push; nothing else).

Each request is logged as one JSON line (time, client, account, outcome,
scopes asked, scopes granted, status, jti) so tests can see what a client
asked for and how often. Passwords and tokens are never logged or printed.

Test tooling only: one user, no persistence, no refresh tokens.
"""

import argparse
import base64
import datetime
import hmac
import http.server
import json
import os
import re
import secrets
import socketserver
import ssl
import sys
import threading
import time
import types
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

# The distribution reference grammar's path (a scope names the repository
# without its registry host): components of lower-case alphanumerics joined
# by separators, split by '/'. A scope naming anything else is refused rather
# than signed into a token.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(_COMPONENT + r"(?:/" + _COMPONENT + r")*")
# What the authenticated user may be granted on a repository.
_GRANTABLE = ("pull", "push")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def compact_json(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")


class ScopeError(ValueError):
    pass


def parse_scope(text: str):
    """'repository:kg/signed:pull,push' -> ('repository', 'kg/signed', ['pull', 'push']).

    The name may itself hold ':' (a registry host with a port), so the type
    ends at the first ':' and the actions start after the last one."""
    first, last = text.find(":"), text.rfind(":")
    if first <= 0 or last == first:
        raise ScopeError("scope %r is not type:name:actions" % text)
    rtype, name, actions = text[:first], text[first + 1:last], text[last + 1:]
    if not re.fullmatch(r"[a-z0-9]+(?:\([a-z0-9]+\))?", rtype):
        raise ScopeError("scope %r has a malformed resource type" % text)
    if rtype == "repository" and (len(name) > 255 or not _REPOSITORY.fullmatch(name)):
        raise ScopeError("scope %r names no valid repository" % text)
    acts = [a for a in actions.split(",") if a]
    if not acts or any(not re.fullmatch(r"[a-z*]+", a) for a in acts):
        raise ScopeError("scope %r has malformed actions" % text)
    return rtype, name, acts


class Issuer:
    def __init__(self, args):
        with open(args.signing_key, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        if not isinstance(self.key, ec.EllipticCurvePrivateKey) or self.key.curve.name != "secp256r1":
            raise SystemExit("token_server: the signing key must be ECDSA P-256 (ES256)")
        with open(args.signing_cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        # x5c holds standard (not URL-safe) base64 of the DER certificate (RFC 7515, 4.1.6).
        self.x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")]
        self.issuer = args.issuer
        self.service = args.service
        self.ttl = args.ttl
        self.backdate = args.backdate

    def token(self, subject: str, access) -> tuple:
        # A backdated token is what a token server whose clock runs behind
        # issues; tests use it to see a token expire within seconds, since
        # the registry forgives 60 s of skew past exp.
        now = int(time.time()) - self.backdate
        jti = secrets.token_hex(16)
        header = {"typ": "JWT", "alg": "ES256", "x5c": self.x5c}
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": self.service,
            "exp": now + self.ttl,
            "nbf": now,
            "iat": now,
            "jti": jti,
            "access": access,
        }
        signing_input = b64url(compact_json(header)) + "." + b64url(compact_json(claims))
        der = self.key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        # JWS wants r || s, each 32 bytes big-endian, not the DER sequence.
        r, s = decode_dss_signature(der)
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input + "." + b64url(signature), jti, now


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real token service
    server_version = "kubeguard-test-token-server"
    timeout = 15

    def log_message(self, fmt, *args):  # the JSON log below is the record
        pass

    def _answer(self, status, body, extra_headers=()):
        data = compact_json(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _credentials(self):
        """(account, outcome): outcome is 'anonymous', 'ok' or 'refused'."""
        header = self.headers.get("Authorization")
        if header is None:
            return "", "anonymous"
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return "", "refused"
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return "", "refused"
        user, sep, password = decoded.partition(":")
        if not sep:
            return "", "refused"
        cfg = self.server.config
        # Both compared in constant time, so neither is learned by timing.
        good_user = hmac.compare_digest(user.encode(), cfg.user.encode())
        good_password = hmac.compare_digest(password.encode(), cfg.password.encode())
        return user, ("ok" if good_user and good_password else "refused")

    def do_POST(self):
        # The OAuth2 form (grant_type=password or refresh_token) is not offered;
        # clients then use GET with basic credentials, as the spec allows.
        self._log({"method": "POST", "status": 405})
        self._answer(405, {"details": "use GET /token"}, [("Allow", "GET")])

    def do_GET(self):
        cfg = self.server.config
        url = urllib.parse.urlsplit(self.path)
        entry = {"method": "GET", "client": self.headers.get("User-Agent", "")}
        if url.path != "/token":
            entry["status"] = 404
            self._log(entry)
            self._answer(404, {"details": "not found"})
            return
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        service = query.get("service", [cfg.service])[-1]
        # Clients send one scope parameter per scope; some join them with spaces.
        scopes = [s for value in query.get("scope", []) for s in value.split(" ") if s]
        account, outcome = self._credentials()
        entry.update({"account": account, "auth": outcome, "service": service, "scopes": scopes})
        if outcome == "refused":
            entry["status"] = 401
            self._log(entry)
            self._answer(401, {"details": "invalid credentials"},
                         [("WWW-Authenticate", 'Basic realm="kubeguard-test-token-server"')])
            return
        if service != cfg.service:
            entry["status"] = 400
            self._log(entry)
            self._answer(400, {"details": "unknown service"})
            return
        granted = {}
        try:
            for scope in scopes:
                rtype, name, actions = parse_scope(scope)
                if outcome != "ok" or rtype != "repository":
                    continue
                allowed = granted.setdefault(name, [])
                for action in actions:
                    if action in _GRANTABLE and action not in allowed:
                        allowed.append(action)
        except ScopeError as e:
            entry["status"] = 400
            self._log(entry)
            self._answer(400, {"details": str(e)})
            return
        access = [{"type": "repository", "name": n, "actions": a} for n, a in granted.items() if a]
        token, jti, now = cfg.issuer.token(account if outcome == "ok" else "", access)
        entry.update({"status": 200, "jti": jti,
                      "granted": ["repository:%s:%s" % (a["name"], ",".join(a["actions"])) for a in access]})
        self._log(entry)
        issued = datetime.datetime.fromtimestamp(now, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        # Both names: the distribution spec's "token" and OAuth2's "access_token".
        self._answer(200, {"token": token, "access_token": token, "expires_in": cfg.issuer.ttl, "issued_at": issued})

    def _log(self, entry):
        line = {"time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")}
        line.update(entry)
        self.server.write_log(json.dumps(line, sort_keys=True))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, config, tls, log_path):
        super().__init__(address, Handler)
        self.config = config
        self.tls = tls
        self._log_lock = threading.Lock()
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._log = os.fdopen(fd, "a", encoding="utf-8")

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's own thread, so a client
        # that connects and stays silent does not hold up the accept loop.
        request.settimeout(Handler.timeout)
        try:
            request = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(request, client_address)
        finally:
            request.close()

    def write_log(self, line):
        with self._log_lock:
            self._log.write(line + "\n")
            self._log.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", default="127.0.0.1:0", help="host:port (port 0: any free port)")
    p.add_argument("--port-file", required=True, help="written with the port once listening")
    p.add_argument("--tls-cert", required=True)
    p.add_argument("--tls-key", required=True)
    p.add_argument("--signing-key", required=True, help="ECDSA P-256 private key (PEM)")
    p.add_argument("--signing-cert", required=True, help="its certificate (PEM), as in the registry's rootcertbundle")
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password-file", required=True)
    p.add_argument("--log", required=True, help="JSON lines, one per request")
    p.add_argument("--ttl", type=int, default=300, help="token lifetime in seconds")
    p.add_argument("--backdate", type=int, default=0, help="issue tokens as if the clock were this many seconds behind")
    args = p.parse_args()

    with open(args.password_file, encoding="utf-8") as f:
        args.password = f.read().strip()
    if not args.password:
        raise SystemExit("token_server: the password file is empty")
    config = types.SimpleNamespace(user=args.user, password=args.password, service=args.service, issuer=Issuer(args))

    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.minimum_version = ssl.TLSVersion.TLSv1_2
    tls.load_cert_chain(args.tls_cert, args.tls_key)
    host, _, port = args.listen.rpartition(":")
    server = Server((host, int(port)), config, tls, args.log)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)  # readers never see a half-written port
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
