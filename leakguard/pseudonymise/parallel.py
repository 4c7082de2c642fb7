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
   — or ``hold``, for a stream's chunk held until its end (:func:`~leakguard.pseudonymise.tables.rewrite_batches`):
   the worker sends back the chunk's findings before the decision, which the parent sets aside with the
   batch; at the end, each held chunk goes to a worker again with its findings (``replay``), to be decided
   and rewritten without being detected twice.

The parent only reads, merges counts, sets held chunks aside and writes, and the result is the one a single
process gives (tested). Chunks go to the workers in turn, one chunk per worker at a time, so memory stays
bounded by ``jobs`` chunks in flight plus the one being written.
"""

from __future__ import annotations

import contextlib
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
    """A worker: a profile; or a chunk in, its counts out, then ``apply`` (edits out) or ``hold`` (findings
    out); or a held chunk and its findings in (``replay``), edits out; until stopped (Ctrl-C is the parent's
    to handle)."""
    ignore_interrupts()
    rewriter = Rewriter(policy, detector=Detector(options))
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
                if kind == "replay":
                    connection.send(("edits", next(rewriter.replay_each([payload], profile))[1]))
                    continue
                raw, counts = rewriter.detector.detect_raw(payload)
                connection.send(("counts", (counts.as_dict(), needs_decision(raw))))
                answer = connection.recv()
                if answer is _STOP:
                    return
                if answer == "apply":
                    connection.send(("edits", rewriter.apply(payload, Detector.resolve(raw, profile), profile)))
                else:
                    connection.send(("held", raw))
            except (EOFError, BrokenPipeError, ConnectionResetError):
                raise
            except Exception as error:
                connection.send(("error", error))


class _Worker:
    def __init__(self, context: Any, policy: Policy, options: DetectOptions):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, policy, options), daemon=True)
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
        for chunk, edits, _, _ in self._run(chunks, tentative=False):
            assert edits is not None
            yield chunk, edits

    def tentative_each(self, chunks: Iterable[Chunk]) -> Iterator[Tentative]:
        """See :class:`~leakguard.pseudonymise.rewrite.ChunkRewriter`."""
        self._send_profile(NirProfile())
        yield from self._run(chunks, tentative=True)

    def replay_each(self, held: Iterable[tuple[Chunk, pa.Table | None]], profile: NirProfile
                    ) -> Iterator[tuple[Chunk, ChunkEdits]]:
        """See :class:`~leakguard.pseudonymise.rewrite.ChunkRewriter`."""
        self._send_profile(profile)
        idle = deque(self._workers)
        busy: deque[tuple[Chunk, _Worker]] = deque()
        for chunk, raw in held:
            if not idle:
                done, worker = busy.popleft()
                yield done, worker.receive("edits")
                idle.append(worker)
            worker = idle.popleft()
            worker.connection.send(("replay", (cells_only(chunk), raw)))
            busy.append((chunk, worker))
        for chunk, worker in busy:
            yield chunk, worker.receive("edits")

    def _send_profile(self, profile: NirProfile) -> None:
        data = profile.as_dict()
        for worker in self._workers:
            worker.connection.send(("profile", data))

    def _run(self, chunks: Iterable[Chunk], *, tentative: bool) -> Iterator[Tentative]:
        idle = deque(self._workers)
        busy: deque[tuple[Chunk, _Worker]] = deque()  # in stream order; counts not received yet
        waiting: deque[tuple[Chunk, _Worker, NirProfile, bool]] = deque()  # answered; edits or findings to receive
        holding = False

        def answer_all() -> None:
            """Receive the counts of every chunk in flight, in order, and answer apply or hold."""
            nonlocal holding
            while busy:
                chunk, worker = busy.popleft()
                counts, waits = worker.receive("counts")
                apply = not (tentative and (holding or waits))
                holding = holding or not apply
                worker.connection.send("apply" if apply else "hold")
                waiting.append((chunk, worker, NirProfile.from_dict(counts), apply))

        def finish() -> Tentative:
            answer_all()
            chunk, worker, counts, applied = waiting.popleft()
            if applied:
                result: Tentative = (chunk, worker.receive("edits"), counts, None)
            else:
                result = (chunk, None, counts, worker.receive("held"))
            idle.append(worker)
            return result

        for chunk in chunks:
            if not idle:
                yield finish()
            worker = idle.popleft()
            worker.connection.send(("chunk", cells_only(chunk)))
            busy.append((chunk, worker))
        while busy or waiting:
            yield finish()
