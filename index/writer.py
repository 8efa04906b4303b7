"""A Whoosh writer that analyses and writes in several processes, one segment each.

This is Whoosh's MpWriter with ``multisegment``: the main process hands
batches of documents (plain field values) to writer processes; each one
analyses its documents and writes a segment of its own, and the commit
adds those segments to the table of contents as one new generation. Until
then the previous generation is untouched, as with the single writer.

Two things are tightened here:

- a writer process that dies, or sends no segment back, fails the commit
  (Whoosh would commit without its segment and lose its documents quietly);
- a writer process dies with the main process, kill -9 included, instead
  of waiting for work forever.
"""

from __future__ import annotations

import os
import queue
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask

from index.lifetime import die_with_parent

# How long the commit waits for a writer process's segment between checks
# that the processes are still alive.
_POLL_SECONDS = 1.0


class WriterProcessFailed(RuntimeError):
    """A writer process died before handing back its segment."""


class _Task(SubWriterTask):
    """A writer process that is killed when its parent dies."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._parent = os.getpid()

    def run(self) -> None:
        die_with_parent(self._parent)
        super().run()


class ParallelWriter(MpWriter):
    """MpWriter (multisegment) that never commits without every process's segment."""

    def __init__(self, ix: Any, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    def _new_task(self) -> Any:
        task = _Task(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                     self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join()
        self.tasks: list[Any] = []
        super().cancel()

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results: list[Any] = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=_POLL_SECONDS))
            except queue.Empty:
                dead = [task for task in self.tasks if not task.is_alive()]
                if len(dead) > len(results) or any(task.exitcode for task in dead):
                    raise WriterProcessFailed(_failure(self.tasks)) from None
        for task in self.tasks:
            task.join()
        if any(task.exitcode for task in self.tasks):
            raise WriterProcessFailed(_failure(self.tasks))
        segments += [segment for _, _, segment in results]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()


def _failure(tasks: list[Any]) -> str:
    codes = ", ".join(str(task.exitcode) for task in tasks)
    return f"an index writer process failed (exit codes: {codes}); nothing was committed"
