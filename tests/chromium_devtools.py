"""Headless Chromium for the HTML report's tests: the command line the tests run it with
(this machine's closed network wants no background connections at all), and a page driven
over the DevTools protocol, to measure a laid-out page with JavaScript (its width, where an
element sits) where --dump-dom only gives the DOM.

The protocol runs over --remote-debugging-pipe (file descriptors 3 and 4, one JSON message
per NUL-terminated line): no port to pick or leak, and no websocket library to install.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

BROWSER = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(n)), None)
SKIP_REASON = ("no Chromium on this machine (apt-get install chromium, or run .ci/setup): "
               "the HTML report's browser tests cannot run")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")


class DevToolsError(RuntimeError):
    pass


class Page:
    """One tab of a headless Chromium of its own, `width` x `height` CSS pixels (the window's
    inner size, scrollbars hidden as in the screenshots), closed with `close()` or `with`."""

    def __init__(self, width: int = 1400, height: int = 900, timeout: float = 60) -> None:
        assert BROWSER is not None, SKIP_REASON
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()

        def pipes_as_3_and_4() -> None:  # in the child, before exec: the pipe's fd numbers
            a, b = os.dup2(to_browser_r, 100), os.dup2(from_browser_w, 101)
            os.dup2(a, 3)
            os.dup2(b, 4)

        # close_fds=False: only the descriptors dup2 made inheritable (3 and 4) pass on,
        # Python's own are close-on-exec
        self._proc = subprocess.Popen(
            [BROWSER, *FLAGS, f"--user-data-dir={self._profile.name}",
             f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"],
            close_fds=False, preexec_fn=pipes_as_3_and_4,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._out, self._in = to_browser_w, from_browser_r
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self._next_id = 0
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._call("Target.attachToTarget",
                                   {"targetId": target, "flatten": True})["sessionId"]
        # the layout viewport exactly width x height, whatever the headless window's frame
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.enable")

    # -- the protocol --------------------------------------------------------------------
    def _message(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise DevToolsError("no answer from Chromium")
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise DevToolsError("Chromium closed its pipe (exited?)")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(line)

    def _call(self, method: str, params: dict[str, Any] | None = None,
              session: str | None = None) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._message()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise DevToolsError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            if "method" in answer:  # an event: kept for wait_event
                self._events.append(answer)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._call(method, params, self._session)

    def wait_event(self, method: str) -> dict[str, Any]:
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method:
                    return self._events.pop(i)
            self._events.append(self._message())

    # -- what the tests use ----------------------------------------------------------------
    def open(self, url: str) -> None:
        """Load `url` as a new document (a hash-only change of the same page included) and
        wait for its load event."""
        self._events.clear()
        self.send("Page.navigate", {"url": "about:blank"})
        self.wait_event("Page.loadEventFired")
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression[:200]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout_ms: int = 10_000) -> Any:
        """Poll a JavaScript expression until it is truthy (its value), or give its last
        value after `timeout_ms`."""
        return self.js(f"""new Promise(done => {{
            const start = Date.now();
            (function poll() {{
              const value = ({expression});
              if (value || Date.now() - start > {timeout_ms}) {{ done(value); }}
              else {{ setTimeout(poll, 50); }}
            }})();
        }})""")

    def close(self) -> None:
        try:
            self._call("Browser.close")
        except (DevToolsError, OSError):
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass
        self._profile.cleanup()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
