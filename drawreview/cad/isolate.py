"""Run CPU-heavy work in a child process that can be killed (docs/decisions/022).

A :class:`Pool` keeps warm child interpreters (``python -m drawreview.cad.isolate``: a fresh
``exec``, like multiprocessing's *spawn*, so a child shares nothing with the server's heap,
threads or event loop). ``await pool.run(fn, args, deadline=..., on_item=...)`` sends one
picklable call to an idle child; the function gets an ``emit`` callable whose items stream
back to ``on_item`` in order while the child works on, and its return value is the result.

- **Deadline**: *deadline* is a ``time.monotonic()`` instant (the clock is system-wide, so the
  child may check it cooperatively too). A child still busy ``GRACE_S`` after it is SIGKILLed
  and :class:`Timeout` is raised; a cancelled ``run`` (an outer timeout) kills it as well.
- **Crashes**: a child that dies (segfault in MuPDF, OOM killer, ``os._exit``) raises
  :class:`ChildDied` with its exit code / signal; the server is untouched. A ``MemoryError``
  in the child is raised again in the parent and the child is retired.
- **Warm reuse**: imports (ezdxf, PyMuPDF, shapely: about a second) happen once per child; a
  finished child goes back to the idle list, a killed or dead one is replaced at once (its
  successor imports in the background). A child whose memory grew past ``RETIRE_RSS`` after a
  job exits instead of going back (Python seldom returns a big drawing's heap to the OS).
- **Size**: at most ``size`` children run at once (default: the CPU count); further calls
  wait their turn (the wait counts against their deadline, as queueing always did).

Children are niced (``NICE``) so requests of the serving process come first on a busy CPU.
Only ids and paths cross the pipe; bulky output goes to files the parent reads.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from typing import Any, Awaitable, Callable

log = logging.getLogger("drawreview.isolate")

GRACE_S = 0.5  # after the deadline: time for a cooperative stop before SIGKILL
NICE = 5
RETIRE_RSS = 1024**3  # bytes resident after a job: above this the child exits rather than idles
PRELOAD = ("drawreview.cad.pipeline",)


class ChildDied(Exception):
    """The child process ended without answering (signal or exit code); *cause* is the last
    line it wrote to stderr (its uncaught exception, MuPDF's complaint), when it wrote one."""

    def __init__(self, pid: int, returncode: int | None, cause: str = "") -> None:
        self.pid, self.returncode, self.cause = pid, returncode, cause
        super().__init__(f"child {pid} {describe_exit(returncode)}" + (f": {cause}" if cause else ""))

    @property
    def signal_name(self) -> str | None:
        if self.returncode is not None and self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None


class Timeout(Exception):
    """The deadline passed and the child was killed."""


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "closed its pipe"
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


class _Child:
    def __init__(self, preload: tuple[str, ...], nice: int = NICE) -> None:
        parent, child = socket.socketpair()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # stderr goes to a file of its own (append mode: emptied before each call) so a child that
        # dies can say why; a pipe could fill up and stall it
        self.err = tempfile.TemporaryFile(mode="a+b")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "drawreview.cad.isolate", str(child.fileno()), f"--nice={nice}", *preload],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, stderr=self.err, env=env, close_fds=True)
        child.close()
        parent.setblocking(True)
        self.conn = Connection(parent.detach())
        self.pid = self.proc.pid
        self.jobs = 0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.kill()
            except ProcessLookupError:  # pragma: no cover - raced with its exit
                pass
        self.close()

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:  # pragma: no cover
            pass

    def new_call(self) -> None:
        """Forget what the previous call wrote to stderr."""
        try:
            self.err.truncate(0)
        except (OSError, ValueError):  # pragma: no cover
            pass

    def last_words(self) -> str:
        """The last line the child wrote to stderr (a traceback's last line names the exception)."""
        try:
            self.err.flush()
            size = self.err.seek(0, 2)
            self.err.seek(max(0, size - 8192))
            lines = [ln.strip() for ln in self.err.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        except (OSError, ValueError):  # pragma: no cover
            return ""
        return lines[-1][:300] if lines else ""

    def release(self) -> None:
        self.close()
        try:
            self.err.close()
        except OSError:  # pragma: no cover
            pass

    async def reap(self, wait_s: float = 2.0) -> int | None:
        """The exit status, waiting (without blocking the loop) for a dying child."""
        end = time.monotonic() + wait_s
        while self.proc.poll() is None and time.monotonic() < end:
            await asyncio.sleep(0.01)
        return self.proc.poll()


class Pool:
    def __init__(self, size: int | None = None, preload: tuple[str, ...] = PRELOAD, nice: int = NICE) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self.preload = preload
        self.nice = nice  # the drawing children yield to requests; a tile child (a viewer waits) does not
        self._lock = threading.Lock()  # runs may come from several event loops (threads)
        self._idle: list[_Child] = []
        self._busy: set[_Child] = set()
        self.largest_message = 0  # bytes of the longest message a child sent (bounded: see pipeline)

    # -- bookkeeping -------------------------------------------------------------------
    def warm(self) -> None:
        """Start a child now (if none is idle and there is room), so the first job finds its
        imports done."""
        with self._lock:
            self._idle = [c for c in self._idle if c.alive()]
            if not self._idle and len(self._busy) < self.size:
                self._idle.append(_Child(self.preload, self.nice))

    def pids(self) -> dict[str, list[int]]:
        with self._lock:
            return {"idle": [c.pid for c in self._idle], "busy": [c.pid for c in self._busy]}

    def _take(self) -> _Child | None:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.alive():
                    self._busy.add(child)
                    return child
                child.release()
            if len(self._busy) < self.size:
                child = _Child(self.preload, self.nice)
                self._busy.add(child)
                return child
            return None

    def _give_back(self, child: _Child, reusable: bool) -> None:
        with self._lock:
            self._busy.discard(child)
            if reusable and child.alive():
                self._idle.append(child)
                return
        child.kill()
        child.release()
        self.warm()  # its successor imports while nobody waits for it

    def close(self) -> None:
        with self._lock:
            children = self._idle + list(self._busy)
            self._idle, self._busy = [], set()
        for child in children:
            child.kill()
            child.release()

    # -- one call ----------------------------------------------------------------------
    async def run(self, fn: Callable, args: tuple = (), *, deadline: float | None = None,
                  on_item: Callable[[Any], Awaitable[None]] | None = None,
                  on_start: Callable[[], Awaitable[None]] | None = None) -> Any:
        """``fn(*args, emit=...)`` in a child; items go to ``on_item`` in order; ``on_start`` is
        awaited once a child has taken the call (until then the call waits in the queue)."""
        child = self._take()
        while child is None:  # every child is busy: wait for one
            if deadline is not None and time.monotonic() > deadline:
                raise Timeout("no child became free before the deadline")
            await asyncio.sleep(0.05)
            child = self._take()
        reusable = False
        try:
            if on_start is not None:
                await on_start()
            child.new_call()
            os.set_blocking(child.conn.fileno(), True)
            child.conn.send((fn.__module__, fn.__qualname__, args))
            ok, value, reusable = await self._collect(child, deadline, on_item)
        finally:
            self._give_back(child, reusable)
        if not ok:
            raise value
        return value

    async def _collect(self, child: _Child, deadline: float | None, on_item) -> tuple[bool, Any, bool]:
        """(finished without error, result or exception, child reusable)."""
        loop = asyncio.get_running_loop()
        conn = child.conn
        while True:
            while conn.poll():
                try:
                    # blocking read of one whole message: uvloop's add_reader (libuv's uv_poll)
                    # leaves the descriptor non-blocking, and a message longer than the socket
                    # buffer then failed half-read with EAGAIN; the parent hung up and the child
                    # died of BrokenPipe ("exit code 1" on 200-page PDFs under uvicorn)
                    os.set_blocking(conn.fileno(), True)
                    raw = conn.recv_bytes()
                except (EOFError, OSError):
                    child.close()
                    code = await child.reap()
                    raise ChildDied(child.pid, code, child.last_words()) from None
                self.largest_message = max(self.largest_message, len(raw))
                kind, value = pickle.loads(raw)
                if kind == "item":
                    if on_item is not None:
                        await on_item(value)
                elif kind == "done":
                    return True, value["result"], not value["retire"]
                elif kind == "error":  # raised by the function: the child itself is sound
                    exc, retire = value
                    return False, exc, not retire
            wait = None if deadline is None else deadline + GRACE_S - time.monotonic()
            if wait is not None and wait <= 0:
                child.kill()
                await child.reap()
                raise Timeout(f"child {child.pid} killed at its deadline")
            ready = loop.create_future()
            loop.add_reader(conn.fileno(), lambda: ready.done() or ready.set_result(None))
            try:
                await asyncio.wait_for(ready, wait)
            except asyncio.TimeoutError:
                pass
            finally:
                loop.remove_reader(conn.fileno())


_pool: Pool | None = None
_pool_lock = threading.Lock()


def pool() -> Pool:
    """The process's pool (children belong to the process, like MuPDF caches do)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool()
            atexit.register(_pool.close)
        return _pool


# -- the child side ----------------------------------------------------------------------
def _rss() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


def _serve(conn: Connection) -> None:
    while True:
        try:
            module, name, args = conn.recv()
        except (EOFError, OSError):
            return  # the parent went away
        fn: Any = importlib.import_module(module)
        for part in name.split("."):
            fn = getattr(fn, part)

        def emit(item: Any) -> None:
            conn.send(("item", item))

        try:
            result = fn(*args, emit=emit)
        except (BrokenPipeError, ConnectionResetError):
            os._exit(0)  # the parent hung up (it gave up on this call): nobody to answer
        except MemoryError:
            _send_error(conn, MemoryError("out of memory"), retire=True)
            os._exit(3)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            _send_error(conn, exc, retire=False)
            continue
        retire = _rss() > RETIRE_RSS
        conn.send(("done", {"result": result, "retire": retire}))
        if retire:
            return


def _send_error(conn: Connection, exc: BaseException, retire: bool) -> None:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - an exception that cannot cross: its text does
        exc = RuntimeError(f"{type(exc).__name__}: {exc}")
    exc.__traceback__ = None
    conn.send(("error", (exc, retire)))


def main(argv: list[str]) -> None:
    fd, rest = int(argv[0]), argv[1:]
    nice = next((int(a.split("=", 1)[1]) for a in rest if a.startswith("--nice=")), NICE)
    preload = [a for a in rest if not a.startswith("--")]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server; the server stops us
    try:
        if nice:
            os.nice(nice)
    except OSError:  # pragma: no cover
        pass
    for module in preload:
        warm = getattr(importlib.import_module(module), "warm_up", None)
        if warm is not None:
            warm()  # first uses (fonts, caches) paid here, not by the first upload
    _serve(Connection(fd))


if __name__ == "__main__":
    main(sys.argv[1:])
