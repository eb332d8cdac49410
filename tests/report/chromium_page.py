#!/usr/bin/env python3
"""Loads one local HTML file in headless Chromium and says what the page did.

  chromium_page.py CHROMIUM PAGE.html SCREENSHOT.png [EXPRESSION]

Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe:
no port, nothing to race for) and prints one JSON object:

  {"console": [...], "exceptions": [...], "log": [...], "requests": [...],
   "loaded": true, "value": <EXPRESSION's value>, "screenshot": bytes}

console: console.* calls; exceptions: uncaught script errors; log: browser log
entries (CSP violations, blocked loads); requests: every request the page
made other than for the page itself. EXPRESSION runs after the load event,
after the screenshot, and its result is returned by value.

Chromium is held to the loopback interface whatever the page does: every
host name resolves to nothing and every proxy-able request goes to a closed
loopback port, and background services (updates, safe browsing, metrics) are
off.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

DEADLINE_SECONDS = 60


class Pipe:
    def __init__(self, proc, write_fd, read_fd):
        self.proc = proc
        self.write_fd = write_fd
        self.read_fd = read_fd
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        return self.next_id

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, params=None, session=None):
        wanted = self.send(method, params, session)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while True:
            message = self.read_message(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, deadline):
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        while True:
            message = self.read_message(deadline)
            if message.get("method") == method:
                return message
            self.events.append(message)

    def drain(self, seconds):
        """Collects events for a short while (late console messages, requests)."""
        import select

        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.read_fd], [], [], left)
            if not ready:
                return
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                return
            self.buffer += chunk
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                self.events.append(json.loads(raw))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    chromium, page, screenshot = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    expression = sys.argv[4] if len(sys.argv) > 4 else "null"
    page_url = "file://" + page

    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        # fds 3 and 4 are the DevTools pipe: Chromium reads commands on 3, writes on 4.
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()

        def child_fds():
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        args = [
            chromium,
            "--headless",
            "--remote-debugging-pipe",
            "--no-sandbox",  # tests run as root in CI containers
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={profile}",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-domain-reliability",
            "--disable-client-side-phishing-detection",
            "--metrics-recording-only",
            "--no-pings",
            "--dns-prefetch-disable",
            "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,"
            "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--hide-scrollbars",
            "--window-size=1500,1100",
            "about:blank",
        ]
        proc = subprocess.Popen(
            args,
            pass_fds=(3, 4),
            preexec_fn=child_fds,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        pipe = Pipe(proc, to_chrome_w, from_chrome_r)
        try:
            result = drive(pipe, page_url, screenshot, expression)
        finally:
            try:
                pipe.send("Browser.close")
            except OSError:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


def drive(pipe, page_url, screenshot, expression):
    target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Network", "Page"):
        pipe.call(f"{domain}.enable", session=session)
    pipe.call(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1500, "height": 1100, "deviceScaleFactor": 1, "mobile": False},
        session=session,
    )
    pipe.call("Page.navigate", {"url": page_url}, session=session)
    deadline = time.monotonic() + DEADLINE_SECONDS
    pipe.wait_for("Page.loadEventFired", deadline)
    pipe.drain(0.5)

    # The screenshot: from the top of the page to the end of the heatmap when
    # the page has one, else the viewport.
    clip = pipe.call(
        "Runtime.evaluate",
        {
            "expression": "(function(){var m=document.getElementById('matrix');"
            "if(!m)return null;var r=m.getBoundingClientRect();"
            "return {x:0,y:0,width:Math.ceil(document.documentElement.scrollWidth),"
            "height:Math.ceil(r.bottom+window.scrollY+12),scale:1};})()",
            "returnByValue": True,
        },
        session=session,
    )["result"].get("value")
    params = {"format": "png", "captureBeyondViewport": True}
    if clip:
        params["clip"] = clip
    shot = pipe.call("Page.captureScreenshot", params, session=session)
    data = base64.b64decode(shot["data"])
    with open(screenshot, "wb") as f:
        f.write(data)

    evaluated = pipe.call(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
    )
    pipe.drain(0.3)

    result = {"console": [], "exceptions": [], "log": [], "requests": [], "loaded": True,
              "screenshot": len(data)}
    if "exceptionDetails" in evaluated:
        result["exceptions"].append("EXPRESSION: " + json.dumps(evaluated["exceptionDetails"])[:500])
        result["value"] = None
    else:
        result["value"] = evaluated["result"].get("value")
    for event in pipe.events:
        method = event.get("method")
        params = event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            texts = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            result["console"].append(f"{params.get('type')}: {' '.join(texts)}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            result["exceptions"].append(
                details.get("exception", {}).get("description") or details.get("text", "exception")
            )
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            result["log"].append(f"{entry.get('level')} {entry.get('source')}: {entry.get('text')}")
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if url != page_url:
                result["requests"].append(url)
    return result


if __name__ == "__main__":
    main()
