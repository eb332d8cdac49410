#!/usr/bin/env python3
"""A rogue mutating admission webhook for the matrix's KG-AUD-005 variant:
every pod it is asked about gets one more container, by a JSON patch.

    injector.py CERT KEY PORT_FILE NAME IMAGE

Serves HTTPS on 127.0.0.1 (a free port, written to PORT_FILE), answers each
AdmissionReview (admission.k8s.io/v1) with allowed and the patch, until it is
ended (SIGTERM) or ten minutes have passed.
"""
import base64
import json
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    cert, key, port_file, name, image = sys.argv[1:6]
    patch = [{"op": "add", "path": "/spec/containers/-", "value": {"name": name, "image": image}}]
    encoded = base64.b64encode(json.dumps(patch).encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            review = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            uid = (review.get("request") or {}).get("uid", "")
            body = json.dumps({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                               "response": {"uid": uid, "allowed": True, "patchType": "JSONPatch",
                                            "patch": encoded}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_file, "w") as f:
        f.write(str(server.server_address[1]))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait(600)


if __name__ == "__main__":
    main()
