"""Pseudonymisation on several cores: each chunk is detected and rewritten in a worker process.

Pseudonymising a chunk is detection (the pre-filter, the recognizers on candidates) and then the operators on
the distinct values found (an HMAC per value for the default policy): both are Python work that threads do
not spread over cores, so the work goes to worker processes, one chunk each, as the scan's
:class:`~leakguard.parallel.ParallelDetector` does.

One decision must see the stream in order: whether a column holds NIRs (numbers that pass the NIR key
without context are kept only in such columns, :mod:`leakguard.detect.profile`). So each chunk makes two
trips, on the pipe of the one worker that holds it:

1. the parent sends the chunk's cells; the worker detects (before the column decision) and sends back the
   chunk's NIR counts only;
2. the parent merges the counts in stream order and sends the merged profile; the worker decides, applies
   the operators and sends back the replacement arrays (:class:`~leakguard.pseudonymise.rewrite.ChunkEdits`).

The findings never cross a pipe, the parent only reads, merges counts and writes, and the result is the one a
single process gives (tested). Chunks go to the workers in turn, one chunk per worker at a time, so memory
stays bounded by ``jobs`` chunks in flight plus the one being written.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from leakguard.detect.profile import NirProfile
from leakguard.parallel import cells_only, deferred_interrupts, forkserver_context, ignore_interrupts
from leakguard.pseudonymise.operators import Policy
from leakguard.pseudonymise.rewrite import ChunkEdits, Rewriter
from leakguard.sources.base import Chunk

_STOP = None


def _serve(connection: Connection, policy: Policy, ner: bool) -> None:
    """A worker: chunks in, counts out, merged profile in, edits out; until told to stop (Ctrl-C is the
    parent's to handle)."""
    ignore_interrupts()
    rewriter = Rewriter(policy, ner=ner)
    with contextlib.suppress(EOFError, BrokenPipeError, ConnectionResetError):  # the parent has gone: stop
        while True:
            chunk = connection.recv()
            if chunk is _STOP:
                return
            try:
                raw, counts = rewriter.detector.detect_raw(chunk)
                connection.send(("counts", counts.as_dict()))
                merged = connection.recv()
                if merged is _STOP:
                    return
                profile = NirProfile.from_dict(merged)
                connection.send(("edits", rewriter.apply(chunk, rewriter.detector.resolve(raw, profile))))
            except (EOFError, BrokenPipeError, ConnectionResetError):
                raise
            except Exception as error:
                connection.send(("error", error))


class _Worker:
    def __init__(self, context: Any, policy: Policy, ner: bool):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, policy, ner), daemon=True)
        self.process.start()
        child.close()

    def receive(self, expected: str) -> Any:
        try:
            kind, payload = self.connection.recv()
        except EOFError:
            raise RuntimeError(f"a pseudonymisation worker stopped (exit code {self.process.exitcode})") from None
        if kind == "error":
            raise payload
        assert kind == expected, (kind, expected)
        return payload

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, OSError):
            self.connection.send(_STOP)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
        self.connection.close()


class ParallelRewriter:
    """Detects and rewrites the chunks of one stream in ``jobs`` worker processes; a context manager.

    :meth:`edits_each` gives the same ``(chunk, edits)`` pairs as :meth:`Rewriter.edits_each
    <leakguard.pseudonymise.rewrite.Rewriter.edits_each>`, in order.
    """

    def __init__(self, policy: Policy, *, ner: bool = True, jobs: int = 2):
        if jobs < 2:
            raise ValueError("a ParallelRewriter needs at least 2 jobs; use a Rewriter for one")
        context = forkserver_context(["leakguard.pseudonymise.rewrite", "leakguard.sources"])
        self.profile = NirProfile()
        self._workers: list[_Worker] = []
        try:
            with deferred_interrupts():  # a worker cut short in its start would print a traceback
                for _ in range(jobs):
                    self._workers.append(_Worker(context, policy, ner))
        except BaseException:  # Ctrl-C while the workers started: stop them
            self.close()
            raise

    def __enter__(self) -> ParallelRewriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def edits_each(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """``(chunk, edits)`` for each chunk, in order."""
        idle = deque(self._workers)
        busy: deque[tuple[Chunk, _Worker]] = deque()  # in stream order; counts not yet merged
        waiting: deque[tuple[Chunk, _Worker]] = deque()  # profile sent; edits to receive
        for chunk in chunks:
            if not idle:
                yield self._finish(busy, waiting, idle)
            worker = idle.popleft()
            worker.connection.send(cells_only(chunk))
            busy.append((chunk, worker))
        while busy or waiting:
            yield self._finish(busy, waiting, idle)

    def _finish(self, busy: deque[tuple[Chunk, _Worker]], waiting: deque[tuple[Chunk, _Worker]],
                idle: deque[_Worker]) -> tuple[Chunk, ChunkEdits]:
        """Merge the counts of every chunk in flight (in order), then receive the oldest chunk's edits."""
        while busy:
            chunk, worker = busy.popleft()
            self.profile.merge(NirProfile.from_dict(worker.receive("counts")))
            worker.connection.send(self.profile.as_dict())
            waiting.append((chunk, worker))
        chunk, worker = waiting.popleft()
        edits = worker.receive("edits")
        idle.append(worker)
        return chunk, edits
