"""The dataset declarations: one module per dataset, each holding one :class:`Dataset`.

``DATASETS`` maps the dataset name used on the command line and in the app to its declaration, in
the declared ``order``. The modules of this package are discovered, not listed: adding a dataset is
its module here, its migration (``python -m ingest ddl NAME`` prints it) and its tests.
``registered`` adds a declaration for the length of a ``with`` block (tests of a toy dataset).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager

from ingest.schemas.base import Context, Dataset, Field, Reference


def _discover() -> dict[str, Dataset]:
    found: dict[str, Dataset] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base":
            continue
        mod = importlib.import_module(f"{__name__}.{module.name}")
        for value in vars(mod).values():
            if isinstance(value, Dataset) and found.setdefault(value.name, value) is not value:
                raise RuntimeError(f"the dataset {value.name!r} is declared twice")
    return _ordered(found.values())


def _ordered(datasets) -> dict[str, Dataset]:
    for d in datasets:
        if not (d.order == 0 if d.registry else 1 <= d.order <= 31):
            raise RuntimeError(f"the dataset {d.name!r} has order {d.order}: 0 for the registry, else 1 to 31 "
                               "(a bit of the warehouse's masks of datasets)")
    return {d.name: d for d in sorted(datasets, key=lambda d: (d.order, d.name))}


DATASETS: dict[str, Dataset] = _discover()

# The Russian title of each dataset, for lists and logs («Педагоги»).
DATASET_TITLES: dict[str, str] = {}


def _retitle() -> None:
    DATASET_TITLES.clear()
    DATASET_TITLES.update({d.name: d.title for d in DATASETS.values()})


_retitle()


@contextmanager
def registered(*datasets: Dataset) -> Iterator[None]:
    """Declare ``datasets`` until the block ends (every reader of ``DATASETS`` sees them)."""
    saved = dict(DATASETS)
    try:
        ordered = _ordered([*DATASETS.values(), *datasets])
        DATASETS.clear()
        DATASETS.update(ordered)
        _retitle()
        yield
    finally:
        DATASETS.clear()
        DATASETS.update(saved)
        _retitle()


__all__ = ["DATASETS", "DATASET_TITLES", "Context", "Dataset", "Field", "Reference", "registered"]
