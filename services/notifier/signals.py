"""What deserves a notification, pure: events become labels (for routing) and a German message.

* A feedback part with a comment or a suggestion: ``comment.new`` (``severity`` warning for a rating of 1–2 or
  "not helpful", else info).
* A part in the category "Barriere melden": ``accessibility.barrier`` (severity warning), whatever else it says;
  one with text also gets a reminder to the accessibility officer before its response deadline
  (``barrier_deadline``), unless it is answered before.
* Parts flagged as suspected automation never notify.
* A survey whose counted responses reach its quota: ``survey.quota_reached`` (severity info, label ``survey``).
* A hackathon team's new submission: ``hackathon.submission`` (severity info), routed by the unit that posted the
  challenge; the submission's title counts as citizen text.
* A hackathon phase whose planned start has come before staff moved on: ``hackathon.phase_due`` (severity info),
  sent as a reminder at that time (see ``followups``).
* A satisfaction alert raised or resolved (analytics' burst rule): ``satisfaction.alert``, severity warning for
  both, so the resolution reaches whoever heard of the alert (the routing labels are the same).
* A monthly report of an org unit (label ``unit``) or of the whole city (``unit`` = ``stadt``): ``report.monthly``
  (severity info), with the report's CSV attached for e-mail receivers.
* A monthly SDG/NFK transfer whose delivery run finally failed: ``sdg.transfer_failed`` (severity warning), with the
  month, the attempts, the last answer and the due date; resent with ``stadtstimme sdg resend <month>``.

By default a channel message carries no citizen free text (only facts and a link to the console); a receiver with
``include_text`` also gets the comment, already redacted at ingest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote
from uuid import NAMESPACE_URL, UUID, uuid5

from shared import formats
from shared.messages import text

SIGNAL_NAMESPACE = uuid5(NAMESPACE_URL, "urn:stadtstimme:notifier:signals")  # never change it


@dataclass(frozen=True)
class Signal:
    event_id: UUID
    labels: dict[str, str]
    subject: str
    summary: str
    facts: tuple[tuple[str, str], ...]
    link: str
    texts: tuple[str, ...]  # citizen text, sent only to receivers that allow it
    attachments: tuple[tuple[str, str], ...] = ()  # (file name, CSV text): attached to e-mails


def from_feedback(event_id: UUID, data: dict[str, Any], unit_name: str, console_url: str) -> Signal | None:
    """The notification a ``FeedbackSubmitted`` v2 part deserves, or None."""
    if data.get("flags"):
        return None
    comment, suggestion, category = data.get("comment"), data.get("suggestion"), data.get("category")
    barrier = category == "accessibility_barrier"
    if not (comment or suggestion or barrier):
        return None
    rating, helpful = data.get("rating"), data.get("helpful")
    negative = (rating is not None and rating <= 2) or helpful is False
    kind = "accessibility.barrier" if barrier else "comment.new"
    labels = {
        "type": kind,
        "unit": str(data["org_unit"]),
        "site": str(data["site"]),
        "page": str(data["page_url"]),
        "category": str(category or ""),
        "severity": "warning" if barrier or negative else "info",
    }
    facts = [(text("notifier.fact.unit"), unit_name), (text("notifier.fact.page"), str(data["page_url"]))]
    if rating is not None:
        facts.append((text("notifier.fact.rating"), text("notifier.rating", rating=rating)))
    if category:
        facts.append((text("notifier.fact.category"), text(f"widget.category.{category}")))
    response = data.get("response_id") or event_id
    return Signal(
        event_id=event_id,
        labels=labels,
        subject=text(f"notifier.subject.{kind}", unit=unit_name),
        summary=text(f"notifier.summary.{kind}", unit=unit_name),
        facts=tuple(facts),
        link=f"{console_url.rstrip('/')}/console/inbox/{response}",
        texts=tuple(t for t in (comment, suggestion) if t),
    )


def barrier_deadline(response_id: str, data: dict[str, Any], unit_name: str, deadline: str, console_url: str) -> Signal:
    """The reminder of an unanswered barrier report before its deadline (``deadline`` as shown), for the
    accessibility officer; routed like the report (``type = accessibility.barrier``), no citizen text."""
    labels = {
        "type": "accessibility.barrier",
        "unit": str(data["org_unit"]),
        "site": str(data["site"]),
        "page": str(data["page_url"]),
        "category": "accessibility_barrier",
        "severity": "warning",
    }
    facts = ((text("notifier.fact.unit"), unit_name), (text("notifier.fact.page"), str(data["page_url"])))
    return Signal(
        event_id=uuid5(SIGNAL_NAMESPACE, f"barrier-deadline|{response_id}"),
        labels=labels,
        subject=text("notifier.subject.barrier.deadline", unit=unit_name, deadline=deadline),
        summary=text("notifier.summary.barrier.deadline", unit=unit_name, deadline=deadline),
        facts=facts,
        link=f"{console_url.rstrip('/')}/console/barrieren/{response_id}",
        texts=(),
    )


def barrier_mail_failed(event_id: UUID, response_id: str, org_unit: str, page_url: str, unit_name: str,
                        attempts: int, console_url: str) -> Signal:  # fmt: skip
    """The answer to a barrier report (answer event ``event_id``) that could not be mailed: the mail server refused
    the reporter's address or did not take the mail after ``attempts`` attempts. For the accessibility officer,
    who otherwise takes the report for answered; never the address or the answer, only where to look."""
    labels = {
        "type": "accessibility.barrier",
        "unit": org_unit,
        "page": page_url,
        "category": "accessibility_barrier",
        "severity": "warning",
    }
    facts = (
        (text("notifier.fact.unit"), unit_name),
        (text("notifier.fact.page"), page_url),
        (text("notifier.fact.attempts"), str(attempts)),
    )
    return Signal(
        event_id=uuid5(SIGNAL_NAMESPACE, f"barrier-mail-failed|{event_id}"),
        labels=labels,
        subject=text("notifier.subject.barrier.mail_failed", unit=unit_name),
        summary=text("notifier.summary.barrier.mail_failed", unit=unit_name),
        facts=facts,
        link=f"{console_url.rstrip('/')}/console/barrieren/{response_id}",
        texts=(),
    )


def _percent(value: float | None) -> str:
    return formats.percent(value, missing=text("notifier.too_few"))


def _stars(value: float | None) -> str:
    return formats.number(value, 1, missing=text("notifier.too_few"))


def from_alert(event_id: UUID, data: dict[str, Any], raised: bool, unit_name: str, console_url: str) -> Signal:
    """The notification a ``SatisfactionAlertRaised`` / ``…Resolved`` v1 deserves (always one)."""
    page = data["key"] if data["scope"] == "page" else ""
    unit = str(data["org_unit"])
    where = page or text("notifier.where.unit", unit=unit_name)
    title = page or text("notifier.where.unit_title", unit=unit_name)
    labels = {
        "type": "satisfaction.alert",
        "unit": unit,
        "site": str(data.get("site") or ""),
        "page": page,
        "category": "",
        "severity": "warning",
    }
    r = data["reading"]
    share = text("notifier.share_against", share=_percent(r["not_helpful_share"]),
                 baseline=_percent(r["baseline_share"]))  # fmt: skip
    rating = text("notifier.mean_against", mean=_stars(r["mean_rating"]), baseline=_stars(r["baseline_mean"]))
    facts = [(text("notifier.fact.unit"), unit_name)]
    if page:
        facts.append((text("notifier.fact.page"), page))
    facts += [
        (text("notifier.fact.not_helpful"), share),
        (text("notifier.fact.mean_rating"), rating),
        (text("notifier.fact.answers"), str(max(r["answers_helpful"], r["ratings"]))),
    ]
    kind = "raised" if raised else "resolved"
    link = f"{console_url.rstrip('/')}/console/units/{quote(unit, safe='')}?days=7"
    if page:
        link += f"&prefix={quote(page, safe='')}"
    return Signal(
        event_id=event_id,
        labels=labels,
        subject=text(f"notifier.subject.satisfaction.{kind}", where=title),
        summary=text(f"notifier.summary.satisfaction.{kind}", where=where),
        facts=tuple(facts),
        link=link,
        texts=(),
    )


def quota_event_id(survey_id: str, quota: int) -> UUID:
    """One notification per survey and quota (a later version with a higher quota may reach it again)."""
    return uuid5(SIGNAL_NAMESPACE, f"survey-quota|{survey_id}|{quota}")


def from_quota(survey_id: str, title: str, quota: int, unit: str, unit_name: str, console_url: str) -> Signal:
    """The notification that survey ``survey_id`` has ``quota`` counted responses and is no longer shown."""
    labels = {"type": "survey.quota_reached", "unit": unit, "survey": survey_id, "severity": "info"}
    return Signal(
        event_id=quota_event_id(survey_id, quota),
        labels=labels,
        subject=text("notifier.subject.survey.quota_reached", title=title),
        summary=text("notifier.summary.survey.quota_reached", title=title, quota=quota),
        facts=(
            (text("notifier.fact.unit"), unit_name),
            (text("notifier.fact.survey"), title),
            (text("notifier.fact.quota"), str(quota)),
        ),
        link=f"{console_url.rstrip('/')}/console/surveys/{quote(survey_id, safe='')}",
        texts=(),
    )


def from_submission(
    event_id: UUID, data: dict[str, Any], hackathon_title: str, challenge_title: str, unit: str, unit_name: str,
    public_url: str,
) -> Signal:  # fmt: skip
    """The notification a ``SubmissionSaved`` (first revision) deserves; ``data`` with its title opened."""
    labels = {"type": "hackathon.submission", "unit": unit, "severity": "info"}
    return Signal(
        event_id=event_id,
        labels=labels,
        subject=text("notifier.subject.hackathon.submission", challenge=challenge_title),
        summary=text("notifier.summary.hackathon.submission", challenge=challenge_title, hackathon=hackathon_title),
        facts=(
            (text("notifier.fact.unit"), unit_name),
            (text("notifier.fact.hackathon"), hackathon_title),
            (text("notifier.fact.challenge"), challenge_title),
        ),
        link=f"{public_url.rstrip('/')}/hackathons/{quote(str(data['hackathon_id']), safe='')}",
        texts=(str(data["title"]),) if data.get("title") else (),  # None: the team's text is erased already
    )


def phase_due(hackathon_id: str, hackathon_title: str, phase: str, starts_at: str, public_url: str) -> Signal:
    """The reminder that ``phase`` was planned to start at ``starts_at`` (local time, formatted)."""
    name = text(f"hackathon.phase.{phase}")
    return Signal(
        event_id=uuid5(SIGNAL_NAMESPACE, f"phase-due|{hackathon_id}|{phase}|{starts_at}"),
        labels={"type": "hackathon.phase_due", "severity": "info"},
        subject=text("notifier.subject.hackathon.phase_due", phase=name, hackathon=hackathon_title),
        summary=text("notifier.summary.hackathon.phase_due", phase=name, hackathon=hackathon_title, at=starts_at),
        facts=((text("notifier.fact.hackathon"), hackathon_title), (text("notifier.fact.phase"), name)),
        link=f"{public_url.rstrip('/')}/hackathons/{quote(hackathon_id, safe='')}",
        texts=(),
    )


def from_report(event_id: UUID, data: dict[str, Any], console_url: str) -> Signal:
    """The notification of a ``ReportPublished`` v1: the key figures (as published, "< 5" where withheld), the link
    to the report's page and its CSV."""

    def shown(value: int | None) -> str:
        return "< 5" if value is None else formats.number(value)

    change = data["responses_change"]
    facts = (
        (text("notifier.fact.unit"), str(data["scope_name"])),
        (text("notifier.fact.month"), str(data["month"])),
        (text("notifier.fact.responses"), shown(data["responses"])
         + ("" if change is None else f" ({formats.signed(change * 100)} %)")),
        (text("notifier.fact.helpful_share"), formats.percent(data["helpful_share"])),
        (text("notifier.fact.mean_rating"), formats.number(data["rating_mean"], 2)),
        (text("notifier.fact.open_comments"), shown(data["open_comments"])),
    )  # fmt: skip
    return Signal(
        event_id=event_id,
        labels={"type": "report.monthly", "unit": str(data["scope"]), "severity": "info"},
        subject=str(data["title"]),
        summary=text("notifier.summary.report.monthly", month=data["month"], scope=data["scope_name"]),
        facts=facts,
        link=f"{console_url.rstrip('/')}{data['path']}",
        texts=(),
        attachments=((f"stadtstimme-bericht-{data['scope']}-{data['month']}.csv", str(data["csv"])),),
    )


def from_sdg_failure(event_id: UUID, data: dict[str, Any], console_url: str) -> Signal:
    """The alert of an ``SdgTransferFailed`` v1: which month, how often it was tried, the last answer, the due date
    and how to send it again."""
    answer = f"HTTP {data['status_code']}" if data["status_code"] is not None else text("notifier.sdg.no_answer")
    facts = (
        (text("notifier.fact.month"), str(data["month"])),
        (text("notifier.fact.attempts"), str(data["attempts"])),
        (text("notifier.fact.last_answer"), answer if data["error"] in ("", answer) else f"{answer} ({data['error']})"),
        (text("notifier.fact.due"), date.fromisoformat(str(data["due"])).strftime("%d.%m.%Y")),
    )
    return Signal(
        event_id=event_id,
        labels={"type": "sdg.transfer_failed", "severity": "warning"},
        subject=text("notifier.subject.sdg.transfer_failed", month=data["month"]),
        summary=text("notifier.summary.sdg.transfer_failed", month=data["month"]),
        facts=facts,
        link=f"{console_url.rstrip('/')}/console/sdg",
        texts=(),
    )
