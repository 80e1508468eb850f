"""CharXiv (Wang et al., NeurIPS 2024 Datasets and Benchmarks, "CharXiv: Charting Gaps in Realistic Chart
Understanding in Multimodal LLMs"): the official questions put to the model, re-implemented from
``src/constants.py`` (``DESCRIPTIVE_RESP_INST``, ``REASONING_RESP_INST``), ``src/descriptive_utils.py``
(``descriptive_query_helper``, ``build_descriptive_quries``) and ``src/reasoning_utils.py``
(``get_number_instruction``, ``build_reasoning_queries``) of https://github.com/princeton-nlp/CharXiv at
commit 7ebe88f78dee387691551f071abcb2b9e1a8025b.

Only the prompts: CharXiv's official scoring of both question kinds is GPT-4o grading (``src/evaluate.py``:
``get_descriptive_result_gpt``, ``get_reasoning_result_gpt``), with no rule-based step, so the CharXiv tasks
run predict-only and record the responses for a judge.

Reasoning (:func:`reasoning_docs`): the question (``reasoning_q``) is put into the instruction template of its
answer type ``reasoning_q_source`` (1 text-in-chart, 2 text-in-general, 3 number-in-chart, 4
number-in-general); type 4 also states the number of decimal places of the reference answer ("an exact
integer" when it has no ``.``, else "a number with N decimal places", N the characters after the first
``.``, the official ``get_number_instruction``). The doc id is the figure id (``figure_path``
``images/<id>.jpg``), the official response key.

Descriptive (:func:`descriptive_docs`): each figure has four descriptive questions, template ids
``descriptive_q1``..``descriptive_q4`` (1..19) answered by ``descriptive_a1``..``descriptive_a4``; each
becomes a doc (official response key ``<figure id>_<i>``, i = 0..3) whose question is the template prefixed
with the subplot to look at: "For the current plot, " when the figure's row is 0 (a single plot), "For the
subplot at row R and column C, " for a grid, "For <subplot_loc>, " when the subplots form no grid (the
dataset's ``subplot_loc`` string; a null ``subplot_loc`` means the grid position
``[subplot_row, subplot_col]``); templates 18 and 19 (the layout and number of subplots) take no prefix.

Quirks kept from the official code: the templates are Python triple-quoted strings, so their continuation
lines keep four leading spaces and templates 1, 2 and the reasoning ones end with a newline and spaces; the
question is passed as it is (lmms-eval 0.7.3 strips it). lmms-eval 0.7.3 builds its descriptive docs with
``Dataset.repeat(4)`` and question number ``row index % 4 + 1``; as ``repeat`` concatenates four copies of the
1,000 rows, every figure there is asked the same one of its four questions four times. This module asks each
figure its four questions, as the official code does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

__all__ = [
    "DESCRIPTIVE_INSTRUCTIONS",
    "REASONING_INSTRUCTIONS",
    "descriptive_docs",
    "descriptive_question",
    "figure_id",
    "number_instruction",
    "reasoning_docs",
    "reasoning_question",
]

DESCRIPTIVE_INSTRUCTIONS: dict[int, str] = {
    1: (
        "{}what is its title?\n"
        "    * Your final answer should be the most relevant title of the plot that is "
        "explicitly written.\n"
        "    * If the plot does not have an explicit title or contains only a letter, answer "
        "'Not Applicable'.\n"
        "    "
    ),
    2: (
        "{}what is the label of the x-axis?\n"
        "    * Your final answer should be the label of the x-axis that is explicitly written, "
        "including the case when x-axis is shared across multiple subplots. When the x-axis is "
        "present on both the top and bottom of the plot, answer the label of the x-axis at the "
        "bottom.\n"
        "    * If the plot does not have an explicit x-axis label, answer 'Not Applicable'.\n"
        "    "
    ),
    3: (
        "{}what is the label of the y-axis?\n"
        "    * Your final answer should be the label of the y-axis that is explicitly written, "
        "including the case when y-axis is shared across multiple subplots. When the y-axis is "
        "present on both the left and right of the plot, answer the label of the y-axis at the "
        "left.\n"
        "    * If the plot does not have an explicit y-axis label, answer 'Not Applicable'."
    ),
    4: (
        "{}what is the leftmost labeled tick on the x-axis?\n"
        "    * Your final answer should be the tick value on the x-axis that is explicitly "
        "written, including the case when x-axis is shared across multiple subplots. When the "
        "x-axis is present on both the top and bottom of the plot, answer based on the axis at "
        "the bottom. Ignore units or scales that are written separately from the tick, such as "
        "units and scales from the axis label or the corner of the plot."
    ),
    5: (
        "{}what is the rightmost labeled tick on the x-axis?\n"
        "    * Your final answer should be the tick value on the x-axis that is explicitly "
        "written, including the case when x-axis is shared across multiple subplots. When the "
        "x-axis is present on both the top and bottom of the plot, answer based on the axis at "
        "the bottom. Ignore units or scales that are written separately from the tick, such as "
        "units and scales from the axis label or the corner of the plot."
    ),
    6: (
        "{}what is the spatially lowest labeled tick on the y-axis?\n"
        "    * Your final answer should be the tick value on the y-axis that is explicitly "
        "written, including the case when y-axis is shared across multiple subplots. When the "
        "y-axis is present on both the left and right of the plot, based on the axis at the "
        "left. Ignore units or scales that are written separately from the tick, such as units "
        "and scales from the axis label or the corner of the plot."
    ),
    7: (
        "{}what is the spatially highest labeled tick on the y-axis?\n"
        "    * Your final answer should be the tick value on the y-axis that is explicitly "
        "written, including the case when y-axis is shared across multiple subplots. When the "
        "y-axis is present on both the left and right of the plot, based on the axis at the "
        "left. Ignore units or scales that are written separately from the tick, such as units "
        "and scales from the axis label or the corner of the plot."
    ),
    8: (
        "{}what is difference between consecutive numerical tick values on the x-axis?\n"
        "    * Your final answer should be the difference between consecutive numerical tick "
        "values of the x-axis, including the case when x-axis is shared across multiple "
        "subplots. When the x-axis is present on both the top and bottom of the plot, answer "
        "based on the axis at the bottom. Ignore units or scales that are written separately "
        "from the tick, such as units and scales from the axis label or the corner of the plot.\n"
        "    * If the plot does not have an explicit x-axis tick value, or if the tick values "
        "are not numerical, or if the difference is not constant between all consecutive tick "
        'values, answer "Not Applicable".'
    ),
    9: (
        "{}what is difference between consecutive numerical tick values on the y-axis?\n"
        "    * Your final answer should be the difference between consecutive numerical tick "
        "values of the y-axis, including the case when y-axis is shared across multiple "
        "subplots. When the y-axis is present on both the left and right of the plot, answer "
        "based on the axis at the left. Ignore units or scales that are written separately from "
        "the tick, such as units and scales from the axis label or the corner of the plot.\n"
        "    * If the plot does not have an explicit y-axis tick value, or if the tick values "
        "are not numerical, or if the difference is not constant between all consecutive tick "
        'values, answer "Not Applicable".'
    ),
    10: (
        "{}how many lines are there?\n"
        "    * Your final answer should be the number of lines in the plot. Ignore grid lines, "
        "tick marks, and any vertical or horizontal auxiliary lines.\n"
        "    * If the plot does not contain any lines or is not considered a line plot, answer "
        '"Not Applicable".'
    ),
    11: (
        "{}do any lines intersect?\n"
        '    * Your final answer should be "Yes" if any lines intersect, and "No" otherwise. '
        "Ignore grid lines, tick marks, and any vertical or horizontal auxiliary lines.\n"
        "    * If the plot does not contain any lines or is not considered a line plot, answer "
        '"Not Applicable".'
    ),
    12: (
        "{}how many discrete labels are there in the legend?\n"
        "    * Your final answer should account for only labels relevant to the plot in the "
        "legend, even if the legend is located outside the plot. \n"
        "    * If the plot does not have a legend or no legend is not considered relevant to "
        'this plot, answer "Not Applicable".'
    ),
    13: (
        "{}what are the names of the labels in the legend?\n"
        "    * You should write down the labels from top to bottom, then from left to right and "
        "separate the labels with commas. Your final answer should account for only labels "
        "relevant to the plot in the legend, even if the legend is located outside the plot.\n"
        "    * If the plot does not have a legend or no legend is not considered relevant to "
        'this plot, answer "Not Applicable".'
    ),
    14: (
        "{}what is the difference between the maximum and minimum values of the tick labels on "
        "the continuous legend (i.e., colorbar)?\n"
        "    * You should remove the percentage sign (if any) in your answer.\n"
        "    * If the plot does not have an explicit colorbar-based continuous legend or the "
        'legend is not considered relevant to this subplot, answer "Not Applicable".'
    ),
    15: (
        "{}what is the maximum value of the tick labels on the continuous legend (i.e., "
        "colorbar)?\n"
        "    * You should remove the percentage sign (if any) in your answer. \n"
        "    * If the plot does not have an explicit colorbar-based continuous legend or the "
        'legend is not considered relevant to this subplot, answer "Not Applicable".'
    ),
    16: (
        "{}what is the general trend of data from left to right?\n"
        '    * Your final answer should be within a few words, such as "increases", "increases '
        'then stabilizes".'
    ),
    17: (
        "{}What is the total number of explicitly labeled ticks across all axes?\n"
        "    * Your final answer should be the total number of explicitly labeled ticks across "
        "all axes, including the case when any axis is shared across multiple subplots."
    ),
    18: (
        "What is the layout of the subplots?\n"
        '    * Your final answer should follow "n by m" format, where n is the number of rows '
        "and m is the number of columns.\n"
        '    * If the plot does not contain subplots, answer "1 by 1".'
    ),
    19: (
        "What is the number of subplots?\n"
        "    * Your final answer should be the total number of subplots in the plot.\n"
        '    * If the plot does not contain subplots, answer "1".'
    ),
}
REASONING_INSTRUCTIONS: dict[int, str] = {
    1: (
        "{}\n"
        "    * Your final answer must be grounded to some text that is explicitly written and "
        "relevant to the question in the chart.\n"
        "    * If you need to answer multiple terms, separate them with commas.\n"
        "    * Unless specified in the question (such as answering with a letter), you are "
        "required to answer the full names of subplots and/or labels by default.\n"
        "    "
    ),
    2: (
        "{}\n"
        "    * If there are options in the question, your final answer must conform to one of "
        "the options.\n"
        "    * If there are additional instructions in the question, follow them accordingly.\n"
        "    * If there are neither options nor additional instructions, you are allowed to "
        "respond with a short phrase only.\n"
        "    "
    ),
    3: (
        "{}\n"
        "    * Your final answer must be grounded to a number that is exlicitly written and "
        "relevant to the question in the chart, even if it's an approximate value.\n"
        "    * You are allowed to extract numbers within some text when needed.\n"
        "    "
    ),
    4: ("{}\n    {}\n    "),
}


def figure_id(doc: Mapping[str, Any]) -> str:
    """The official figure id: ``images/12.jpg`` -> ``12``."""
    return PurePosixPath(str(doc["figure_path"])).stem


def number_instruction(answer: str) -> str:
    """The official ``get_number_instruction``: the reference answer's decimal places, as an instruction."""
    parts = answer.split(".")
    if len(parts) == 1:
        return "* Your final answer must be an exact integer."
    return f"* Your final answer must be a number with {len(parts[1])} decimal places."


def reasoning_question(doc: Mapping[str, Any]) -> str:
    """The official reasoning query for a dataset row (``build_reasoning_queries``)."""
    category = int(doc["reasoning_q_source"])
    if category in (1, 2, 3):
        return REASONING_INSTRUCTIONS[category].format(doc["reasoning_q"])
    if category == 4:
        return REASONING_INSTRUCTIONS[4].format(
            doc["reasoning_q"], number_instruction(str(doc["reasoning_a"]))
        )
    raise ValueError(f"CharXiv: invalid reasoning_q_source {category!r} for figure {doc.get('figure_path')}")


def _subplot_location(doc: Mapping[str, Any]) -> list[int] | str:
    location = doc.get("subplot_loc")
    if location is None:
        return [int(doc["subplot_row"]), int(doc["subplot_col"])]
    if isinstance(location, str):
        return location
    return [int(v) for v in location]


def descriptive_question(template_id: int, location: list[int] | str) -> str:
    """The official ``descriptive_query_helper``: template ``template_id`` asked of the subplot at
    ``location`` (``[row, column]``, row 0 for a single plot, or a description)."""
    if template_id in (18, 19):
        return DESCRIPTIVE_INSTRUCTIONS[template_id]
    if isinstance(location, list):
        if location[0] == 0:
            prefix = "For the current plot, "
        else:
            prefix = f"For the subplot at row {location[0]} and column {location[1]}, "
    else:
        prefix = f"For {location}, "
    return DESCRIPTIVE_INSTRUCTIONS[template_id].format(prefix)


def reasoning_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of ``charxiv_val_reasoning``: adds ``figure_id`` (the doc id) and ``question``."""
    return [{**doc, "figure_id": figure_id(doc), "question": reasoning_question(doc)} for doc in docs]


def descriptive_docs(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``process_docs`` of ``charxiv_val_descriptive``: each row becomes its four descriptive questions, with
    ``resp_key`` ``<figure id>_<i>`` (the doc id), ``figure_id``, ``subq_idx`` (i), ``qid`` (the template
    id), ``question`` and ``answer``."""
    out: list[dict[str, Any]] = []
    for doc in docs:
        fid = figure_id(doc)
        location = _subplot_location(doc)
        for i in range(4):
            qid = int(doc[f"descriptive_q{i + 1}"])
            out.append(
                {
                    **doc,
                    "resp_key": f"{fid}_{i}",
                    "figure_id": fid,
                    "subq_idx": i,
                    "qid": qid,
                    "question": descriptive_question(qid, location),
                    "answer": doc[f"descriptive_a{i + 1}"],
                }
            )
    return out
