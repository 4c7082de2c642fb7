"""Worker processes and the main script: a missing ``if __name__ == "__main__":`` is an error that says so.

leakguard's worker processes (``pseudonymise_batches(jobs=2)``, ``--jobs``) are started by a ``forkserver``,
and Python starts each one by importing the main script again (``multiprocessing``'s "safe importing of main
module"). A script that calls leakguard at its top level, without the guard, would start workers from each
worker: Python stops them, and the caller used to see ``ConnectionResetError`` from a pipe.

:func:`check_main_guard` runs before any worker is started. It finds the line of the main script that is
running (its top-level frame on the stack) and, if that line is not inside an ``if __name__ == "__main__":``
block, raises :class:`MainGuardMissing` naming the script and the fix. It looks only where Python would
import the script again: not in an interactive session or a notebook (no ``__file__``), nor under
``python -m package`` (a ``__main__`` module is not imported again).
"""

from __future__ import annotations

import ast
import functools
import multiprocessing
import sys
from types import FrameType, ModuleType

__all__ = ["MainGuardMissing", "check_main_guard"]


class MainGuardMissing(RuntimeError):
    """Worker processes would run the main script again: it needs ``if __name__ == "__main__":``."""


def check_main_guard(what: str) -> None:
    """Raise :class:`MainGuardMissing` if starting worker processes now would run the main script again.

    ``what`` names the call for the message (``"pseudonymise_batches(jobs=2)"``).
    """
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise MainGuardMissing(_message(what, "this worker process"))  # a worker importing the script again
    main = sys.modules.get("__main__")
    path = _reimported_path(main)
    if main is None or path is None:
        return
    frame = _top_level_frame(main)
    if frame is None:
        return
    guarded = _guarded_lines(path)
    if guarded is not None and frame.f_lineno not in guarded:
        raise MainGuardMissing(_message(what, path))


def _message(what: str, script: str) -> str:
    return (f"{what} starts worker processes, which import the main script ({script}) again as they start: "
            f'put the code that calls it under `if __name__ == "__main__":` (as in the README), or use jobs=1')


def _reimported_path(main: ModuleType | None) -> str | None:
    """The file of the main module if worker processes would import it again, else None."""
    path = getattr(main, "__file__", None)
    if not path:
        return None  # interactive, notebook, python -c
    spec = getattr(main, "__spec__", None)
    name = getattr(spec, "name", None)
    if name is not None and (name == "__main__" or name.endswith(".__main__")):
        return None  # python -m package: multiprocessing does not import package/__main__.py again
    return path


def _top_level_frame(main: ModuleType) -> FrameType | None:
    """The frame running the main module's top-level code, if it is on the stack."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "<module>" and frame.f_globals is main.__dict__:
            return frame
        frame = frame.f_back
    return None


@functools.lru_cache(maxsize=8)
def _guarded_lines(path: str) -> frozenset[int] | None:
    """Line numbers of ``path`` inside ``if __name__ == "__main__":`` blocks; None if it cannot be parsed."""
    try:
        with open(path, encoding="utf-8") as source:
            tree = ast.parse(source.read(), path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_main_test(node.test):
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return frozenset(lines)


def _is_main_test(test: ast.expr) -> bool:
    """``__name__ == "__main__"``, either way round."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    names = [side.id for side in sides if isinstance(side, ast.Name)]
    constants = [side.value for side in sides if isinstance(side, ast.Constant)]
    return names == ["__name__"] and constants == ["__main__"]
