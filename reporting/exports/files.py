"""Exports written to files: by `manage.py reporting_export` and by the scheduled exports
(into the tenant's directory on the export volume, settings.EXPORTS_ROOT)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from django.conf import settings

from reporting.exports.datasets import Dataset
from reporting.exports.stream import (
    ExportFilters,
    csv_chunks,
    dataset_batches,
    parquet_chunks,
)
from reporting.models import ExportFormat


def progress_bar(done: int, total: int, *, out=sys.stderr, width: int = 30) -> None:
    filled = width * min(done, total) // total if total else width
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} rows")
    if done >= total:
        out.write("\n")
    out.flush()


def export_write(
    *,
    dataset: Dataset,
    filters: ExportFilters,
    fmt: str,
    out,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the export to the binary file `out`; returns how many rows it holds."""
    written = 0
    typed = fmt == ExportFormat.PARQUET

    def counted() -> Iterator[list[tuple]]:
        nonlocal written
        for batch in dataset_batches(dataset, filters, typed=typed):
            written += len(batch)
            if progress:
                progress(written)
            yield batch

    chunks = parquet_chunks if typed else csv_chunks
    for chunk in chunks(dataset, counted()):
        out.write(chunk)
    return written


def export_write_file(*, dataset: Dataset, filters: ExportFilters, fmt: str, path: Path) -> int:
    """The export as the file `path`, replaced whole (written aside, then renamed): a
    reader never sees half a file, and writing the same export again changes nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "wb") as out:
        rows = export_write(dataset=dataset, filters=filters, fmt=fmt, out=out)
    os.replace(partial, path)
    return rows


def directory_problem(directory: str) -> str | None:
    """Why `directory` cannot be a folder under a tenant's export directory, or None."""
    if "\\" in directory or "\x00" in directory:
        return "Use forward slashes and plain names."
    parts = PurePosixPath(directory).parts
    if directory.startswith("/") or any(p in {"..", "."} for p in parts):
        return "A relative folder inside the tenant's export directory (no '..')."
    return None


def tenant_export_directory(*, tenant_slug: str, directory: str) -> Path:
    root = Path(settings.EXPORTS_ROOT)
    return root.joinpath(tenant_slug, *PurePosixPath(directory).parts)
