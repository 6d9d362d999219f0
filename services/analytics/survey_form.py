"""The survey builder's form, without I/O: the console's flat form fields ↔ a ``SurveyDefinition``, the editing
steps of a form without JavaScript (add, remove and move questions and options), and the contract's validation
errors tied to the field they concern, in German.

A ``SurveyDraft`` holds what staff typed, as typed, so a refused form comes back unchanged. ``definition`` turns
it into the contract's ``SurveyDefinition`` (``shared.contracts.surveys``: the one validation, the same as for the
YAML file and the staff API) or into ``FormErrors``, one German message per field id of the form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shared.contracts.surveys import MAX_OPTIONS, MAX_QUESTIONS, QUESTION_TYPES, SurveyDefinition
from shared.messages import text
from shared.slugs import slug

CHOICE_TYPES = ("single", "multiple")
TRIGGER_KINDS = ("delay", "scroll", "button")
RESERVED_IDS = frozenset({"neu"})  # /console/surveys/neu is the form for a new survey
_SCAN_LIMIT = 50  # rows read from a posted form at most (the contract allows 20; more is refused by it)


@dataclass
class OptionDraft:
    id: str = ""
    de: str = ""
    en: str = ""


@dataclass
class QuestionDraft:
    type: str = "yes_no"
    id: str = ""
    text_de: str = ""
    text_en: str = ""
    required: bool = False
    max_chars: str = "1000"
    options: list[OptionDraft] = field(default_factory=list)

    @property
    def choice(self) -> bool:
        return self.type in CHOICE_TYPES


@dataclass
class SurveyDraft:
    """The form's state: every field as typed (numbers and dates too)."""

    survey_id: str = ""
    org_unit: str = ""
    title_de: str = ""
    title_en: str = ""
    intro_de: str = ""
    intro_en: str = ""
    thanks_de: str = ""
    thanks_en: str = ""
    questions: list[QuestionDraft] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    include: str = "/*"
    exclude: str = ""
    sampling_percent: str = "100"
    trigger_kind: str = "delay"
    delay_s: str = "5"
    scroll_percent: str = ""
    starts_at: str = ""
    ends_at: str = ""
    quota: str = ""
    allow_dont_show_again: bool = True


class FormErrors(Exception):
    """Every problem of a form: field id → German message (in form order), and messages for the form as a whole."""

    def __init__(self, fields: dict[str, str], general: Iterable[str] = ()) -> None:
        self.fields = fields
        self.general = list(general)
        super().__init__("; ".join([*self.general, *(f"{k}: {v}" for k, v in fields.items())]))


# ---- Form fields → draft ----


def draft_from_form(fields: Mapping[str, str], sites: Iterable[str]) -> SurveyDraft:
    """The posted form as a draft. ``sites``: the site ids the form offered (one checkbox ``site_<id>`` each)."""

    def get(name: str) -> str:
        return fields.get(name, "")

    questions = []
    for i in range(_SCAN_LIMIT):
        prefix = f"q{i}_"
        if prefix + "type" not in fields:
            break
        options = []
        for j in range(_SCAN_LIMIT):
            o = f"{prefix}o{j}_"
            if o + "de" not in fields and o + "id" not in fields:
                break
            options.append(OptionDraft(get(o + "id").strip(), get(o + "de"), get(o + "en")))
        kind = get(prefix + "type")
        question = QuestionDraft(
            type=kind if kind in QUESTION_TYPES else "yes_no",
            id=get(prefix + "id").strip(),
            text_de=get(prefix + "text_de"),
            text_en=get(prefix + "text_en"),
            required=bool(get(prefix + "required")),
            max_chars=get(prefix + "max_chars").strip() or "1000",
            options=options,
        )
        questions.append(_with_enough_options(question))
    kind = get("trigger_kind")
    return SurveyDraft(
        survey_id=get("survey_id").strip(),
        org_unit=get("org_unit").strip(),
        title_de=get("title_de"),
        title_en=get("title_en"),
        intro_de=get("intro_de"),
        intro_en=get("intro_en"),
        thanks_de=get("thanks_de"),
        thanks_en=get("thanks_en"),
        questions=questions,
        sites=[s for s in sites if get(f"site_{s}")],
        include=get("include"),
        exclude=get("exclude"),
        sampling_percent=get("sampling_percent").strip(),
        trigger_kind=kind if kind in TRIGGER_KINDS else "delay",
        delay_s=get("delay_s").strip(),
        scroll_percent=get("scroll_percent").strip(),
        starts_at=get("starts_at").strip(),
        ends_at=get("ends_at").strip(),
        quota=get("quota").strip(),
        allow_dont_show_again=bool(get("allow_dont_show_again")),
    )


def _with_enough_options(question: QuestionDraft) -> QuestionDraft:
    """A choice question is shown with at least two option rows (the contract needs two)."""
    if question.choice and len(question.options) < 2:
        question.options += [OptionDraft() for _ in range(2 - len(question.options))]
    return question


def form_fields(draft: SurveyDraft) -> dict[str, str]:
    """The draft as the form posts it (the inverse of ``draft_from_form``; checkboxes present only when ticked)."""
    out = {
        "survey_id": draft.survey_id,
        "org_unit": draft.org_unit,
        "title_de": draft.title_de,
        "title_en": draft.title_en,
        "intro_de": draft.intro_de,
        "intro_en": draft.intro_en,
        "thanks_de": draft.thanks_de,
        "thanks_en": draft.thanks_en,
        "include": draft.include,
        "exclude": draft.exclude,
        "sampling_percent": draft.sampling_percent,
        "trigger_kind": draft.trigger_kind,
        "delay_s": draft.delay_s,
        "scroll_percent": draft.scroll_percent,
        "starts_at": draft.starts_at,
        "ends_at": draft.ends_at,
        "quota": draft.quota,
    }
    if draft.allow_dont_show_again:
        out["allow_dont_show_again"] = "ja"
    out |= {f"site_{s}": "ja" for s in draft.sites}
    for i, q in enumerate(draft.questions):
        p = f"q{i}_"
        out |= {p + "type": q.type, p + "id": q.id, p + "text_de": q.text_de, p + "text_en": q.text_en,
                p + "max_chars": q.max_chars}  # fmt: skip
        if q.required:
            out[p + "required"] = "ja"
        for j, o in enumerate(q.options):
            out |= {f"{p}o{j}_id": o.id, f"{p}o{j}_de": o.de, f"{p}o{j}_en": o.en}
    return out


# ---- Definition → draft ----


def draft_from_definition(definition: SurveyDefinition, tz: ZoneInfo) -> SurveyDraft:
    """A saved definition as the form shows it; ``definition(draft_from_definition(d))`` equals ``d``."""
    t = definition.targeting
    questions = [
        QuestionDraft(
            type=q.type,
            id=q.id,
            text_de=q.text.de,
            text_en=q.text.en or "",
            required=q.required,
            max_chars=str(q.max_chars),
            options=[OptionDraft(o.id, o.label.de, o.label.en or "") for o in q.options],
        )
        for q in definition.questions
    ]
    return SurveyDraft(
        survey_id=definition.id,
        org_unit=definition.org_unit,
        title_de=definition.title.de,
        title_en=definition.title.en or "",
        intro_de=definition.intro.de if definition.intro else "",
        intro_en=(definition.intro.en or "") if definition.intro else "",
        thanks_de=definition.thanks.de if definition.thanks else "",
        thanks_en=(definition.thanks.en or "") if definition.thanks else "",
        questions=[_with_enough_options(q) for q in questions],
        sites=list(t.sites),
        include="\n".join(t.include),
        exclude="\n".join(t.exclude),
        sampling_percent=german_decimal(t.sampling_percent),
        trigger_kind=t.trigger.kind,
        delay_s=str(t.trigger.delay_s),
        scroll_percent="" if t.trigger.scroll_percent is None else str(t.trigger.scroll_percent),
        starts_at=local_time(t.starts_at, tz),
        ends_at=local_time(t.ends_at, tz),
        quota="" if t.quota is None else str(t.quota),
        allow_dont_show_again=t.allow_dont_show_again,
    )


def copy_of(draft: SurveyDraft, taken: Collection[str]) -> SurveyDraft:
    """A draft for a new survey made from another: the same texts, questions and targeting under a new id."""
    base = f"{draft.survey_id}-kopie"[:60].strip("-")
    new_id, n = base, 1
    while new_id in taken:
        n += 1
        new_id = f"{base}-{n}"
    return replace(draft, survey_id=new_id)


def german_decimal(value: float) -> str:
    """``12.5`` → ``"12,5"``, ``100.0`` → ``"100"``: exactly the number (parsed back, the same float)."""
    shown = repr(float(value))
    return shown.removesuffix(".0").replace(".", ",")


def local_time(value: datetime | None, tz: ZoneInfo) -> str:
    """A moment as staff read and type it, in the city's time zone: ``01.12.2026 09:00`` (seconds only when set).
    In the hour that occurs twice when the clocks go back, the second time round is written with its offset
    (``2026-10-25T02:30:00+01:00``), which reads back as the same moment."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    if local.fold:
        return local.isoformat()
    return local.strftime("%d.%m.%Y %H:%M:%S" if local.second else "%d.%m.%Y %H:%M")


# ---- Editing steps of the form ----


def apply_step(draft: SurveyDraft, action: str, new_type: str = "yes_no") -> tuple[SurveyDraft, str | None, str]:
    """One editing step named by a submit button (``add_question``, ``remove_question:2``, ``up:2``, ``down:2``,
    ``add_option:1``, ``remove_option:1:3``) applied to the draft; returns the draft, the id of the field to focus
    next (None: none) and a German sentence saying what happened. Unknown or impossible steps change nothing."""
    parts = action.split(":")
    name, numbers = parts[0], [int(p) for p in parts[1:] if p.isascii() and p.isdigit()]
    questions = draft.questions
    if name == "add_question":
        if len(questions) >= MAX_QUESTIONS:
            return draft, "add_question", text("console.survey_form.step.too_many_questions", max=MAX_QUESTIONS)
        kind = new_type if new_type in QUESTION_TYPES else "yes_no"
        questions.append(_with_enough_options(QuestionDraft(type=kind)))
        n = len(questions)
        return draft, f"q{n - 1}_text_de", text("console.survey_form.step.question_added", number=n)
    if len(numbers) < 1 or numbers[0] >= len(questions):
        return draft, None, ""
    i = numbers[0]
    if name == "remove_question":
        del questions[i]
        return draft, "questions", text("console.survey_form.step.question_removed", number=i + 1)
    if name in ("up", "down"):
        j = i - 1 if name == "up" else i + 1
        if 0 <= j < len(questions):
            questions[i], questions[j] = questions[j], questions[i]
            return draft, f"q{j}_text_de", text("console.survey_form.step.question_moved", number=j + 1)
        return draft, None, ""
    options = questions[i].options
    if name == "add_option" and questions[i].choice:
        if len(options) >= MAX_OPTIONS:
            return draft, f"q{i}_options", text("console.survey_form.step.too_many_options", max=MAX_OPTIONS)
        options.append(OptionDraft())
        return draft, f"q{i}_o{len(options) - 1}_de", text("console.survey_form.step.option_added", number=i + 1)
    if name == "remove_option" and len(numbers) == 2 and numbers[1] < len(options) and len(options) > 2:
        del options[numbers[1]]
        return draft, f"q{i}_options", text("console.survey_form.step.option_removed", number=i + 1)
    return draft, None, ""


# ---- Draft → definition ----


def definition(draft: SurveyDraft, tz: ZoneInfo) -> tuple[SurveyDefinition, SurveyDraft]:
    """The draft as the contract's definition, and the draft with the ids it was given (a question or option left
    without an id gets one from its German text); raises ``FormErrors``. Values that are not numbers or dates
    are refused here; everything else is the contract's validation, its errors tied to the form's fields."""
    draft = _with_ids(draft)
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"id": draft.survey_id, "org_unit": draft.org_unit}
    if draft.survey_id in RESERVED_IDS:
        errors["survey_id"] = text("console.survey_form.error.reserved")
    data["title"] = _texts(draft.title_de, draft.title_en, required=True)
    for name in ("intro", "thanks"):
        texts = _texts(getattr(draft, f"{name}_de"), getattr(draft, f"{name}_en"))
        if texts is not None:
            data[name] = texts
    data["questions"] = [_question(i, q, errors) for i, q in enumerate(draft.questions)]
    _unique(((f"q{i}_id", q.id) for i, q in enumerate(draft.questions)), errors)
    for i, q in enumerate(draft.questions):
        if q.choice:
            _unique(((f"q{i}_o{j}_id", o.id) for j, o in enumerate(q.options)), errors)

    trigger: dict[str, Any] = {"kind": draft.trigger_kind}
    if (delay := _integer(draft.delay_s, "delay_s", errors)) is not None:
        trigger["delay_s"] = delay
    if draft.trigger_kind == "scroll":
        trigger["scroll_percent"] = _integer(draft.scroll_percent, "scroll_percent", errors)
    targeting: dict[str, Any] = {"sites": draft.sites, "trigger": trigger,
                                 "allow_dont_show_again": draft.allow_dont_show_again}  # fmt: skip
    include, exclude = _lines(draft.include), _lines(draft.exclude)
    if include:
        targeting["include"] = include
    targeting["exclude"] = exclude
    if (sampling := _decimal(draft.sampling_percent, "sampling_percent", errors)) is not None:
        targeting["sampling_percent"] = sampling
    for name in ("starts_at", "ends_at"):
        moment = _moment(getattr(draft, name), tz, name, errors)
        if moment is not None:
            targeting[name] = moment
    if draft.quota:
        targeting["quota"] = _integer(draft.quota, "quota", errors)
    data["targeting"] = targeting

    try:
        made = SurveyDefinition.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            field_id, message = field_error(error, draft)
            if field_id is not None:
                errors.setdefault(field_id, message)
        raise FormErrors(ordered(errors, draft)) from None
    if errors:
        raise FormErrors(ordered(errors, draft))
    return made, draft


def _texts(de: str, en: str, required: bool = False) -> dict[str, Any] | None:
    """A text in German and English; an optional one left empty in both languages is no text."""
    de, en = de.strip(), en.strip()
    if not (de or en or required):
        return None
    return {"de": de, "en": en or None}


def _question(i: int, q: QuestionDraft, errors: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": q.id, "type": q.type, "required": q.required,
                            "text": _texts(q.text_de, q.text_en, required=True)}  # fmt: skip
    if q.choice:
        item["options"] = [{"id": o.id, "label": _texts(o.de, o.en, required=True)} for o in q.options]
    # Kept for every type (the form carries it hidden where it does not apply), so a definition comes back as it was.
    max_chars = _integer(q.max_chars, f"q{i}_max_chars", errors)
    if max_chars is not None:
        item["max_chars"] = max_chars
    return item


def _with_ids(draft: SurveyDraft) -> SurveyDraft:
    """Questions and options without an id get one from their German text (``frage-3``, ``antwort-2`` when it has
    none), unique within the survey or the question."""
    questions = []
    taken_questions = {q.id for q in draft.questions if q.id}
    for n, q in enumerate(draft.questions, start=1):
        qid = q.id or slug(q.text_de, taken_questions, f"frage-{n}", limit=40)
        taken_questions.add(qid)
        options, taken = [], {o.id for o in q.options if o.id}
        for m, o in enumerate(q.options, start=1):
            oid = o.id or slug(o.de, taken, f"antwort-{m}", limit=40)
            taken.add(oid)
            options.append(replace(o, id=oid))
        questions.append(replace(q, id=qid, options=options))
    return replace(draft, questions=questions)


def _unique(ids: Iterable[tuple[str, str]], errors: dict[str, str]) -> None:
    seen: set[str] = set()
    for field_id, value in ids:
        if value in seen:
            errors.setdefault(field_id, text("console.survey_form.error.duplicate_id"))
        seen.add(value)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _integer(typed: str, field_id: str, errors: dict[str, str]) -> int | None:
    typed = typed.strip()
    if not typed:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", typed):
        errors.setdefault(field_id, text("console.survey_form.error.integer"))
        return None
    return int(typed)


def _decimal(typed: str, field_id: str, errors: dict[str, str]) -> float | None:
    typed = typed.strip().removesuffix("%").strip()
    if not typed:
        return None
    if not re.fullmatch(r"[0-9]{1,3}(?:[.,][0-9]{1,12})?|[0-9.]+e-?[0-9]+", typed):
        errors.setdefault(field_id, text("console.survey_form.error.decimal"))
        return None
    value = float(typed.replace(",", "."))
    return value if math.isfinite(value) else None


_MOMENT_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y, %H:%M", "%d.%m.%Y %H:%M Uhr", "%d.%m.%Y")


def _moment(typed: str, tz: ZoneInfo, field_id: str, errors: dict[str, str]) -> datetime | None:
    """A moment as staff type it (``1.12.2026 9:00``, ``01.12.2026``: midnight) or in ISO 8601
    (``2026-12-01T09:00``), in the city's time zone unless it names its own offset."""
    if not typed:
        return None
    try:
        found = datetime.fromisoformat(typed)
    except ValueError:
        for pattern in _MOMENT_FORMATS:
            try:
                found = datetime.strptime(typed, pattern)
                break
            except ValueError:
                continue
        else:
            errors.setdefault(field_id, text("console.survey_form.error.moment"))
            return None
    return found if found.tzinfo is not None else found.replace(tzinfo=tz)


# ---- Contract errors → fields ----

_TEXT_FIELDS = ("title", "intro", "thanks")
_ERRORS = {
    "missing": "required",
    "string_too_short": "required",
    "string_too_long": "too_long",
    "string_type": "required",
}
# The contract's own rules (model validators) by the words of their message.
_RULES = (
    ("needs at least two options", "options"),
    ("option ids must be unique", "duplicate_id"),
    ("scroll_percent is required", "scroll_percent"),
    ("ends_at must be after starts_at", "window"),
    ("needs a timezone", "moment"),
    ("question ids must be unique", "duplicate_id"),
)


def field_error(error: Mapping[str, Any], draft: SurveyDraft) -> tuple[str | None, str]:
    """The form field of one of the contract's validation errors and its German message. None as the field: an
    error already reported at its field by the form's own checks (duplicate question ids)."""
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    field_id, subject = _field_of(loc, draft)
    if kind == "value_error":
        message = str(error.get("msg", ""))
        for words, rule in _RULES:
            if words in message:
                if rule == "duplicate_id":
                    return None, ""
                return field_id, text(f"console.survey_form.error.{rule}")
        return field_id, text("console.survey_form.error.invalid")
    if subject in ("slug", "site") and kind == "string_pattern_mismatch":
        return field_id, text("console.survey_form.error.slug")
    if subject == "pattern":
        line = loc[-1] + 1 if isinstance(loc[-1], int) else 1
        return field_id, text("console.survey_form.error.pattern", line=line)
    if subject in ("questions", "options", "sites", "patterns") and kind in ("too_short", "too_long"):
        return field_id, text(f"console.survey_form.error.{subject}.{kind}")
    if subject in ("sampling_percent", "delay_s", "scroll_percent", "quota", "max_chars") and kind not in (
        "missing",
        "string_too_short",
    ):
        return field_id, text(f"console.survey_form.error.range.{subject}")
    if kind in _ERRORS:
        return field_id, text(f"console.survey_form.error.{_ERRORS[kind]}", max=ctx.get("max_length", ""))
    return field_id, text("console.survey_form.error.invalid")


def _field_of(loc: tuple[Any, ...], draft: SurveyDraft) -> tuple[str, str]:
    """(field id, what kind of value it is) for an error location of ``SurveyDefinition``."""
    head = loc[0] if loc else ""
    if head == "id":
        return "survey_id", "slug"
    if head == "org_unit":
        return "org_unit", "slug"
    if head in _TEXT_FIELDS:
        return f"{head}_{loc[1] if len(loc) > 1 else 'de'}", "text"
    if head == "questions":
        if len(loc) < 2 or not isinstance(loc[1], int):
            return "questions", "questions"
        q = f"q{loc[1]}_"
        rest = loc[2:]
        if not rest:
            return q + "options", "options"
        if rest[0] == "id":
            return q + "id", "slug"
        if rest[0] == "text":
            return q + f"text_{rest[1] if len(rest) > 1 else 'de'}", "text"
        if rest[0] == "max_chars":
            return q + "max_chars", "max_chars"
        if rest[0] == "options":
            if len(rest) < 3 or not isinstance(rest[1], int):
                return q + "options", "options"
            o = f"{q}o{rest[1]}_"
            if rest[2] == "id":
                return o + "id", "slug"
            return o + (str(rest[3]) if len(rest) > 3 else "de"), "text"
        return q + "type", "type"
    if head == "targeting":
        rest = loc[1:]
        name = rest[0] if rest else ""
        if name == "sites":
            return "sites", "site" if len(rest) > 1 else "sites"
        if name in ("include", "exclude"):
            return str(name), "pattern" if len(rest) > 1 else "patterns"
        if name == "trigger":
            part = rest[1] if len(rest) > 1 else "scroll_percent"  # the model's rule: a scroll percentage
            return ("trigger_kind", "kind") if part == "kind" else (str(part), str(part))
        if name in ("sampling_percent", "quota", "starts_at", "ends_at", "allow_dont_show_again"):
            return str(name), str(name)
        return "ends_at", "window"  # the targeting's rule: its window
    return "survey_id", "slug"


def org_errors(problems: Iterable[str]) -> dict[str, str]:
    """``surveys.org_problems`` (what the org model does not know) at the form's fields."""
    errors: dict[str, str] = {}
    for problem in problems:
        if problem.startswith("org_unit:"):
            errors.setdefault("org_unit", text("console.survey_form.error.unknown_unit"))
        else:
            errors.setdefault("sites", text("console.survey_form.error.unknown_site"))
    return errors


_GROUPS = {"questions": "console.survey_form.section.questions", "sites": "console.survey_form.sites.legend",
           "trigger_kind": "console.survey_form.trigger.legend"}  # fmt: skip
_QUESTION_FIELDS = {"type": "type", "id": "question_id", "text_de": "text_de", "text_en": "text_en",
                    "max_chars": "max_chars"}  # fmt: skip


def field_label(field_id: str) -> str:
    """What the form calls a field, for the error summary: "Titel (Deutsch)", "Frage 2, Antwort 1 (Deutsch)"."""
    if field_id in _GROUPS:
        return text(_GROUPS[field_id])
    found = re.fullmatch(r"q(\d+)_(?:o(\d+)_(de|en|id)|(options|type|id|text_de|text_en|max_chars))", field_id)
    if found is None:
        return text(f"console.survey_form.field.{field_id}")
    number = int(found[1]) + 1
    if found[2] is not None:
        part = text(f"console.survey_form.field.option_{found[3]}", number=int(found[2]) + 1)
    elif found[4] == "options":
        part = text("console.survey_form.section.options")
    else:
        part = text(f"console.survey_form.field.{_QUESTION_FIELDS[found[4]]}")
    return text("console.survey_form.summary.question", number=number, field=part)


def summary(errors: Mapping[str, str]) -> list[tuple[str, str]]:
    """The error summary: (field id, "<what the field is called>: <message>"), in form order."""
    return [(f, text("console.survey_form.summary.item", field=field_label(f), message=m)) for f, m in errors.items()]


def field_order(draft: SurveyDraft) -> list[str]:
    """Every field id of the form in the order the page shows them (for the error summary)."""
    ids = ["survey_id", "org_unit", "title_de", "title_en", "intro_de", "intro_en", "thanks_de", "thanks_en",
           "questions"]  # fmt: skip
    for i, q in enumerate(draft.questions):
        p = f"q{i}_"
        ids += [p + "type", p + "id", p + "text_de", p + "text_en", p + "max_chars", p + "options"]
        for j in range(len(q.options)):
            ids += [f"{p}o{j}_id", f"{p}o{j}_de", f"{p}o{j}_en"]
    ids += ["sites", "include", "exclude", "sampling_percent", "trigger_kind", "delay_s", "scroll_percent",
            "starts_at", "ends_at", "quota", "allow_dont_show_again"]  # fmt: skip
    return ids


def ordered(errors: Mapping[str, str], draft: SurveyDraft) -> dict[str, str]:
    order = {f: n for n, f in enumerate(field_order(draft))}
    return dict(sorted(errors.items(), key=lambda e: order.get(e[0], len(order))))
