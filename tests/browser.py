"""Pages opened in headless Chromium as a reader would, through the DevTools protocol: what failed to
load, what the console reported as an error, and what a script threw, per page. The network is cut
off (every host fails to resolve, any proxy use goes nowhere), so a page that needs the internet fails."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from websockets.sync.client import connect

CUT_OFF = ["--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("chromium is not installed: `make test` installs Debian's chromium package")


@dataclass
class PageLoad:
    url: str
    title: str = ""
    failed: list[str] = field(default_factory=list)  # resources that did not load, with the reason
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    scripts: int = 0  # <script> elements in the loaded document


class Browser:
    def __init__(self, profile: Path):
        profile.mkdir(parents=True, exist_ok=True)
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}", "--remote-debugging-port=0", *CUT_OFF]
        self.proc = subprocess.Popen([chromium(), *flags, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.close()
                raise AssertionError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port, path = port_file.read_text().split()[:2]
        self.ws = connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30)
        self.next_id = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)

    def call(self, method: str, params: dict | None = None, session: bool = False) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise AssertionError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def load(self, url: str) -> PageLoad:
        self.events = []
        self.call("Page.navigate", {"url": url}, session=True)
        deadline = time.monotonic() + 60
        while not any(ev.get("method") == "Page.loadEventFired" for ev in self.events):
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not finish loading in 60 s")
            self.events.append(json.loads(self.ws.recv(timeout=60)))
        time.sleep(0.2)  # late console messages
        self.call("Runtime.evaluate", {"expression": "1"}, session=True)
        page = PageLoad(url)
        for ev in self.events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Network.loadingFailed":
                page.failed.append(f"{params.get('errorText')} ({params.get('requestId')})")
            elif method == "Network.responseReceived" and params.get("response", {}).get("status", 200) >= 400:
                page.failed.append(f"HTTP {params['response']['status']} {params['response'].get('url')}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                page.errors.append(details.get("exception", {}).get("description") or details.get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                page.errors.append(json.dumps(params.get("args", []))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                page.errors.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        page.title = self.call("Runtime.evaluate", {"expression": "document.title", "returnByValue": True}, session=True)["result"].get("value", "")
        page.scripts = self.call("Runtime.evaluate", {"expression": "document.scripts.length", "returnByValue": True},
                                 session=True)["result"].get("value", -1)
        return page

    def close(self) -> None:
        try:
            getattr(self, "ws", None) and self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
