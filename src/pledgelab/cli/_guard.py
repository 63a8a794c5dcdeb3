"""The one top-level handler of the command line: every error becomes a message and an exit status.

- expected errors — bad input (:class:`~pledgelab.InputError`: ``file:line: field:
  message``, one a line), an unusable argument, a missing optional extra, a file
  that cannot be read or written, a database that cannot be used, a library
  ``ValueError`` naming what it refused, running out of memory — print their
  message on stderr and exit with status 2;
- anything else is a bug: a short message saying so, with a bug-report hint,
  and exit status 70 (``EX_SOFTWARE``); the traceback only with ``--debug``
  (anywhere on the command line) or ``PLEDGELAB_DEBUG=1``;
- :class:`~pledgelab._errors.InputWarning` (input that can be used but is
  probably not what was meant) prints ``warning: ...`` on stderr.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Sequence

from pledgelab._errors import InputError, InputWarning, UsageError
from pledgelab._extras import MissingExtra
from pledgelab.cli._checks import database_problem

EXIT_INPUT = 2
EXIT_BUG = 70
BUG_HINT = ("this is a bug in pledgelab, not a problem with your input: please report it with the "
            "command line that caused it (run it again with --debug for the traceback)")


def guard(run: Callable[[list[str]], int], argv: Sequence[str]) -> int:
    """Run ``run(argv)`` (``argv`` without ``--debug``) and turn every error into an exit status."""
    args = list(argv)
    debug = "--debug" in args or os.environ.get("PLEDGELAB_DEBUG", "") not in ("", "0")
    args = [a for a in args if a != "--debug"]
    name = "pledgelab " + next((a for a in args if not a.startswith("-")), "").strip()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            return run(args)
        except KeyboardInterrupt:
            print(f"{name.strip()}: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:  # the reader (head, less) went away: nothing more to say
            _silence_stdout()
            return 0
        except InputError as exc:
            for problem in exc.problems:
                print(str(problem), file=sys.stderr)
            return EXIT_INPUT
        except (UsageError, MissingExtra) as exc:
            return _say(name, str(exc))
        except MemoryError:
            return _say(name, "ran out of memory: ask for fewer paths, a shorter horizon or a smaller file")
        except Exception as exc:  # the one place every error ends up
            db = database_problem(exc)
            if db is not None:
                return _say(name, db)
            if isinstance(exc, OSError):
                where = f"{exc.filename}: " if exc.filename else ""
                return _say(name, f"{where}{exc.strerror or exc}")
            if isinstance(exc, ValueError) and not isinstance(exc, UnicodeError):
                return _say(name, _first_line(exc))
            if debug:
                raise
            return _say(name, f"internal error ({type(exc).__name__}: {_first_line(exc)}); {BUG_HINT}",
                        status=EXIT_BUG)
        finally:
            for w in caught:
                if issubclass(w.category, InputWarning):
                    print(f"{name.strip()}: warning: {w.message}", file=sys.stderr)
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _say(name: str, message: str, *, status: int = EXIT_INPUT) -> int:
    print(f"{name.strip()}: {message}", file=sys.stderr)
    return status


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line if len(line) <= 300 else line[:300] + "..."


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


__all__ = ["BUG_HINT", "EXIT_BUG", "EXIT_INPUT", "guard"]
