"""Cyclic garbage collection paused where it walks many objects and frees none.

The collector runs every 700 net allocations and, now and then, walks every
object the process holds. Two kinds of work allocate far more than they leave
as cyclic garbage, and pay for those walks for nothing:

- one report's extraction (`collection_paused` inside `gwr.extract`): some
  hundred thousand short-lived objects, freed by reference counting;
- a process's start (`long_lived`, in the command line and each batch worker):
  the modules imported and the pipeline built, which live as long as the
  process. Paused, 300,000 objects are made without the 8-10 % of the start
  spent walking them (0.25 s of 2.5 s measured); frozen afterwards
  (`gc.freeze()`), no later collection walks them again, and forked workers
  never write to their pages.
"""

from __future__ import annotations

import gc


class collection_paused:
    """Cyclic garbage collection off while one report is extracted, back as it was afterwards.

    One extraction makes some hundred thousand short-lived objects (matches, tuples, the models),
    which set off a collection every 700 allocations that walks them all and frees none: they are
    freed by reference counting. The few cycles made (dataclasses pointing at each other) are
    collected at the next collection after it; the report's own size bounds them.

    A class, not a generator (`contextlib.contextmanager`): leaving a generator allocates, and with
    the collector just enabled and its count raised by the document's few thousand objects, that
    allocation set off a collection inside `extract()` that walked the document it was about to
    return (1-1.5 ms a report). Now the collection comes at the caller's next allocation, and only
    when the caller still holds the document then: one dropped at once costs none.
    """

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        if self.enabled:
            gc.enable()


class long_lived(collection_paused):
    """The collector off while objects that live as long as the process are made (imports, the
    pipeline), then every object of the process frozen out of later collections (`gc.freeze()`),
    and the collector back as it was.

    For a process's start (the command line, a batch worker), not for a library call: freezing
    keeps whatever the process holds then, the caller's garbage included, for good.
    """

    __slots__ = ()

    def __exit__(self, *exc) -> None:
        gc.freeze()
        super().__exit__(*exc)
