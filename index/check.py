"""Verify an index folder: every segment's files, every derived file, and say what to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import derived, layout, whoosh_private
from index.schema import POSITION_FIELDS, SEARCHED_FIELDS


@dataclass
class CheckReport:
    """What a check found: the build and generation read, and each problem in one line."""

    home: Path
    build: str = ""
    generation: int = -1
    segments: int = 0
    documents: int = 0
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        """Tell whether a Whoosh file is damaged: only a rebuild from the sources helps."""
        return any(not problem.startswith("derived") for problem in self.problems)

    def advice(self) -> str:
        """Return what to run about the problems found."""
        if self.damaged:
            return (f"rebuild the index from its sources: tracuu rebuild PATH... "
                    f"--index {self.home}")
        if self.problems:
            return f"make the derived files again: tracuu check --repair --index {self.home}"
        return ""


def check_index(home: Path, *, repair: bool = False) -> CheckReport:
    """Read every segment of the served generation whole and compare its derived file.

    With repair, a derived file that is missing or does not match its segment
    is written again (the Whoosh segment is the source of truth).
    """
    report = CheckReport(home)
    build = layout.current_build(home)
    if build is None:
        report.problems.append(f"no index in {home} (no {layout.POINTER} and no "
                               f"Whoosh index)")
        return report
    report.build = build.index_id
    if not build.folder.is_dir():
        report.problems.append(f"{layout.POINTER} names build {build.index_id}, which is "
                               f"not in {home / layout.BUILDS}")
        return report
    try:
        toc = whoosh_private.read_toc(str(build.folder))
    except Exception as error:  # a damaged TOC raises many kinds
        report.problems.append(f"the table of contents cannot be read "
                               f"({type(error).__name__}: {error})")
        return report
    report.generation = toc.generation
    report.segments = len(toc.segments)
    for segment in toc.segments:
        report.documents += segment.doc_count_all() - segment.deleted_count()
        _check_segment(build, toc.schema, segment, report, repair)
    return report


def _check_segment(build: layout.Build, schema: Any, segment: Any,
                   report: CheckReport, repair: bool) -> None:
    name = segment.segment_id()
    try:
        leaf = whoosh_private.open_segment(str(build.folder), schema, segment)
        try:
            header, arrays = derived.derive(leaf, SEARCHED_FIELDS, POSITION_FIELDS)
            for _ in leaf.all_stored_fields():
                pass
        finally:
            leaf.close()
    except Exception as error:  # Whoosh raises many kinds on a damaged segment
        report.problems.append(f"segment {name} cannot be read "
                               f"({type(error).__name__}: {error})")
        return
    path = derived.file_for(build.folder, name)
    count = segment.doc_count_all()
    try:
        mapped = derived.load(path, build.index_id, name, count)
        different = [key for key, array in arrays.items()
                     if key not in mapped.arrays or not np.array_equal(mapped.arrays[key], array)]
        made = derived.in_memory(header, arrays)
        different += [key for key in ("field_totals", "column_names")
                      if getattr(mapped, key) != getattr(made, key)]
        problem = f"derived file {path.name} differs from its segment in {', '.join(different)}" \
            if different else ""
    except FileNotFoundError:
        problem = f"derived file {path.name} is missing"
    except (OSError, ValueError, KeyError, TypeError) as error:
        problem = f"derived file {path.name} cannot be used ({error})"
    if not problem:
        return
    if repair:
        derived.write(path, build.index_id, header, arrays)
        report.repaired.append(path.name)
    else:
        report.problems.append(problem)
