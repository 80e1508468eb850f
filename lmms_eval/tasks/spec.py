"""The task YAML schema. Every model forbids unknown keys; the loader turns errors into file:line messages.

A task file declares ``task:``; a group file declares ``group:``; files whose name starts with ``_`` are
templates, used only through ``include:``. See docs/task_guide.md for the full reference with examples.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

TASK_SCHEMA_VERSION = 1
Modality = Literal["text", "image", "video", "audio", "multi"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HubSource(_Strict):
    """A Hugging Face dataset, loaded with ``datasets.load_dataset``."""

    path: str
    name: str | None = None
    split: str
    revision: str | None = None
    data_files: str | list[str] | dict[str, str | list[str]] | None = None
    trust_remote_code: bool = False


class LocalSource(_Strict):
    """Local files. ``path`` is relative to the data root (``--data_root``), or to the YAML file when it
    starts with ``./`` or ``../``. Media paths inside docs are resolved against ``media_root`` (same rule;
    default: the folder holding the data file, or the folder itself for ``format: folder``)."""

    path: str
    format: Literal["jsonl", "json", "parquet", "csv", "folder"] | None = None
    records_key: str | None = None
    media_root: str | None = None
    pattern: str = "*"
    fields_regex: str | None = None
    #: extra columns copied from existing ones, ``{new: existing}``: gives a local layout the column names
    #: of the hub schema it stands in for (text formats: jsonl, json, csv, folder)
    alias: dict[str, str] = Field(default_factory=dict)

    @field_validator("alias")
    @classmethod
    def _alias_names(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [f"{k}: {v}" for k, v in value.items() if not k.isidentifier() or not v.isidentifier()]
        if bad:
            raise ValueError(f"alias maps column names to column names, got {bad}")
        return value


class JoinSpec(_Strict):
    """Columns of a second hub split added to every row: ``on: {left_column: right_column}`` pairs each row
    with the right-side row holding the same key, and ``columns`` are copied from it (GQA's questions and
    their images live in two configs). The right split loads like any hub split (mirror, then the Hub);
    only its key column is read up front, a right row is read when its doc is built."""

    hub: HubSource
    on: dict[str, str]
    columns: list[str]

    @model_validator(mode="before")
    @classmethod
    def _yaml_on(cls, data: Any) -> Any:
        """YAML 1.1 reads a bare ``on`` key as the boolean true: take it back as ``on``."""
        if isinstance(data, dict) and True in data and "on" not in data:
            return {("on" if k is True else k): v for k, v in data.items()}
        return data

    @field_validator("on")
    @classmethod
    def _one_key(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) != 1:
            raise ValueError(f"join.on pairs one left column with one right column, got {value}")
        return value

    @field_validator("columns")
    @classmethod
    def _some_columns(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError(f"join.columns names the right-side columns to add, once each, got {value}")
        return value

    @property
    def left_key(self) -> str:
        return next(iter(self.on))

    @property
    def right_key(self) -> str:
        return next(iter(self.on.values()))

    def describe(self) -> str:
        extra = f"/{self.hub.name}" if self.hub.name else ""
        return f"hf:{self.hub.path}{extra}[{self.hub.split}]"


class DatasetMedia(_Strict):
    """Media files kept in a Hub dataset repo beside its splits (videos, often in zip/tar archives): the repo
    files matching ``files`` (glob patterns on repo paths, ``*`` crossing ``/``) are the task's media.
    Archives (.zip, .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz) are extracted into the media folder when
    ``extract`` is true; other files keep their repo path. Relative media paths of the docs resolve against
    that folder, or its ``subdir``. ``repo`` and ``revision`` default to the ``hub`` dataset's."""

    repo: str | None = None
    revision: str | None = None
    files: list[str]
    extract: bool = True
    subdir: str | None = None

    @field_validator("files")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("media.files lists glob patterns of repo files, e.g. ['videos/*.zip']")
        bad = [p for p in value if not p or p.startswith(("/", "\\")) or ".." in p.split("/")]
        if bad:
            raise ValueError(f"media.files are patterns of paths inside the repo, got {bad}")
        return value

    @field_validator("subdir")
    @classmethod
    def _relative(cls, value: str | None) -> str | None:
        if value is not None and (not value or value.startswith(("/", "\\")) or ".." in value.split("/")):
            raise ValueError(f"media.subdir is a folder inside the media folder, got {value!r}")
        return value


class DatasetSpec(_Strict):
    """``hub``, ``local``, or both. With both, the hub dataset is the source of truth and ``local`` is a
    fallback layout of the same data: docs come from the offline mirror (``DATA_ROOT/hf/...``) when it holds
    the split, else from the local files when they exist, else from the Hub. ``join`` adds columns of a
    second hub split (see :class:`JoinSpec`); ``media`` names media files of a Hub dataset repo (see
    :class:`DatasetMedia`)."""

    hub: HubSource | None = None
    local: LocalSource | None = None
    join: JoinSpec | None = None
    filter: str | None = None
    #: media files of a Hub dataset repo (see :class:`DatasetMedia`)
    media: DatasetMedia | None = None

    @model_validator(mode="after")
    def _a_source(self) -> DatasetSpec:
        if self.hub is None and self.local is None:
            raise ValueError("dataset needs 'hub', 'local', or both (a hub dataset with a local fallback)")
        if self.media is not None and self.media.repo is None and self.hub is None:
            raise ValueError("dataset.media needs 'repo' (the Hub dataset holding the media) without 'hub'")
        return self

    def describe(self) -> str:
        joined = f" + {self.join.describe()}" if self.join is not None else ""
        local = f"local:{self.local.path}" if self.local is not None else ""
        if self.hub is not None:
            extra = f"/{self.hub.name}" if self.hub.name else ""
            hub = f"hf:{self.hub.path}{extra}[{self.hub.split}]"
            return (f"{hub} | {local}" if local else hub) + joined
        return local + joined


class MediaSpec(_Strict):
    """A media item of the prompt: ``field`` (a doc column holding a path, bytes, or an HF Image/Audio
    dict) or ``path`` (a Jinja template rendering to a path)."""

    field: str | None = None
    path: str | None = None
    max_pixels: int | None = None
    min_pixels: int | None = None
    num_frames: int | None = None
    fps: float | None = None
    sampling_rate: int | None = None

    @model_validator(mode="after")
    def _one_source(self) -> MediaSpec:
        if (self.field is None) == (self.path is None):
            raise ValueError("a media part needs exactly one of 'field' or 'path'")
        return self


MEDIA_KEYS = ("image", "images", "video", "audio")


def _media(value: Any) -> Any:
    return {"field": value} if isinstance(value, str) else value


class PartSpec(_Strict):
    """One prompt part: exactly one of ``text`` (Jinja template), ``image``, ``images`` (a list column),
    ``video`` or ``audio``. A bare string for a media part names the doc column."""

    text: str | None = None
    image: MediaSpec | None = None
    images: MediaSpec | None = None
    video: MediaSpec | None = None
    audio: MediaSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"text": data}
        if isinstance(data, dict):
            return {k: (_media(v) if k in MEDIA_KEYS else v) for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _exactly_one(self) -> PartSpec:
        set_keys = [k for k in ("text", *MEDIA_KEYS) if getattr(self, k) is not None]
        if len(set_keys) != 1:
            raise ValueError(
                f"a prompt part needs exactly one of text/image/images/video/audio, got {set_keys}"
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("text", *MEDIA_KEYS) if getattr(self, k) is not None)


class PromptSpec(_Strict):
    system: str | None = None
    user: list[PartSpec]

    @field_validator("user", mode="before")
    @classmethod
    def _single(cls, value: Any) -> Any:
        return [value] if isinstance(value, (str, dict)) else value


class ExtractorSpec(_Strict):
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class MetricSpec(_Strict):
    """A per-sample metric and how to aggregate it. ``scale`` multiplies every per-sample score (use 100 to
    report percentages); stderr and CI follow in the same units.

    ``choice_rule`` (tasks with ``output_type: choice_loglikelihood`` only): which option is the model's
    answer for this metric: ``best``, the most likely one (lm-evaluation-harness's ``acc``); ``per_char``,
    the highest log-likelihood divided by the option's length in characters (its ``acc_norm``);
    ``per_byte``, divided by its length in UTF-8 bytes (its ``acc_bytes``). Ties go to the first option."""

    name: str
    key: str | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    aggregation: str = "mean"
    aggregation_args: dict[str, Any] = Field(default_factory=dict)
    higher_is_better: bool = True
    scale: float = 1.0
    choice_rule: Literal["best", "per_char", "per_byte"] | None = None  # None: best (kept out of digests)

    @property
    def display(self) -> str:
        return self.key or (self.name if self.aggregation == "mean" else f"{self.name}_{self.aggregation}")


class FewshotSpec(_Strict):
    """Few-shot examples drawn (seeded) from another dataset or split; shown as earlier chat turns."""

    dataset: DatasetSpec
    num: int = 0
    seed: int = 1234
    target: str | None = None


class OverrideSpec(_Strict):
    """What a model family changes: its own prompt, generation settings or extractor."""

    prompt: PromptSpec | None = None
    generation: dict[str, Any] | None = None
    extractor: ExtractorSpec | list[ExtractorSpec] | None = None


def _extractors(value: Any) -> Any:
    items = value if isinstance(value, list) else [value]
    return [{"name": x} if isinstance(x, str) else x for x in items]


#: extractors that read an option letter: the tasks circular evaluation can apply to
MCQ_EXTRACTORS = frozenset({"mcq_letter", "mmbench"})
#: aggregations whose per-sample values are codes (confusion cells, group membership, corpus-record keys),
#: not scores: "every rotation right" (circular) and a best/worst over repeats have no meaning for them
CODE_AGGREGATIONS = frozenset(
    {
        "yes_precision", "yes_recall", "yes_f1", "yes_ratio",
        "group_all_correct", "mme_score", "wemath_dimension", "cv_bench_accuracy",
        "coco_bleu", "coco_meteor", "coco_rouge_l", "coco_cider", "pooled_error_rate",
    }
)  # fmt: skip


class CircularSpec(_Strict):
    """Circular evaluation (MMBench's CircularEval): a doc with n options is asked n times, the option list
    shifted circularly each time and the answer moved with it; it counts as right only when every rotation
    is. ``circular: true`` takes the options from the task's ``mcq_letter`` extractor (``options_field``).

    ``options``: a column holding the list of options (``options``), or the columns holding one option each,
    in letter order (``[A, B, C, D]``, ``[choice_a, choice_b, choice_c, choice_d]``).
    ``answer``: the column holding the answer, a letter of ``letters`` or a 0-based position (int or digits).
    """

    options: str | list[str] | None = None
    answer: str = "answer"
    letters: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    @field_validator("letters")
    @classmethod
    def _letters(cls, value: str) -> str:
        if not value.isascii() or not value.isalpha() or not value.isupper() or len(set(value)) != len(value):
            raise ValueError(f"letters must be distinct upper-case ASCII letters, got {value!r}")
        return value


class TaskSpec(_Strict):
    task: str
    version: int | str = 1
    tags: list[str] = Field(default_factory=list)
    description: str | None = None
    citation: str | None = None
    license: str | None = None
    modality: Modality | None = None
    dataset: DatasetSpec
    doc_id: str | None = None
    num_docs: int | None = None
    process_docs: str | None = None
    prompt: PromptSpec
    target: str
    output_type: Literal["generate", "choice_loglikelihood"] = "generate"
    #: choice_loglikelihood: a column holding the options ("{{ options }}") or a list of templates
    choices: str | list[str] | None = None
    fewshot: FewshotSpec | None = None
    generation: dict[str, Any] = Field(default_factory=dict)
    extractor: list[ExtractorSpec] = Field(default_factory=lambda: [ExtractorSpec(name="identity")])
    metrics: list[MetricSpec]
    breakdown: list[str] = Field(default_factory=list)
    cluster_key: str | None = None
    overrides: dict[str, OverrideSpec] = Field(default_factory=dict)
    #: the split has no public answers: the requests run and the responses are recorded, nothing is scored
    predict_only: bool = False
    #: ``package.module:function`` turning the answered samples into the rows of ``submission_<task>.tsv``,
    #: for benchmarks scored by their own server
    submission: str | None = None
    #: circular evaluation (see CircularSpec); ``true`` reads the options from the mcq_letter extractor
    circular: CircularSpec | None = None

    @field_validator("circular", mode="before")
    @classmethod
    def _circular_shorthand(cls, value: Any) -> Any:
        if value is True:
            return {}
        return None if value is False else value

    @field_validator("circular")
    @classmethod
    def _circular_needs_mcq(cls, value: CircularSpec | None, info: ValidationInfo) -> CircularSpec | None:
        """Circular evaluation rotates options: the task must read an option letter, and score each answer
        so that "every rotation right" means something."""
        if value is None:
            return None
        chain: list[ExtractorSpec] = info.data.get("extractor") or []
        mcq = [e for e in chain if e.name in MCQ_EXTRACTORS]
        if not mcq:
            names = ", ".join(e.name for e in chain) or "none"
            raise ValueError(
                "circular evaluation needs a multiple-choice task: its extractor must read an option letter "
                f"({' or '.join(sorted(MCQ_EXTRACTORS))}), got {names}"
            )
        for metric in info.data.get("metrics") or []:
            if metric.aggregation in CODE_AGGREGATIONS:
                raise ValueError(
                    f"circular evaluation needs per-answer scores; metric '{metric.display}' aggregates "
                    f"category codes ({metric.aggregation})"
                )
        if value.options is None:
            if mcq[0].name != "mcq_letter":
                raise ValueError(
                    "circular: name the option columns ('options: [A, B, C, D]' or a list column)"
                )
            value = value.model_copy(update={"options": mcq[0].args.get("options_field", "options")})
        return value

    @field_validator("extractor", mode="before")
    @classmethod
    def _extractor_list(cls, value: Any) -> Any:
        return _extractors(value)

    @field_validator("metrics", mode="before")
    @classmethod
    def _metric_names(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"name": x} if isinstance(x, str) else x for x in value]
        return value

    @field_validator("generation")
    @classmethod
    def _generation_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        from lmms_eval.core.types import GenerationConfig

        GenerationConfig.model_validate(value)
        return value

    @model_validator(mode="after")
    def _choices_for_loglikelihood(self) -> TaskSpec:
        if self.output_type == "choice_loglikelihood" and not self.choices:
            raise ValueError(
                "output_type choice_loglikelihood needs 'choices:' (a template giving the list of options)"
            )
        ruled = [m.display for m in self.metrics if m.choice_rule not in (None, "best")]
        if ruled and self.output_type != "choice_loglikelihood":
            raise ValueError(
                f"metrics {ruled} set 'choice_rule', which only applies to output_type choice_loglikelihood"
            )
        return self

    @model_validator(mode="after")
    def _unique_metric_keys(self) -> TaskSpec:
        keys = [m.display for m in self.metrics]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"metric keys must be unique, repeated: {dupes} (set 'key:' on one of them)")
        return self

    def inferred_modality(self) -> str:
        if self.modality:
            return self.modality
        kinds = {p.kind for p in self.prompt.user} - {"text"}
        kinds = {"image" if k == "images" else k for k in kinds}
        return "text" if not kinds else kinds.pop() if len(kinds) == 1 else "multi"


class GroupSpec(_Strict):
    group: str
    tasks: list[str]
    aggregate: Literal["size_weighted", "macro"] = "size_weighted"
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    citation: str | None = None
