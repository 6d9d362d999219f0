"""The integration tests' ``stadtstimme`` processes, forked from one that has imported the system already.

Every test starts its own web and projector processes (its own database, topics and settings). Started with
``python -m stadtstimme.cli``, each spent ~2-3 s of CPU importing FastAPI, pydantic and the services before it
could serve, ~100 times per broker pass. Here a server process (``python -m tests.integration.forkserver``) imports
them once; each ``spawn`` forks it into a fresh process that takes its environment, writes its output to its log and
runs the command line's ``app`` with the given arguments, as ``python -m stadtstimme.cli`` would. The processes are
real processes still: their own pid, signals, sockets and exit status; only the imports are shared.

Protocol: one JSON line per request on the server's stdin (``args``, ``env``, and files for
``stdin``, ``stdout`` and ``stderr``); it answers ``{"pid": …}``
on its stdout, and ``{"exit": pid, "code": …}`` (``subprocess.Popen``'s returncode) when a child ends.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from stadtstimme.infra import REPO

# What ``serve`` and ``worker projector`` import when they run, imported once in the server.
WARM = ("stadtstimme.cli", "stadtstimme.app", "stadtstimme.retention", "services.registry", "services.notifier.service",
        "services.analytics.matomo", "services.analytics.measures", "services.analytics.reports",
        "services.analytics.sdg", "uvicorn", "uvloop", "httptools")  # fmt: skip


def _child(request: dict[str, Any], keep: list[int]) -> None:
    """In the forked process: become ``python -m stadtstimme.cli *args`` with the request's environment and log."""
    code = 1
    try:
        for fd in keep:
            os.close(fd)
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # SIGPIPE stays ignored, as Python starts every process
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(log, fd)
            os.close(log)
        given = os.open(request.get("stdin") or os.devnull, os.O_RDONLY)
        os.dup2(given, 0)
        os.close(given)
        os.environ.clear()
        os.environ.update(request["env"])
        # As ``python -m stadtstimme.cli`` sets them (the command line's usage line names the program from them).
        sys.argv = [str(REPO / "stadtstimme" / "cli.py"), *request["args"]]
        sys.modules["__main__"].__package__ = "stadtstimme"
        from stadtstimme.cli import app

        try:
            app()
            code = 0
        except SystemExit as end:
            code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
            if isinstance(end.code, str):
                print(end.code, file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: S110 - a closed stream has nothing left to write
                pass
        os._exit(code)


def serve() -> None:
    """The server: import, then fork a child per request and report its end."""
    import importlib

    for name in WARM:
        importlib.import_module(name)
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # what else prints goes to stderr, not into the answers
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, "request")
    selector.register(wake_r, selectors.EVENT_READ, "child")
    pending = b""
    while True:
        for key, _ in selector.select():
            if key.data == "request":
                chunk = os.read(0, 65536)
                if not chunk:
                    return  # the tests ended: their processes are theirs to stop
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    pid = os.fork()
                    if pid == 0:
                        _child(json.loads(line), [wake_r, wake_w, out.fileno(), selector.fileno()])
                    out.write(json.dumps({"pid": pid}) + "\n")
            else:
                os.read(wake_r, 4096)
            while True:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                out.write(json.dumps({"exit": pid, "code": os.waitstatus_to_exitcode(status)}) + "\n")


class ForkServer:
    """The tests' side: one server per test session, started with the first spawn."""

    _started: ForkServer | None = None

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.forkserver"], cwd=REPO,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )  # fmt: skip
        self.lock = threading.Lock()
        self.changed = threading.Condition()
        self.pids: list[int] = []
        self.codes: dict[int, int] = {}
        threading.Thread(target=self._read, daemon=True).start()

    @classmethod
    def get(cls) -> ForkServer:
        if cls._started is None or cls._started.proc.poll() is not None:
            cls._started = cls()
        return cls._started

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self.changed:
                if "pid" in message:
                    self.pids.append(message["pid"])
                else:
                    self.codes[message["exit"]] = message["code"]
                self.changed.notify_all()
        with self.changed:
            self.pids.append(-1)  # the server is gone: no answer will come
            self.changed.notify_all()

    def spawn(
        self, args: list[str], env: dict[str, str], stdout: Path, stderr: Path | None = None, stdin: Path | None = None
    ) -> Forked:
        """``stadtstimme *args`` with this environment, its output appended to ``stdout`` (and ``stderr``, if
        given, else the same file), reading ``stdin`` (a file; none: nothing)."""
        assert self.proc.stdin is not None
        for path in (stdout, stderr or stdout):
            path.touch()  # there at once, as a file opened for ``subprocess.Popen`` is (tests read the logs)
        with self.lock:
            self.proc.stdin.write(
                json.dumps(
                    {
                        "args": args,
                        "env": env,
                        "stdout": str(stdout),
                        "stderr": str(stderr or stdout),
                        "stdin": str(stdin) if stdin else None,
                    }
                )
                + "\n"
            )
            self.proc.stdin.flush()
            with self.changed:
                if not self.changed.wait_for(lambda: self.pids, timeout=60):
                    raise RuntimeError("the fork server did not answer in 60 s")
                pid = self.pids.pop(0)
        if pid < 0:
            raise RuntimeError(f"the fork server exited with {self.proc.wait()}")
        return Forked(self, pid, args)


class Forked:
    """A forked process with the parts of ``subprocess.Popen`` the tests use."""

    def __init__(self, server: ForkServer, pid: int, args: list[str]) -> None:
        self.server = server
        self.pid = pid
        self.args = args
        self.returncode: int | None = None

    def poll(self) -> int | None:
        with self.server.changed:
            self.returncode = self.server.codes.get(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        with self.server.changed:
            if not self.server.changed.wait_for(lambda: self.pid in self.server.codes, timeout=timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            self.returncode = self.server.codes[self.pid]
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass  # ended between the check and the signal

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


if __name__ == "__main__":
    serve()
