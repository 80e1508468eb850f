"""VLMs Are Blind (Rahmanzadehgervi et al., 2024, "Vision language models are blind", ACCV 2024): the
per-task answer reading of lmms-eval 0.7.3 (``lmms_eval/tasks/vlmsareblind/utils.py``: ``parse_response``,
``vlmsareblind_process_results``, ``vlmsareblind_aggregate_by_task``, ``vlmsareblind_sample_100_per_task``)
over the ``XAI/vlmsareblind`` release of BlindTest. No official scoring code was found: the paper's
repository (github.com/anguyen8/vision-llms-are-blind, mirrored as VLMsAreBlind/Benchmark at commit
bbfc1bfa8a5f843e8ca88ca5745fb484fac931d6) holds only the image generators, and the ``XAI/vlmsareblind``
dataset's own repository could not be read; so 0.7.3's rules, which read the answer formats the dataset's
prompts ask for (``{N}``, ``{3}{4}``...), are the rule here, matched quirk for quirk.

Reading (:func:`parse_vlmsareblind`), on the response stripped and lower-cased, by the row's ``task``
(lower-cased):

- ``touching circles``: the whole response must be ``yes`` or ``no`` ("Yes." reads nothing);
- ``line plot intersections``, ``subway connections``, ``olympic counting - circles``, ``olympic counting -
  pentagons``, ``nested squares``: the first run of digits anywhere (``\\{?(\\d+)\\}?``: "{3}" and "there
  are 3" read 3; "2 or 3" reads 2);
- ``circled letter``: the first letter a-z anywhere (``\\{?([a-z])\\}?``): "{b}" reads b, but "the letter is
  b" reads t (the first letter of "the");
- ``counting grid - ...``: ``{R}{C}`` (spaces allowed between), else ``(R, C)``, else ``rows={R}
  columns={C}``, read as ``"R,C"``;
- any other task, or no match: nothing (scored wrong).

A doc is right when the reading equals ``groundtruth`` stripped and lower-cased. ``accuracy`` is the share
right; ``task_mean`` the unweighted mean of the per-task accuracies where the two counting-grid tasks count as
one task ``counting grid`` (the paper's Table 1 grouping): :func:`add_task_group` writes that group as
``task_group`` for the breakdown and the ``macro_mean`` aggregation. :func:`first_100_per_task` keeps the
first 100 rows of each task, in dataset order (``vlmsareblind_lite``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["add_task_group", "extract_vlmsareblind_answer", "first_100_per_task", "parse_vlmsareblind"]

_NUMBER_TASKS = (
    "line plot intersections",
    "subway connections",
    "olympic counting - circles",
    "olympic counting - pentagons",
    "nested squares",
)
_GRID_PATTERNS = (
    re.compile(r"\{(\d+)\}\s*\{(\d+)\}"),
    re.compile(r"\((\d+)\s*,\s*(\d+)\)"),
    re.compile(r"rows=\{(\d+)\}\scolumns=\{(\d+)\}"),
)
_TASK_GROUPS = {"counting grid - blank grids": "counting grid", "counting grid - word grids": "counting grid"}


def parse_vlmsareblind(response: str, task: str) -> str | None:
    """The answer read from ``response`` for a ``task`` (module docstring), or None."""
    response = response.strip().lower()
    task = task.lower()
    if task == "touching circles" and response in ("yes", "no"):
        return response
    if task in _NUMBER_TASKS:
        number = re.search(r"\{?(\d+)\}?", response)
        if number:
            return number.group(1)
    if task == "circled letter":
        letter = re.search(r"\{?([a-z])\}?", response)
        if letter:
            return letter.group(1)
    if task.startswith("counting grid"):
        for pattern in _GRID_PATTERNS:
            grid = pattern.search(response)
            if grid:
                return f"{grid.group(1)},{grid.group(2)}"
    return None


def extract_vlmsareblind_answer(text: str, doc: Mapping[str, Any]) -> str | None:
    """Extractor ``vlmsareblind``: :func:`parse_vlmsareblind` for the doc's ``task``."""
    return parse_vlmsareblind(text, str(doc.get("task") or ""))


def add_task_group(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs``: adds ``task_group``, the lower-cased task with the two counting-grid tasks merged."""
    out = []
    for doc in docs:
        task = str(doc.get("task") or "").lower()
        out.append({**doc, "task_group": _TASK_GROUPS.get(task, task)})
    return out


def first_100_per_task(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of ``vlmsareblind_lite``: the first 100 rows of each task (rows without a task are
    dropped), then :func:`add_task_group`. 0.7.3 lists the kept rows task by task, in the order the tasks
    first appear; the order does not change any score."""
    by_task: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        task = str(doc.get("task") or "")
        if task and len(by_task.setdefault(task, [])) < 100:
            by_task[task].append(doc)
    return add_task_group(doc for rows in by_task.values() for doc in rows)
