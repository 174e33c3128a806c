"""A caseload in partitions, for a cluster: planned in input order, each evaluated on its own, merged in order
into exactly what a single run gives (``partition``); run on Dask (``cluster``, which alone imports Dask).
See docs/scale-out.md."""

from .partition import Part, Planned, Spec, Total, check_items, check_partition, merge_all, plan

__all__ = ["Part", "Planned", "Spec", "Total", "check_items", "check_partition", "merge_all", "plan"]
