"""Pseudonymisation on several cores: each chunk is detected and rewritten in a worker process.

Pseudonymising a chunk is detection (the pre-filter, the recognizers on candidates) and then the operators on
the distinct values found (normalisation in Python, then the batched MAC of the default policy): both are
mostly Python work that threads do not spread over cores, so the work goes to worker processes, one chunk
each, as the scan's :class:`~leakguard.parallel.ParallelDetector` does.

The column decisions (whether a column's NIR-shaped numbers are NIRs, :mod:`leakguard.detect.profile`) stay
in the parent. Each chunk makes two trips on the pipe of the one worker that holds it:

1. the parent sends the chunk's cells; the worker detects (before the column decision) and sends back the
   chunk's NIR counts, and whether some of its findings wait for a decision;
2. the parent answers ``apply`` — the worker decides with its profile (the final one of a file, from the
   profile pass; for a stream, only chunks with nothing waiting are applied, so no profile is needed), applies
   the operators and sends back the replacement arrays (:class:`~leakguard.pseudonymise.rewrite.ChunkEdits`)
   — or ``drop``, for a stream's chunk held until its end (:func:`~leakguard.pseudonymise.tables.rewrite_batches`);
   later chunks of that stream are then only counted.

The findings never cross a pipe, the parent only reads, merges counts and writes, and the result is the one a
single process gives (tested). Chunks go to the workers in turn, one chunk per worker at a time, so memory
stays bounded by ``jobs`` chunks in flight plus the one being written.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections import deque
from collections.abc import Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any

import pyarrow as pa

from leakguard.detect.decisions import needs_decision
from leakguard.detect.engine import DetectOptions, Detector
from leakguard.detect.profile import NirProfile
from leakguard.parallel import cells_only, deferred_interrupts, ignore_interrupts
from leakguard.pseudonymise.operators import Policy
from leakguard.pseudonymise.rewrite import ChunkEdits, Rewriter, Tentative, detect_options
from leakguard.sources.base import Chunk
from leakguard.workers import check_main_guard
from leakguard.workerserver import forkserver_context

_STOP = None


def _serve(connection: Connection, policy: Policy, options: DetectOptions) -> None:
    """A worker: a profile, or a chunk in, its counts out, then ``apply`` (edits out) or ``drop``; until stopped
    (Ctrl-C is the parent's to handle)."""
    ignore_interrupts()
    rewriter = Rewriter(policy, detector=Detector(options))
    counter = Detector(dataclasses.replace(rewriter.detector.options, ner=False))
    profile = NirProfile()
    with contextlib.suppress(EOFError, BrokenPipeError, ConnectionResetError):  # the parent has gone: stop
        while True:
            message = connection.recv()
            if message is _STOP:
                return
            kind, payload = message
            if kind == "profile":
                profile = NirProfile.from_dict(payload)
                continue
            try:
                if kind == "count":
                    connection.send(("counts", (counter.count(payload).as_dict(), False)))
                    continue
                raw, counts = rewriter.detector.detect_raw(payload)
                connection.send(("counts", (counts.as_dict(), needs_decision(raw))))
                answer = connection.recv()
                if answer is _STOP:
                    return
                if answer == "apply":
                    connection.send(("edits", rewriter.apply(payload, Detector.resolve(raw, profile), profile)))
            except (EOFError, BrokenPipeError, ConnectionResetError):
                raise
            except Exception as error:
                connection.send(("error", error))


class _Worker:
    def __init__(self, context: Any, policy: Policy, options: DetectOptions):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, policy, options), daemon=True)
        #: the chunk in flight is only counted (a held stream)
        self.counting = False
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

    ``profile``: the final NIR counts of the data (a file's profile pass), for :meth:`edits_each`;
    ``options``: the detector's (default :func:`~leakguard.pseudonymise.rewrite.detect_options` of ``ner``).
    The methods give what :class:`~leakguard.pseudonymise.rewrite.Rewriter`'s give, in order.
    """

    def __init__(self, policy: Policy, *, ner: bool = True, jobs: int = 2, profile: NirProfile | None = None,
                 options: DetectOptions | None = None):
        if jobs < 2:
            raise ValueError("a ParallelRewriter needs at least 2 jobs; use a Rewriter for one")
        check_main_guard(f"pseudonymisation with jobs={jobs}")
        context = forkserver_context(["leakguard.pseudonymise.rewrite", "leakguard.sources"])
        options = options or detect_options(ner)
        self._workers: list[_Worker] = []
        try:
            with deferred_interrupts():  # a worker cut short in its start would print a traceback
                for _ in range(jobs):
                    self._workers.append(_Worker(context, policy, options))
        except BaseException:  # Ctrl-C while the workers started: stop them
            self.close()
            raise
        if profile is not None:
            self._send_profile(profile)

    def __enter__(self) -> ParallelRewriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def edits_each(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """``(chunk, edits)`` for each chunk, in order, decided with the profile given at construction."""
        for chunk, edits, _ in self._run(chunks, tentative=False):
            assert edits is not None
            yield chunk, edits

    def tentative_each(self, chunks: Iterable[Chunk]) -> Iterator[Tentative]:
        """See :class:`~leakguard.pseudonymise.rewrite.ChunkRewriter`. The findings stay in the workers: a held
        chunk comes back without them, to be detected again."""
        self._send_profile(NirProfile())
        for chunk, edits, counts in self._run(chunks, tentative=True):
            yield chunk, edits, counts, None

    def replay_each(self, held: Iterable[tuple[Chunk, pa.Table | None]], profile: NirProfile
                    ) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """See :class:`~leakguard.pseudonymise.rewrite.ChunkRewriter` (the chunks are detected again)."""
        self._send_profile(profile)
        yield from self.edits_each(chunk for chunk, _ in held)

    def _send_profile(self, profile: NirProfile) -> None:
        data = profile.as_dict()
        for worker in self._workers:
            worker.connection.send(("profile", data))

    def _run(self, chunks: Iterable[Chunk], *, tentative: bool
             ) -> Iterator[tuple[Chunk, ChunkEdits | None, NirProfile]]:
        idle = deque(self._workers)
        busy: deque[tuple[Chunk, _Worker]] = deque()  # in stream order; counts not received yet
        waiting: deque[tuple[Chunk, _Worker, NirProfile, bool]] = deque()  # answered; edits to receive if applied
        holding = False

        def answer_all() -> None:
            """Receive the counts of every chunk in flight, in order, and answer apply or drop."""
            nonlocal holding
            while busy:
                chunk, worker = busy.popleft()
                counts, waits = worker.receive("counts")
                if worker.counting:
                    worker.counting = False
                    waiting.append((chunk, worker, NirProfile.from_dict(counts), False))
                    continue
                apply = not (tentative and (holding or waits))
                holding = holding or not apply
                worker.connection.send("apply" if apply else "drop")
                waiting.append((chunk, worker, NirProfile.from_dict(counts), apply))

        def finish() -> tuple[Chunk, ChunkEdits | None, NirProfile]:
            answer_all()
            chunk, worker, counts, applied = waiting.popleft()
            edits = worker.receive("edits") if applied else None
            idle.append(worker)
            return chunk, edits, counts

        for chunk in chunks:
            if not idle:
                yield finish()
            worker = idle.popleft()
            worker.counting = holding  # a held stream's later chunks are only counted
            worker.connection.send(("count" if holding else "chunk", cells_only(chunk)))
            busy.append((chunk, worker))
        while busy or waiting:
            yield finish()
