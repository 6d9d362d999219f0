"""Child processes of the benchmark: started with their output in log files, always stopped again.

Every child runs in its own session (Ctrl-C in the terminal reaches only the benchmark, which then stops the
children in order) and gets SIGTERM from the kernel should the benchmark itself die without cleaning up.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from shared.settings import Settings
from stadtstimme.infra import die_with_parent, settings_env, stop_process, wait_for_http


class Supervisor:
    """Starts children and stops all of them, newest first, in ``close()``; also runs extra clean-ups."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.children: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.cleanups: list[tuple[str, Callable[[], object]]] = []

    def start(
        self, name: str, argv: Sequence[str], env: dict[str, str] | None = None, stdin: bytes | None = None
    ) -> subprocess.Popen[bytes]:
        """Start a child with its output in ``logs/<name>.log``; ``stdin``, if given, is written to its input."""
        log = self.logs / f"{name}.log"
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                list(argv), env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                start_new_session=True, preexec_fn=die_with_parent,
            )  # fmt: skip
        self.children.append((name, proc))
        if stdin is not None and proc.stdin is not None:
            with proc.stdin:
                proc.stdin.write(stdin)
        return proc

    def stadtstimme(
        self, name: str, args: Sequence[str], settings: Settings, stdin: bytes | None = None
    ) -> subprocess.Popen[bytes]:
        return self.start(name, [sys.executable, "-m", "stadtstimme.cli", *args], settings_env(settings), stdin)

    def run_cli(
        self, name: str, args: Sequence[str], settings: Settings, timeout: float = 120, stdin: bytes | None = None
    ) -> None:
        """Run a ``stadtstimme`` command to completion; fail with its log if it fails."""
        proc = self.stadtstimme(name, args, settings, stdin)
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop(proc)
            raise RuntimeError(f"`stadtstimme {' '.join(args)}` timed out\n{self.tail(name)}") from None
        if code != 0:
            raise RuntimeError(f"`stadtstimme {' '.join(args)}` exited with {code}\n{self.tail(name)}")

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.logs / f"{name}.log"
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(f"  | {line}" for line in text[-lines:])

    def stop(self, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
        stop_process(proc, timeout)
        self.children = [(n, p) for n, p in self.children if p is not proc]

    def on_close(self, name: str, action: Callable[[], object]) -> None:
        self.cleanups.append((name, action))

    def close(self) -> None:
        for _, proc in reversed(self.children):
            self.stop(proc)
        for name, action in reversed(self.cleanups):
            try:
                action()
            except Exception as exc:
                print(f"[bench] clean-up of {name} failed: {exc!r}", file=sys.stderr)
        self.cleanups.clear()

    def wait_http(self, name: str, proc: subprocess.Popen[bytes], url: str, timeout: float = 60) -> None:
        """Wait until ``url`` answers 200, failing early (with the log) if the process exits."""
        try:
            wait_for_http(url, proc, timeout)
        except (RuntimeError, TimeoutError) as exc:
            raise type(exc)(f"{name}: {exc}\n{self.tail(name)}") from exc
