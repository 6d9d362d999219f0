"""The message catalogue: every text a citizen or staff member reads, German first, English second.

Keys are stable identifiers; ``text(key, lang, **values)`` formats one. Code never spells user-facing text.
"""

from __future__ import annotations

import json
from pathlib import Path

CATALOGUE: dict[str, dict[str, str]] = {
    "problem.invalid_json.title": {
        "de": "Die Anfrage ist kein gültiges JSON.",
        "en": "The request body is not valid JSON.",
    },
    "problem.validation.title": {
        "de": "Die Angaben sind unvollständig oder ungültig.",
        "en": "The submitted data is incomplete or invalid.",
    },
    "problem.too_large.title": {"de": "Die Anfrage ist zu groß.", "en": "The request is too large."},
    "problem.too_large.detail": {
        "de": "Höchstens {limit} Bytes sind erlaubt.",
        "en": "At most {limit} bytes are allowed.",
    },
    "problem.media_type.title": {
        "de": "Nicht unterstütztes Format.",
        "en": "Unsupported media type.",
    },
    "problem.media_type.detail": {
        "de": "Bitte als application/json senden.",
        "en": "Please send application/json.",
    },
    "problem.unknown_site.title": {"de": "Unbekannte Website.", "en": "Unknown site."},
    "problem.origin.title": {
        "de": "Diese Website darf kein Feedback für die angegebene Seite senden.",
        "en": "This origin may not send feedback for that site.",
    },
    "problem.page_not_on_site.detail": {
        "de": "Die Seite gehört nicht zu dieser Website.",
        "en": "The page does not belong to this site.",
    },
    "problem.unavailable.title": {
        "de": "Der Dienst ist kurz nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.",
        "en": "The service is briefly unavailable. Please try again in a moment.",
    },
    "problem.unauthorized.title": {"de": "Anmeldung erforderlich.", "en": "Authentication required."},
    "problem.not_found.title": {"de": "Nicht gefunden.", "en": "Not found."},
    "problem.period_bounds.title": {
        "de": "Der Zeitraum muss zwischen 2000 und 2100 liegen.",
        "en": "The period must lie between 2000 and 2100.",
    },
    "problem.range.title": {
        "de": "Das Ende des Zeitraums liegt vor seinem Anfang.",
        "en": "The end of the period lies before its start.",
    },
    "problem.survey_id.title": {
        "de": "Die Kennung in der Definition muss der Kennung im Pfad entsprechen.",
        "en": "definition.id must equal the survey id in the path.",
    },
    # Refusals of a permission of the role matrix (shared/auth.py PERMISSIONS), where "not allowed" says too little.
    "permission.comments.triage": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Ihr Konto darf Kommentare lesen, aber nicht bearbeiten.",
        "en": "You are not allowed to do that. Your account may read comments but not work on them.",
    },
    "permission.surveys.status": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Ihr Konto darf Umfragen ansehen, aber nicht ändern.",
        "en": "You are not allowed to do that. Your account may view surveys but not change them.",
    },
    "permission.surveys.define": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Umfragen anlegen und ändern dürfen nur Administratorinnen und "
        "Administratoren, denn die Auswahl der Seiten kann die Seiten aller Organisationseinheiten erreichen.",
        "en": "You are not allowed to do that. Only administrators define surveys: their targeting may reach every "
        "unit's pages.",
    },
    "permission.notifications.retry": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Zustellungen erneut senden dürfen nur Administratorinnen und "
        "Administratoren.",
        "en": "You are not allowed to do that. Only administrators send deliveries again.",
    },
    "permission.hackathons.run": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Den Hackathon leiten dürfen nur Administratorinnen und "
        "Administratoren.",
        "en": "You are not allowed to do that. Only administrators run the hackathon.",
    },
    "permission.hackathons.challenge": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Challenges stellen die Mitarbeitenden der Organisationseinheiten.",
        "en": "You are not allowed to do that. Challenges are posted by the staff of the organisational units.",
    },
    "problem.headers_too_large.title": {
        "de": "Die Kopfzeilen der Anfrage sind zu groß.",
        "en": "The request's headers are too large.",
    },
    "problem.nul.title": {
        "de": "Die Anfrage enthält ein Nullzeichen (NUL); das ist nicht erlaubt.",
        "en": "The request contains a NUL character, which is not allowed.",
    },
    "problem.console_token.title": {
        "de": "Die Konsole ist für angemeldete Mitarbeitende; API-Token gelten nur für die APIs.",
        "en": "The console is for signed-in staff; API tokens are for the APIs only.",
    },
    "problem.surrogate.title": {
        "de": "Die Anfrage enthält ein ungültiges Zeichen (ein halbes Surrogat-Paar).",
        "en": "The request contains an invalid character (half a surrogate pair).",
    },
    "problem.http.title": {
        "de": "Diese Anfrage kann nicht beantwortet werden.",
        "en": "This request cannot be answered.",
    },
    "problem.forbidden.title": {
        "de": "Dafür fehlt Ihnen die Berechtigung.",
        "en": "You are not allowed to do that.",
    },
    "problem.not_your_unit.title": {
        "de": "Das gehört nicht zu Ihren Organisationseinheiten.",
        "en": "This does not belong to your organisational units.",
    },
    "problem.cross_site.title": {
        "de": "Diese Anfrage kam nicht von den Seiten der Stadtstimme und wurde deshalb abgelehnt.",
        "en": "This request did not come from Stadtstimme's own pages and was refused.",
    },
    "problem.method.title": {"de": "Diese Methode ist hier nicht erlaubt.", "en": "Method not allowed."},
    "problem.rate_limited.title": {
        "de": "Sehr viele Rückmeldungen in kurzer Zeit. Bitte warten Sie einen Moment und senden Sie dann erneut.",
        "en": "Many submissions in a short time. Please wait a moment, then send again.",
    },
    "problem.pow.title": {
        "de": "Zum Schutz vor automatischen Einsendungen ist eine kurze Rechenaufgabe Ihres Browsers nötig.",
        "en": "To guard against automated submissions, your browser needs to solve a short computation.",
    },
    "problem.widget_not_built.title": {
        "de": "Das Feedback-Widget ist nicht gebaut: `make install` baut widget/dist/ (stadtstimme.js, survey.js).",
        "en": "The feedback widget is not built: `make install` builds widget/dist/ (stadtstimme.js, survey.js).",
    },
    "problem.some_answer": {
        "de": "Bitte beantworten Sie mindestens eine Frage oder schreiben Sie uns einen Kommentar.",
        "en": "Please answer at least one question or write us a comment.",
    },
    "problem.reserved_uuid": {
        "de": "Die Null-UUID und die Max-UUID kennzeichnen keine einzelne Einsendung. Bitte eine zufällige UUID "
        "(Version 4) senden.",
        "en": "The nil and the max UUID identify no single submission. Please send a random UUID (version 4).",
    },
    "problem.unknown_survey.title": {
        "de": "Diese Umfrage gibt es nicht oder nicht mehr.",
        "en": "This survey does not exist or no longer exists.",
    },
    "problem.invalid_answer.title": {
        "de": "Die Antwort passt nicht zur Frage.",
        "en": "The answer does not fit the question.",
    },
    "survey.refused.unknown": {"de": "Diese Umfrage gibt es nicht.", "en": "This survey does not exist."},
    "survey.refused.closed": {
        "de": "Eine beendete Umfrage kann nicht mehr geändert werden; legen Sie eine neue Umfrage an.",
        "en": "A closed survey cannot be changed any more; create a new survey.",
    },
    "survey.refused.move": {
        "de": "Eine Umfrage im Status „{current}“ kann nicht „{wanted}“ werden.",
        "en": "A survey that is {current} cannot become {wanted}.",
    },
    "problem.survey_command.title": {
        "de": "Diese Änderung der Umfrage ist nicht möglich.",
        "en": "This change to the survey is not possible.",
    },
    # The feedback form without JavaScript (services/ingest/form.py, templates/form.html).
    # Staff console (services/analytics/console.py, templates/console_*.html).
    "console.login.title": {"de": "Anmeldung für Mitarbeitende", "en": "Staff sign-in"},
    "console.login.username": {"de": "Benutzername", "en": "Username"},
    "console.login.password": {"de": "Passwort", "en": "Password"},
    "console.login.submit": {"de": "Anmelden", "en": "Sign in"},
    "console.error.login": {
        "de": "Benutzername oder Passwort ist falsch.",
        "en": "The username or password is wrong.",
    },
    "console.error.sign_in.client": {
        "de": "Zu viele fehlgeschlagene Anmeldungen von diesem Anschluss. Bitte warten Sie einige Minuten.",
        "en": "Too many failed sign-ins from this connection. Please wait a few minutes.",
    },
    "console.error.sign_in.locked": {
        "de": "Zu viele fehlgeschlagene Anmeldungen für dieses Konto. Bitte versuchen Sie es in {minutes} Minuten "
        "erneut.",
        "en": "Too many failed sign-ins for this account. Please try again in {minutes} minutes.",
    },
    "console.error.sign_in.busy": {
        "de": "Gerade melden sich sehr viele an. Bitte versuchen Sie es in einigen Sekunden erneut.",
        "en": "Very many sign-ins right now. Please try again in a few seconds.",
    },
    "console.error.origin": {
        "de": "Diese Anfrage kam nicht aus der Stadtstimme-Konsole und wurde deshalb abgelehnt.",
        "en": "This request did not come from the Stadtstimme console and was refused.",
    },
    "console.signed_in_as": {"de": "angemeldet als {name}", "en": "signed in as {name}"},
    "console.logout": {"de": "Abmelden", "en": "Sign out"},
    "console.overview.title": {"de": "Zufriedenheit im Überblick", "en": "Satisfaction overview"},
    "console.overview.caption": {
        "de": "Je Organisationseinheit im gewählten Zeitraum, mit der Veränderung gegenüber dem Zeitraum davor",
        "en": "Per org unit in the chosen period, with the change against the period before",
    },
    "console.overview.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.overview.responses": {"de": "Rückmeldungen", "en": "Responses"},
    "console.overview.helpful": {"de": "Hilfreich", "en": "Helpful"},
    "console.overview.rating": {"de": "Mittlere Bewertung (1–5)", "en": "Mean rating (1–5)"},
    "console.overview.change": {"de": "Veränderung", "en": "Change"},
    "console.overview.csv": {"de": "Tabelle als CSV herunterladen", "en": "Download the table as CSV"},
    "console.overview.empty": {
        "de": "Für Ihr Konto sind keine Organisationseinheiten freigegeben.",
        "en": "No org units are assigned to your account.",
    },
    "console.back": {"de": "Zurück zur Übersicht", "en": "Back to the overview"},
    "console.refused.title": {"de": "Nicht möglich", "en": "Not possible"},
    "console.not_found.title": {"de": "Nicht gefunden", "en": "Not found"},
    "console.not_found.body": {
        "de": "Diese Seite gibt es nicht, oder sie gehört zu einer Organisationseinheit, die Ihr Konto nicht sieht.",
        "en": "This page does not exist, or it belongs to an org unit your account cannot see.",
    },
    "console.unit.pages": {
        "de": "Seiten im gewählten Zeitraum, die meisten Antworten „nicht hilfreich“ zuerst",
        "en": "Pages in the chosen period, most “not helpful” answers first",
    },
    "console.unit.page": {"de": "Seite", "en": "Page"},
    "console.unit.no_pages": {"de": "Keine Rückmeldungen in diesem Zeitraum.", "en": "No feedback in this period."},
    "console.unit.comments": {"de": "Neueste Kommentare und Vorschläge", "en": "Newest comments and suggestions"},
    "console.unit.no_comments": {"de": "Noch keine Kommentare.", "en": "No comments yet."},
    "console.unit.rating": {"de": "Bewertung {rating} von 5", "en": "rating {rating} of 5"},
    "console.unit.suspected_spam": {"de": "Verdacht auf Spam", "en": "Suspected spam"},
    # Surveys in the staff console (console_surveys.html, console_survey.html, console_survey_refused.html).
    "console.surveys.nav.label": {"de": "Bereiche der Konsole", "en": "Console sections"},
    "console.surveys.nav.overview": {"de": "Übersicht", "en": "Overview"},
    "console.surveys.nav.surveys": {"de": "Umfragen", "en": "Surveys"},
    "console.surveys.title": {"de": "Umfragen", "en": "Surveys"},
    "console.surveys.caption": {
        "de": "Umfragen, die Ihr Konto sehen darf, mit ihren Antworten über alle Versionen",
        "en": "Surveys your account may see, with their responses over all versions",
    },
    "console.surveys.survey": {"de": "Umfrage", "en": "Survey"},
    "console.surveys.status": {"de": "Status", "en": "Status"},
    "console.surveys.current_version": {"de": "Aktuelle Version", "en": "Current version"},
    "console.surveys.responses_all": {"de": "Antworten (alle Versionen)", "en": "Responses (all versions)"},
    "console.surveys.empty": {
        "de": "Für Ihr Konto sind keine Umfragen sichtbar.",
        "en": "No surveys are visible to your account.",
    },
    "console.surveys.back": {"de": "Zurück zu den Umfragen", "en": "Back to the surveys"},
    "console.surveys.state.draft": {"de": "Entwurf", "en": "draft"},
    "console.surveys.state.active": {"de": "aktiv", "en": "active"},
    "console.surveys.state.paused": {"de": "pausiert", "en": "paused"},
    "console.surveys.state.closed": {"de": "beendet", "en": "closed"},
    "console.surveys.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.surveys.shown_version": {
        "de": "Angezeigt: Ergebnisse der Version {version}",
        "en": "Shown: results of version {version}",
    },
    "console.surveys.versions": {"de": "Versionen", "en": "Versions"},
    "console.surveys.version": {"de": "Version {version}", "en": "Version {version}"},
    "console.surveys.version_current": {"de": "Version {version} (aktuell)", "en": "Version {version} (current)"},
    "console.surveys.changed": {
        "de": "Der Status der Umfrage ist jetzt „{status}“.",
        "en": "The survey's status is now “{status}”.",
    },
    "console.surveys.actions": {"de": "Status ändern", "en": "Change the status"},
    "console.surveys.move.start": {"de": "Veröffentlichen", "en": "Publish"},
    "console.surveys.move.active": {"de": "Fortsetzen", "en": "Resume"},
    "console.surveys.move.paused": {"de": "Pausieren", "en": "Pause"},
    "console.surveys.move.closed": {"de": "Endgültig beenden", "en": "Close for good"},
    "console.surveys.move.closed_hint": {
        "de": "„Endgültig beenden“ lässt sich nicht rückgängig machen: Eine beendete Umfrage kann weder fortgesetzt "
        "noch geändert werden. Ihre Ergebnisse bleiben erhalten.",
        "en": "“Close for good” cannot be undone: a closed survey can be neither resumed nor changed. Its results "
        "are kept.",
    },
    "console.surveys.final": {
        "de": "Diese Umfrage ist beendet; ihr Status lässt sich nicht mehr ändern.",
        "en": "This survey is closed; its status can no longer change.",
    },
    "console.surveys.totals": {"de": "Gesamtzahlen", "en": "Totals"},
    "console.surveys.totals.responses": {"de": "Antworten (gezählt)", "en": "Responses (counted)"},
    "console.surveys.totals.completed": {
        "de": "Bis zur letzten Frage beantwortet",
        "en": "Answered up to the last question",
    },
    "console.surveys.totals.completion_rate": {"de": "Abschlussquote", "en": "Completion rate"},
    "console.surveys.totals.dismissals": {"de": "Weggeklickt", "en": "Dismissed"},
    "console.surveys.totals.dismissed_without_answer": {
        "de": "davon ohne jede Antwort",
        "en": "of which without any answer",
    },
    "console.surveys.exposure": {"de": "Geschätzte Reichweite", "en": "Estimated reach"},
    "console.surveys.exposure.none": {
        "de": "Für den Zeitraum vom {first} bis {last} sind keine Seitenaufrufe importiert; ohne sie lässt sich "
        "nicht schätzen, wie oft die Umfrage angezeigt wurde.",
        "en": "No page views are imported for {first} to {last}; without them, how often the survey was shown "
        "cannot be estimated.",
    },
    "console.surveys.exposure.period": {"de": "Zeitraum", "en": "Period"},
    "console.surveys.exposure.period_value": {"de": "{first} bis {last}", "en": "{first} to {last}"},
    "console.surveys.exposure.page_views": {
        "de": "Seitenaufrufe der Zielseiten (Webanalyse)",
        "en": "Page views of the targeted pages (web analytics)",
    },
    "console.surveys.exposure.sampling": {"de": "Stichprobe", "en": "Sampling"},
    "console.surveys.exposure.displays": {
        "de": "Geschätzte Anzeigen (Obergrenze)",
        "en": "Estimated displays (upper bound)",
    },
    "console.surveys.exposure.response_rate": {
        "de": "Antwortquote (Untergrenze)",
        "en": "Response rate (lower bound)",
    },
    "console.surveys.exposure.dismissal_rate": {"de": "Wegklickquote", "en": "Dismissal rate"},
    "console.surveys.exposure.assumptions": {"de": "Annahmen der Schätzung", "en": "Assumptions of the estimate"},
    "console.surveys.questions": {"de": "Ergebnisse je Frage", "en": "Results per question"},
    "console.surveys.question.heading": {"de": "Frage {number}: {text}", "en": "Question {number}: {text}"},
    "console.surveys.question.required": {"de": "Pflichtfrage", "en": "Required question"},
    "console.surveys.question.caption": {
        "de": "Verteilung der {answers} Antworten auf Frage {number}",
        "en": "Distribution of the {answers} answers to question {number}",
    },
    "console.surveys.question.answer": {"de": "Antwort", "en": "Answer"},
    "console.surveys.question.count": {"de": "Anzahl", "en": "Count"},
    "console.surveys.question.share": {"de": "Anteil", "en": "Share"},
    "console.surveys.question.multiple": {
        "de": "Mehrfachauswahl: Anteile an den Antworten auf diese Frage; zusammen können es mehr als 100 % sein.",
        "en": "Multiple choice: shares of the answers to this question; together they may exceed 100 %.",
    },
    "console.surveys.question.rating_scale": {
        "de": "Bewertung auf einer Skala von 1 bis 5.",
        "en": "Rating on a scale from 1 to 5.",
    },
    "console.surveys.question.nps_scale": {
        "de": "Weiterempfehlung auf einer Skala von 0 bis 10 (NPS: Anteil der Werte 9–10 minus Anteil der Werte "
        "0–6, in Prozentpunkten).",
        "en": "Recommendation on a scale from 0 to 10 (NPS: share of 9–10 minus share of 0–6, in points).",
    },
    "console.surveys.question.mean": {"de": "Mittelwert", "en": "Mean"},
    "console.surveys.question.nps": {"de": "NPS", "en": "NPS"},
    "console.surveys.question.nps_parts": {
        "de": "{promoters} Förderer, {detractors} Kritiker",
        "en": "{promoters} promoters, {detractors} detractors",
    },
    "console.surveys.question.texts": {
        "de": "{answers} Freitext-Antworten, die neuesten zuerst",
        "en": "{answers} free-text answers, newest first",
    },
    "console.surveys.question.texts_one": {"de": "1 Freitext-Antwort", "en": "1 free-text answer"},
    "console.surveys.question.texts_cut": {
        "de": "Gezeigt werden die neuesten {shown}; alle stehen in der CSV-Datei.",
        "en": "The newest {shown} are shown; the CSV file has all of them.",
    },
    "console.surveys.question.no_answers": {"de": "Noch keine Antworten.", "en": "No answers yet."},
    "console.surveys.answer.yes": {"de": "Ja", "en": "Yes"},
    "console.surveys.answer.no": {"de": "Nein", "en": "No"},
    "console.surveys.answer_meta": {"de": "{when} · {page}", "en": "{when} · {page}"},
    "console.surveys.chart": {
        "de": "Balkendiagramm zu „{question}“: {summary}",
        "en": "Bar chart of “{question}”: {summary}",
    },
    "console.surveys.days": {"de": "Antworten und Wegklicken je Tag", "en": "Answers and dismissals per day"},
    "console.surveys.days.caption": {
        "de": "Neue Antworten und Wegklicken je Tag (Zeitzone {timezone})",
        "en": "New responses and dismissals per day (time zone {timezone})",
    },
    "console.surveys.days.day": {"de": "Tag", "en": "Day"},
    "console.surveys.days.answered": {"de": "Antworten", "en": "Responses"},
    "console.surveys.days.dismissed": {"de": "Weggeklickt", "en": "Dismissed"},
    "console.surveys.days.empty": {"de": "Noch keine Antworten.", "en": "No responses yet."},
    "console.surveys.csv": {
        "de": "Ergebnisse der Version {version} als CSV herunterladen",
        "en": "Download the results of version {version} as CSV",
    },
    "console.surveys.error.unknown_status": {
        "de": "Diesen Status gibt es für Umfragen nicht.",
        "en": "Surveys have no such status.",
    },
    "console.surveys.error.unavailable": {
        "de": "Die Änderung konnte gerade nicht gespeichert werden. Bitte versuchen Sie es gleich noch einmal.",
        "en": "The change could not be saved just now. Please try again in a moment.",
    },
    # The survey builder (survey_form.py, survey_builder.py, survey_preview.py; console_survey_form.html,
    # console_survey_preview.html).
    "console.survey_form.title.new": {"de": "Neue Umfrage", "en": "New survey"},
    "console.survey_form.title.edit": {"de": "Umfrage bearbeiten: {title}", "en": "Edit survey: {title}"},
    "console.survey_form.title.copy": {"de": "Umfrage kopieren: {title}", "en": "Copy survey: {title}"},
    "console.survey_form.title.error": {"de": "Fehler: {title}", "en": "Error: {title}"},
    "console.survey_form.intro": {
        "de": "Texte auf Deutsch sind Pflicht, Englisch ist freiwillig: Fehlt ein englischer Text, sehen Besucherinnen "
        "und Besucher englischer Seiten den deutschen. Die Vorschau zeigt die Umfrage, wie sie auf einer Seite der "
        "Stadt erscheint, ohne etwas zu speichern.",
        "en": "German texts are required, English ones optional: where an English text is missing, visitors of "
        "English pages see the German one. The preview shows the survey as it appears on a page of the city, "
        "without saving anything.",
    },
    "console.survey_form.save_hint.new": {
        "de": "Speichern legt die Umfrage als Entwurf an. Bürgerinnen und Bürger sehen sie erst, wenn Sie sie danach "
        "auf ihrer Seite veröffentlichen.",
        "en": "Saving creates the survey as a draft. Citizens see it only once you publish it on its page afterwards.",
    },
    "console.survey_form.save_hint.draft": {
        "de": "Speichern legt Version {version} an. Die Umfrage bleibt ein Entwurf, bis Sie sie veröffentlichen.",
        "en": "Saving creates version {version}. The survey stays a draft until you publish it.",
    },
    "console.survey_form.save_hint.live": {
        "de": "Achtung: Die Umfrage ist {status}. Speichern veröffentlicht die Änderungen sofort als Version "
        "{version}; Antworten auf frühere Versionen bleiben getrennt ausgewertet.",
        "en": "Note: the survey is {status}. Saving publishes the changes at once as version {version}; answers to "
        "earlier versions stay in their own results.",
    },
    "console.survey_form.closed": {
        "de": "Diese Umfrage ist beendet und kann nicht mehr geändert werden. Kopieren Sie sie, um daraus eine neue "
        "Umfrage zu machen.",
        "en": "This survey is closed and can no longer be changed. Copy it to make a new survey from it.",
    },
    "console.survey_form.summary": {
        "de": "Bitte korrigieren Sie die markierten Angaben:",
        "en": "Please correct the marked entries:",
    },
    "console.survey_form.summary.item": {"de": "{field}: {message}", "en": "{field}: {message}"},
    "console.survey_form.summary.question": {"de": "Frage {number}, {field}", "en": "Question {number}, {field}"},
    "console.survey_form.section.options": {"de": "Antwortmöglichkeiten", "en": "Choices"},
    "console.survey_form.section.basics": {"de": "Grunddaten", "en": "Basics"},
    "console.survey_form.section.questions": {"de": "Fragen", "en": "Questions"},
    "console.survey_form.section.targeting": {
        "de": "Wo und wann die Umfrage erscheint",
        "en": "Where and when the survey appears",
    },
    "console.survey_form.section.actions": {"de": "Vorschau und Speichern", "en": "Preview and save"},
    "console.survey_form.field.survey_id": {"de": "Kennung der Umfrage", "en": "Survey id"},
    "console.survey_form.hint.survey_id": {
        "de": "Steht in Adressen und Auswertungen, z. B. abfall-online-dienste: Kleinbuchstaben (a–z), Ziffern und "
        "Bindestriche. Lässt sich später nicht mehr ändern.",
        "en": "Used in addresses and results, e.g. abfall-online-dienste: lower-case letters (a–z), digits and "
        "hyphens. Cannot be changed later.",
    },
    "console.survey_form.field.org_unit": {"de": "Zuständige Organisationseinheit", "en": "Responsible org unit"},
    "console.survey_form.hint.org_unit": {
        "de": "Ihre Mitarbeiterinnen und Mitarbeiter sehen die Ergebnisse.",
        "en": "Its staff see the results.",
    },
    "console.survey_form.field.title_de": {"de": "Titel (Deutsch)", "en": "Title (German)"},
    "console.survey_form.field.title_en": {"de": "Titel (Englisch, freiwillig)", "en": "Title (English, optional)"},
    "console.survey_form.field.intro_de": {
        "de": "Einleitung (Deutsch, freiwillig)",
        "en": "Introduction (German, optional)",
    },
    "console.survey_form.field.intro_en": {
        "de": "Einleitung (Englisch, freiwillig)",
        "en": "Introduction (English, optional)",
    },
    "console.survey_form.field.thanks_de": {
        "de": "Dank am Ende (Deutsch, freiwillig)",
        "en": "Thanks at the end (German, optional)",
    },
    "console.survey_form.field.thanks_en": {
        "de": "Dank am Ende (Englisch, freiwillig)",
        "en": "Thanks at the end (English, optional)",
    },
    "console.survey_form.hint.thanks": {
        "de": "Leer lassen: „Vielen Dank für Ihre Antworten!“",
        "en": "Leave empty: “Thank you for your answers!”",
    },
    "console.survey_form.question.legend": {"de": "Frage {number}", "en": "Question {number}"},
    "console.survey_form.field.type": {"de": "Art der Frage", "en": "Kind of question"},
    "console.survey_form.type.yes_no": {"de": "Ja oder Nein", "en": "Yes or no"},
    "console.survey_form.type.rating": {"de": "Bewertung von 1 bis 5", "en": "Rating from 1 to 5"},
    "console.survey_form.type.nps": {
        "de": "Weiterempfehlung von 0 bis 10 (NPS)",
        "en": "Recommendation from 0 to 10 (NPS)",
    },
    "console.survey_form.type.single": {"de": "Auswahl: eine Antwort", "en": "Choice: one answer"},
    "console.survey_form.type.multiple": {"de": "Auswahl: mehrere Antworten", "en": "Choice: several answers"},
    "console.survey_form.type.text": {"de": "Freitext", "en": "Free text"},
    "console.survey_form.hint.type": {
        "de": "Nach dem Ändern der Art zeigt „Vorschau anzeigen“ die passenden Felder (z. B. die "
        "Antwortmöglichkeiten).",
        "en": "After changing the kind, “Show preview” shows the fields that go with it (e.g. the choices).",
    },
    "console.survey_form.field.question_id": {"de": "Kennung der Frage", "en": "Question id"},
    "console.survey_form.hint.question_id": {
        "de": "Leer lassen: wird aus dem deutschen Fragetext gebildet. Erscheint in der CSV-Datei der Ergebnisse.",
        "en": "Leave empty: made from the German question. Appears in the results' CSV file.",
    },
    "console.survey_form.field.text_de": {"de": "Fragetext (Deutsch)", "en": "Question (German)"},
    "console.survey_form.field.text_en": {
        "de": "Fragetext (Englisch, freiwillig)",
        "en": "Question (English, optional)",
    },
    "console.survey_form.field.required": {
        "de": "Pflichtfrage: muss beantwortet werden",
        "en": "Required: must be answered",
    },
    "console.survey_form.field.max_chars": {"de": "Höchstzahl der Zeichen", "en": "Maximum number of characters"},
    "console.survey_form.options.legend": {
        "de": "Antwortmöglichkeiten zu Frage {number}",
        "en": "Choices of question {number}",
    },
    "console.survey_form.field.option_de": {"de": "Antwort {number} (Deutsch)", "en": "Choice {number} (German)"},
    "console.survey_form.field.option_en": {
        "de": "Antwort {number} (Englisch, freiwillig)",
        "en": "Choice {number} (English, optional)",
    },
    "console.survey_form.field.option_id": {"de": "Kennung von Antwort {number}", "en": "Id of choice {number}"},
    "console.survey_form.button.add_option": {
        "de": "Antwortmöglichkeit zu Frage {number} hinzufügen",
        "en": "Add a choice to question {number}",
    },
    "console.survey_form.button.remove_option": {
        "de": "Antwort {option} von Frage {number} entfernen",
        "en": "Remove choice {option} of question {number}",
    },
    "console.survey_form.button.remove_question": {"de": "Frage {number} entfernen", "en": "Remove question {number}"},
    "console.survey_form.button.up": {"de": "Frage {number} nach oben", "en": "Move question {number} up"},
    "console.survey_form.button.down": {"de": "Frage {number} nach unten", "en": "Move question {number} down"},
    "console.survey_form.field.new_type": {"de": "Art der neuen Frage", "en": "Kind of the new question"},
    "console.survey_form.button.add_question": {"de": "Frage hinzufügen", "en": "Add a question"},
    "console.survey_form.no_questions": {
        "de": "Noch keine Fragen. Wählen Sie die Art der ersten Frage und fügen Sie sie hinzu.",
        "en": "No questions yet. Choose the kind of the first question and add it.",
    },
    "console.survey_form.sites.legend": {"de": "Websites", "en": "Sites"},
    "console.survey_form.hint.sites": {
        "de": "Auf welchen Websites der Stadt die Umfrage erscheinen kann.",
        "en": "On which of the city's sites the survey can appear.",
    },
    "console.survey_form.field.include": {
        "de": "Seiten, auf denen sie erscheint (ein Muster je Zeile)",
        "en": "Pages on which it appears (one pattern per line)",
    },
    "console.survey_form.hint.include": {
        "de": "Der Pfad der Seite, „*“ steht für beliebige Zeichen (auch „/“): „/abfall/*“ sind alle Seiten unter "
        "/abfall/, „/*“ sind alle Seiten. Leer: alle Seiten.",
        "en": "The page's path, “*” stands for any characters (“/” too): “/abfall/*” is every page below /abfall/, "
        "“/*” every page. Empty: every page.",
    },
    "console.survey_form.field.exclude": {
        "de": "Seiten, auf denen sie nicht erscheint (ein Muster je Zeile, freiwillig)",
        "en": "Pages on which it does not appear (one pattern per line, optional)",
    },
    "console.survey_form.field.sampling_percent": {
        "de": "Stichprobe: Anteil der Seitenaufrufe in Prozent",
        "en": "Sampling: share of page views in percent",
    },
    "console.survey_form.hint.sampling_percent": {
        "de": "100: bei jedem passenden Seitenaufruf; 20: bei jedem fünften, zufällig ausgewählt.",
        "en": "100: on every matching page view; 20: on one in five, chosen at random.",
    },
    "console.survey_form.trigger.legend": {"de": "Wann sie erscheint", "en": "When it appears"},
    "console.survey_form.trigger.delay": {"de": "Nach einer Wartezeit", "en": "After a delay"},
    "console.survey_form.trigger.scroll": {
        "de": "Wenn ein Teil der Seite gelesen (gescrollt) wurde",
        "en": "Once part of the page was read (scrolled)",
    },
    "console.survey_form.trigger.button": {
        "de": "Wenn jemand auf einen Knopf der Seite klickt",
        "en": "When someone clicks a button of the page",
    },
    "console.survey_form.hint.trigger_button": {
        "de": 'Der Knopf steht auf der Seite der Stadt: <button data-stadtstimme-survey="{id}">…</button>. '
        "Dafür gilt keine Stichprobe.",
        "en": 'The button is on the city\'s page: <button data-stadtstimme-survey="{id}">…</button>. No sampling '
        "applies to it.",
    },
    "console.survey_form.field.delay_s": {"de": "Wartezeit in Sekunden", "en": "Delay in seconds"},
    "console.survey_form.field.scroll_percent": {
        "de": "Gelesener Anteil der Seite in Prozent (nur für „gescrollt“)",
        "en": "Share of the page read in percent (for “scrolled” only)",
    },
    "console.survey_form.field.starts_at": {"de": "Erscheint ab (freiwillig)", "en": "Appears from (optional)"},
    "console.survey_form.field.ends_at": {"de": "Erscheint bis (freiwillig)", "en": "Appears until (optional)"},
    "console.survey_form.hint.window": {
        "de": "Datum und Uhrzeit, z. B. 01.12.2026 09:00, in der Zeitzone {timezone}. Zum Ende-Zeitpunkt ist sie "
        "schon nicht mehr zu sehen. Leer: keine Grenze.",
        "en": "Date and time, e.g. 01.12.2026 09:00, in the time zone {timezone}. At the end time it is no longer "
        "shown. Empty: no limit.",
    },
    "console.survey_form.field.quota": {
        "de": "Höchstzahl der Antworten (freiwillig)",
        "en": "Maximum number of responses (optional)",
    },
    "console.survey_form.hint.quota": {
        "de": "Danach wird die Umfrage nicht mehr gezeigt. Leer: keine Obergrenze.",
        "en": "After that, the survey is no longer shown. Empty: no limit.",
    },
    "console.survey_form.field.allow_dont_show_again": {
        "de": "„Nicht mehr anzeigen“ anbieten (gilt, bis der Browser-Tab geschlossen wird)",
        "en": "Offer “Don't show again” (lasts until the browser tab is closed)",
    },
    "console.survey_form.button.preview": {"de": "Vorschau anzeigen", "en": "Show preview"},
    "console.survey_form.button.preview_en": {"de": "Vorschau auf Englisch", "en": "Preview in English"},
    "console.survey_form.button.save": {"de": "Speichern", "en": "Save"},
    "console.survey_form.preview.heading": {"de": "Vorschau", "en": "Preview"},
    "console.survey_form.preview.hint": {
        "de": "So erscheint die Umfrage auf einer Seite der Stadt (unten links). In der Vorschau erscheint sie sofort, "
        "unabhängig von Stichprobe und Wartezeit; Antworten in der Vorschau werden nicht gespeichert. Die Vorschau "
        "zeigt den Stand, als Sie sie angefordert haben.",
        "en": "This is how the survey appears on a page of the city (bottom left). In the preview it appears at once, "
        "whatever the sampling and delay; answers given in the preview are not stored. The preview shows the state "
        "of the form when you asked for it.",
    },
    "console.survey_form.preview.frame": {
        "de": "Vorschau der Umfrage ({language}), wie Bürgerinnen und Bürger sie sehen",
        "en": "Preview of the survey ({language}) as citizens see it",
    },
    "console.survey_form.preview.language.de": {"de": "Deutsch", "en": "German"},
    "console.survey_form.preview.language.en": {"de": "Englisch", "en": "English"},
    "console.survey_form.preview.page_text": {
        "de": "Eine Seite der Stadt, auf der die Umfrage erscheint. Antworten in dieser Vorschau werden nicht gezählt "
        "und nirgends gespeichert.",
        "en": "A page of the city on which the survey appears. Answers given in this preview are not counted and not "
        "stored anywhere.",
    },
    "console.survey_form.preview.page_button": {"de": "An der Umfrage teilnehmen", "en": "Take part in the survey"},
    "console.survey_form.preview.expired": {
        "de": "Diese Vorschau ist abgelaufen. Bitte fordern Sie im Formular eine neue an.",
        "en": "This preview has expired. Please ask for a new one in the form.",
    },
    "console.survey_form.link.new": {"de": "Neue Umfrage anlegen", "en": "Create a new survey"},
    "console.survey_form.link.edit": {"de": "Bearbeiten", "en": "Edit"},
    "console.survey_form.link.copy": {"de": "Kopieren", "en": "Copy"},
    "console.survey_form.link.export": {
        "de": "Definition als YAML-Datei herunterladen",
        "en": "Download the definition as a YAML file",
    },
    "console.survey_form.link.back": {"de": "Zurück zur Umfrage", "en": "Back to the survey"},
    "console.survey_form.define": {"de": "Umfrage gestalten", "en": "Design the survey"},
    "console.survey_form.saved": {
        "de": "Gespeichert als Version {version}.",
        "en": "Saved as version {version}.",
    },
    "console.survey_form.unchanged": {
        "de": "Nichts geändert: Die Umfrage war schon genau so gespeichert.",
        "en": "Nothing changed: the survey was already saved exactly like this.",
    },
    "console.survey_form.step.question_added": {"de": "Frage {number} hinzugefügt.", "en": "Question {number} added."},
    "console.survey_form.step.question_removed": {"de": "Frage {number} entfernt.", "en": "Question {number} removed."},
    "console.survey_form.step.question_moved": {
        "de": "Die Frage steht jetzt an Stelle {number}.",
        "en": "The question is now number {number}.",
    },
    "console.survey_form.step.option_added": {
        "de": "Antwortmöglichkeit zu Frage {number} hinzugefügt.",
        "en": "Choice added to question {number}.",
    },
    "console.survey_form.step.option_removed": {
        "de": "Antwortmöglichkeit von Frage {number} entfernt.",
        "en": "Choice removed from question {number}.",
    },
    "console.survey_form.step.too_many_questions": {
        "de": "Eine Umfrage hat höchstens {max} Fragen.",
        "en": "A survey has at most {max} questions.",
    },
    "console.survey_form.step.too_many_options": {
        "de": "Eine Frage hat höchstens {max} Antwortmöglichkeiten.",
        "en": "A question has at most {max} choices.",
    },
    "console.survey_form.error.required": {"de": "Bitte ausfüllen.", "en": "Please fill this in."},
    "console.survey_form.error.too_long": {"de": "Höchstens {max} Zeichen.", "en": "At most {max} characters."},
    "console.survey_form.error.invalid": {"de": "Diese Angabe ist ungültig.", "en": "This entry is invalid."},
    "console.survey_form.error.slug": {
        "de": "Nur Kleinbuchstaben (a–z), Ziffern und Bindestriche, höchstens 64 Zeichen, ohne Bindestrich am Anfang "
        "oder Ende.",
        "en": "Only lower-case letters (a–z), digits and hyphens, at most 64 characters, no hyphen at the start or "
        "end.",
    },
    "console.survey_form.error.reserved": {
        "de": "Diese Kennung ist für die Konsole reserviert. Bitte wählen Sie eine andere.",
        "en": "This id is reserved for the console. Please choose another one.",
    },
    "console.survey_form.error.taken": {
        "de": "Eine Umfrage mit dieser Kennung gibt es schon. Bitte wählen Sie eine andere.",
        "en": "A survey with this id exists already. Please choose another one.",
    },
    "console.survey_form.error.duplicate_id": {
        "de": "Diese Kennung kommt schon einmal vor; jede Kennung darf nur einmal vorkommen.",
        "en": "This id occurs already; each id may occur once only.",
    },
    "console.survey_form.error.integer": {
        "de": "Bitte eine ganze Zahl eingeben, z. B. 5.",
        "en": "Please enter a whole number, e.g. 5.",
    },
    "console.survey_form.error.decimal": {
        "de": "Bitte eine Zahl eingeben, z. B. 20 oder 12,5.",
        "en": "Please enter a number, e.g. 20 or 12.5.",
    },
    "console.survey_form.error.moment": {
        "de": "Bitte Datum und Uhrzeit angeben, z. B. 01.12.2026 09:00.",
        "en": "Please enter a date and time, e.g. 01.12.2026 09:00.",
    },
    "console.survey_form.error.options": {
        "de": "Eine Auswahlfrage braucht mindestens zwei Antwortmöglichkeiten.",
        "en": "A choice question needs at least two choices.",
    },
    "console.survey_form.error.scroll_percent": {
        "de": "Bitte angeben, nach wie viel Prozent der Seite die Umfrage erscheint (1 bis 100).",
        "en": "Please say after how many percent of the page the survey appears (1 to 100).",
    },
    "console.survey_form.error.window": {
        "de": "Das Ende muss nach dem Beginn liegen.",
        "en": "The end must be after the start.",
    },
    "console.survey_form.error.pattern": {
        "de": "Zeile {line}: Ein Muster beginnt mit „/“ und hat höchstens 200 Zeichen.",
        "en": "Line {line}: a pattern starts with “/” and has at most 200 characters.",
    },
    "console.survey_form.error.questions.too_short": {
        "de": "Bitte legen Sie mindestens eine Frage an.",
        "en": "Please add at least one question.",
    },
    "console.survey_form.error.questions.too_long": {
        "de": "Eine Umfrage hat höchstens 20 Fragen.",
        "en": "A survey has at most 20 questions.",
    },
    "console.survey_form.error.options.too_short": {
        "de": "Eine Auswahlfrage braucht mindestens zwei Antwortmöglichkeiten.",
        "en": "A choice question needs at least two choices.",
    },
    "console.survey_form.error.options.too_long": {
        "de": "Eine Frage hat höchstens 20 Antwortmöglichkeiten.",
        "en": "A question has at most 20 choices.",
    },
    "console.survey_form.error.sites.too_short": {
        "de": "Bitte wählen Sie mindestens eine Website.",
        "en": "Please choose at least one site.",
    },
    "console.survey_form.error.sites.too_long": {"de": "Höchstens 50 Websites.", "en": "At most 50 sites."},
    "console.survey_form.error.patterns.too_short": {
        "de": "Bitte geben Sie mindestens ein Muster an.",
        "en": "Please give at least one pattern.",
    },
    "console.survey_form.error.patterns.too_long": {"de": "Höchstens 20 Muster.", "en": "At most 20 patterns."},
    "console.survey_form.error.range.sampling_percent": {
        "de": "Eine Zahl größer als 0 und höchstens 100.",
        "en": "A number above 0 and at most 100.",
    },
    "console.survey_form.error.range.delay_s": {
        "de": "Eine ganze Zahl von 0 bis 600 (Sekunden).",
        "en": "A whole number from 0 to 600 (seconds).",
    },
    "console.survey_form.error.range.scroll_percent": {
        "de": "Eine ganze Zahl von 1 bis 100.",
        "en": "A whole number from 1 to 100.",
    },
    "console.survey_form.error.range.quota": {
        "de": "Eine ganze Zahl ab 1, oder leer für keine Obergrenze.",
        "en": "A whole number from 1, or empty for no limit.",
    },
    "console.survey_form.error.range.max_chars": {
        "de": "Eine ganze Zahl von 1 bis 2000.",
        "en": "A whole number from 1 to 2000.",
    },
    "console.survey_form.error.unknown_unit": {
        "de": "Diese Organisationseinheit gibt es nicht.",
        "en": "There is no such org unit.",
    },
    "console.survey_form.error.unknown_site": {
        "de": "Eine der gewählten Websites gibt es nicht.",
        "en": "One of the chosen sites does not exist.",
    },
    "console.survey_form.error.changed_meanwhile": {
        "de": "Die Umfrage wurde inzwischen geändert (jetzt Version {version}). Ihre Eingaben sind nicht gespeichert: "
        "Bitte öffnen Sie das Formular neu und übertragen Sie Ihre Änderungen.",
        "en": "The survey was changed meanwhile (now version {version}). Your entries are not saved: please open "
        "the form again and make your changes there.",
    },
    "console.nav.inbox": {"de": "Kommentare", "en": "Comments"},
    "console.inbox.title": {"de": "Kommentare und Vorschläge", "en": "Comments and suggestions"},
    "console.inbox.views": {"de": "Ansichten", "en": "Views"},
    "console.inbox.view.inbox": {"de": "Eingang ({open} offen)", "en": "Inbox ({open} open)"},
    "console.inbox.view.suspected": {"de": "Verdacht auf Spam ({count})", "en": "Suspected spam ({count})"},
    "console.inbox.suspected_hint": {
        "de": "Diese Rückmeldungen hat das Widget als mögliche Automatisierung markiert (verstecktes Feld ausgefüllt "
        "oder zu schnell abgeschickt). Sie zählen nicht in den Kennzahlen. Freigeben legt sie in den Eingang, "
        "Bestätigen markiert sie als Spam.",
        "en": "The widget marked these responses as possible automation (hidden field filled in or sent too fast). "
        "They are not counted. Release moves them to the inbox, confirm marks them as spam.",
    },
    "console.inbox.filters": {"de": "Kommentare filtern", "en": "Filter comments"},
    "console.inbox.search": {"de": "Suche im Text", "en": "Search the text"},
    "console.inbox.search_hint": {
        "de": "Wörter werden auch in anderen Formen gefunden (Termin findet Termine). Mit Anführungszeichen sucht man "
        "eine Wortfolge, mit einem Minus schließt man ein Wort aus.",
        "en": "Words are found in other forms too. Quotes search for a phrase; a minus excludes a word.",
    },
    "console.inbox.status": {"de": "Status", "en": "Status"},
    "console.inbox.status.offen": {"de": "offen (neu und in Bearbeitung)", "en": "open (new and in progress)"},
    "console.inbox.status.neu": {"de": "neu", "en": "new"},
    "console.inbox.status.in_bearbeitung": {"de": "in Bearbeitung", "en": "in progress"},
    "console.inbox.status.erledigt": {"de": "erledigt", "en": "done"},
    "console.inbox.status.spam": {"de": "Spam", "en": "spam"},
    "console.inbox.status.alle": {"de": "alle", "en": "all"},
    "console.inbox.all": {"de": "alle", "en": "all"},
    "console.inbox.site": {"de": "Website", "en": "Website"},
    "console.inbox.prefix": {"de": "Adresse beginnt mit", "en": "Address starts with"},
    "console.inbox.category": {"de": "Kategorie", "en": "Category"},
    "console.inbox.tag": {"de": "Schlagwort", "en": "Tag"},
    "console.inbox.assignee": {"de": "Zuständig", "en": "Assigned to"},
    "console.inbox.assignee.me": {"de": "mir zugewiesen", "en": "assigned to me"},
    "console.inbox.assignee.none": {"de": "niemandem zugewiesen", "en": "unassigned"},
    "console.inbox.from": {"de": "Eingang ab (Tag)", "en": "Received from (day)"},
    "console.inbox.to": {"de": "Eingang bis (Tag)", "en": "Received until (day)"},
    "console.inbox.apply": {"de": "Filter anwenden", "en": "Apply filters"},
    "console.inbox.reset": {"de": "Filter zurücksetzen", "en": "Reset filters"},
    "console.inbox.found": {"de": "{total} Kommentare gefunden.", "en": "{total} comments found."},
    "console.inbox.page_of": {"de": "Seite {number} von {pages}.", "en": "Page {number} of {pages}."},
    "console.inbox.csv": {
        "de": "Gefilterte Kommentare als CSV herunterladen",
        "en": "Download the filtered comments as CSV",
    },
    "console.inbox.helpful_yes": {"de": "hilfreich", "en": "helpful"},
    "console.inbox.helpful_no": {"de": "nicht hilfreich", "en": "not helpful"},
    "console.inbox.assigned_to": {"de": "zuständig: {assignee}", "en": "assigned to {assignee}"},
    "console.inbox.comment": {"de": "Kommentar", "en": "Comment"},
    "console.inbox.suggestion": {"de": "Verbesserungsvorschlag", "en": "Suggestion"},
    "console.inbox.release": {"de": "Freigeben", "en": "Release"},
    "console.inbox.confirm": {"de": "Als Spam bestätigen", "en": "Confirm as spam"},
    "console.inbox.empty": {"de": "Keine Kommentare für diese Auswahl.", "en": "No comments match."},
    "console.inbox.pages": {"de": "Seiten", "en": "Pages"},
    "console.inbox.previous": {"de": "Vorherige Seite", "en": "Previous page"},
    "console.inbox.next": {"de": "Nächste Seite", "en": "Next page"},
    "console.inbox.item_title": {"de": "Kommentar bearbeiten", "en": "Work on a comment"},
    "console.inbox.back": {"de": "Zurück zu den Kommentaren", "en": "Back to the comments"},
    "console.inbox.done.status": {"de": "Der Status wurde geändert.", "en": "The status was changed."},
    "console.inbox.done.assign": {"de": "Die Zuständigkeit wurde geändert.", "en": "The assignment was changed."},
    "console.inbox.done.tags": {"de": "Die Schlagwörter wurden gespeichert.", "en": "The tags were saved."},
    "console.inbox.done.note": {"de": "Die Notiz wurde gespeichert.", "en": "The note was saved."},
    "console.inbox.done.review": {"de": "Die Prüfung wurde gespeichert.", "en": "The review was saved."},
    "console.inbox.done.move": {
        "de": "Der Kommentar wurde an die zuständige Stelle weitergegeben.",
        "en": "The comment was handed over to the responsible unit.",
    },
    "console.inbox.moved": {
        "de": "Der Kommentar wurde an die zuständige Stelle weitergegeben; er liegt jetzt in deren Eingang.",
        "en": "The comment was handed over to the responsible unit; it is now in their inbox.",
    },
    "console.inbox.handover": {"de": "An eine andere Stelle weitergeben", "en": "Hand over to another unit"},
    "console.inbox.handover_hint": {
        "de": "Der Kommentar geht als neu und ohne Zuständigkeit in den Eingang dieser Stelle; die Zahlen der Seite "
        "bleiben bei ihrer Stelle.",
        "en": "The comment goes to that unit's inbox as new and unassigned; the page's figures stay with its unit.",
    },
    "console.inbox.handover_submit": {"de": "Weitergeben", "en": "Hand over"},
    "console.inbox.handed_over": {"de": "weitergegeben", "en": "handed over"},
    "console.inbox.history.moved": {
        "de": "von {previous} an {unit} weitergegeben",
        "en": "handed over from {previous} to {unit}",
    },
    "console.inbox.error.unit": {"de": "Diese Stelle gibt es nicht.", "en": "There is no such unit."},
    "console.inbox.error.handover_spam": {
        "de": "Ein als Spam markierter Kommentar wird nicht weitergegeben.",
        "en": "A comment marked as spam is not handed over.",
    },
    "console.inbox.received": {"de": "Eingang", "en": "Received"},
    "console.inbox.rating": {"de": "Bewertung", "en": "Rating"},
    "console.inbox.helpful": {"de": "Hilfreich", "en": "Helpful"},
    "console.inbox.yes": {"de": "ja", "en": "yes"},
    "console.inbox.no": {"de": "nein", "en": "no"},
    "console.inbox.language": {"de": "Sprache", "en": "Language"},
    "console.inbox.language.de": {"de": "Deutsch", "en": "German"},
    "console.inbox.language.en": {"de": "Englisch", "en": "English"},
    "console.inbox.tags": {"de": "Schlagwörter", "en": "Tags"},
    "console.inbox.suspicion": {"de": "Verdacht auf Spam", "en": "Suspected spam"},
    "console.inbox.verdict.open": {"de": "noch nicht geprüft", "en": "not reviewed yet"},
    "console.inbox.verdict.confirmed": {"de": "als Spam bestätigt", "en": "confirmed as spam"},
    "console.inbox.verdict.released": {"de": "freigegeben", "en": "released"},
    "console.inbox.work": {"de": "Bearbeiten", "en": "Work on it"},
    "console.inbox.change_status": {"de": "Status ändern", "en": "Change the status"},
    "console.inbox.move.neu": {"de": "Zurück auf neu", "en": "Back to new"},
    "console.inbox.move.in_bearbeitung": {"de": "In Bearbeitung nehmen", "en": "Start working on it"},
    "console.inbox.move.erledigt": {"de": "Als erledigt markieren", "en": "Mark as done"},
    "console.inbox.move.spam": {"de": "Als Spam markieren", "en": "Mark as spam"},
    "console.inbox.assign": {"de": "Zuständig", "en": "Assigned to"},
    "console.inbox.assign_submit": {"de": "Zuständigkeit speichern", "en": "Save the assignment"},
    "console.inbox.tags_hint": {
        "de": "Mehrere Schlagwörter durch Kommas trennen, höchstens 10; Kleinbuchstaben, Ziffern, Leerzeichen und "
        "Bindestriche.",
        "en": "Separate tags by commas, at most 10; lower-case letters, digits, spaces and hyphens.",
    },
    "console.inbox.tags_submit": {"de": "Schlagwörter speichern", "en": "Save the tags"},
    "console.inbox.note": {"de": "Interne Notiz", "en": "Internal note"},
    "console.inbox.note_hint": {
        "de": "Nur für Mitarbeitende sichtbar, höchstens 2.000 Zeichen. E-Mail-Adressen, Telefonnummern und "
        "Kontonummern werden entfernt.",
        "en": "Visible to staff only, at most 2,000 characters. E-mail addresses, phone and account numbers are "
        "removed.",
    },
    "console.inbox.note_submit": {"de": "Notiz speichern", "en": "Save the note"},
    # Monthly reports (services/analytics/reports.py, reports_page.py).
    "permission.reports.read": {
        "de": "Berichte sehen Administration, Analyse, Öffentlichkeitsarbeit und die Mitarbeitenden einer Einheit.",
        "en": "Reports are for administrators, analysts, the PR team and a unit's staff.",
    },
    "console.reports.nav": {"de": "Berichte", "en": "Reports"},
    "console.reports.title": {"de": "Monatsberichte", "en": "Monthly reports"},
    "console.reports.intro": {
        "de": "Ein Bericht je Organisationseinheit und einer für die ganze Stadt, zum Drucken, als PDF und als CSV. "
        "Abonnierte Empfänger erhalten ihn zu Monatsbeginn per E-Mail.",
        "en": "A report per org unit and one for the whole city, to print, as PDF and as CSV. Subscribed receivers "
        "get it by e-mail at the start of each month.",
    },
    "console.reports.month": {"de": "Monat", "en": "Month"},
    "console.reports.show": {"de": "Anzeigen", "en": "Show"},
    "console.reports.whole_city": {"de": "Ganze Stadt", "en": "Whole city"},
    "console.reports.city": {"de": "{city} (ganze Stadt)", "en": "{city} (whole city)"},
    "console.reports.error.month": {
        "de": "Bitte einen Monat im Format JJJJ-MM angeben.",
        "en": "Enter a month as YYYY-MM.",
    },
    "console.reports.report_title": {"de": "Bericht {month}: {scope}", "en": "Report {month}: {scope}"},
    "console.reports.back": {"de": "Zurück zu allen Berichten", "en": "Back to all reports"},
    "console.reports.small_rule": {
        "de": "Zahlen aus weniger als fünf Rückmeldungen werden als „< 5“ gezeigt, Anteile und Mittelwerte daraus "
        "gar nicht.",
        "en": "Figures from fewer than five responses show as “< 5”, shares and means of them not at all.",
    },
    "console.reports.pdf": {"de": "Als PDF herunterladen", "en": "Download as PDF"},
    "console.reports.csv": {"de": "Als CSV herunterladen", "en": "Download as CSV"},
    "console.reports.key_figures": {"de": "Kennzahlen", "en": "Key figures"},
    "console.reports.key_caption": {
        "de": "{month} im Vergleich zum Vormonat",
        "en": "{month} compared with the month before",
    },
    "console.reports.figure": {"de": "Kennzahl", "en": "Figure"},
    "console.reports.change": {"de": "Veränderung zum Vormonat", "en": "Change on the month before"},
    "console.reports.responses": {"de": "Rückmeldungen", "en": "Responses"},
    "console.reports.helpful": {"de": "Anteil „hilfreich“", "en": "Share “helpful”"},
    "console.reports.rating": {"de": "Mittlere Bewertung (1–5 Sterne)", "en": "Mean rating (1–5 stars)"},
    "console.reports.dissatisfied": {
        "de": "Seiten mit der meisten Unzufriedenheit",
        "en": "Pages with the most dissatisfaction",
    },
    "console.reports.dissatisfied_caption": {
        "de": "Die meisten Antworten „nicht hilfreich“",
        "en": "The most “not helpful” answers",
    },
    "console.reports.pages": {"de": "Alle Seiten", "en": "All pages"},
    "console.reports.pages_caption": {
        "de": "Seiten mit Rückmeldungen im Monat",
        "en": "Pages with responses in the month",
    },
    "console.reports.contact_rate_hint": {
        "de": "Kontaktquote: Rückmeldungen je 1.000 Seitenaufrufe (nur wo Seitenaufrufe importiert sind).",
        "en": "Contact rate: responses per 1,000 page views (only where page views were imported).",
    },
    "console.reports.col.page": {"de": "Seite", "en": "Page"},
    "console.reports.col.url": {"de": "Adresse", "en": "URL"},
    "console.reports.col.responses": {"de": "Rückmeldungen", "en": "Responses"},
    "console.reports.col.helpful": {"de": "Anteil hilfreich", "en": "Share helpful"},
    "console.reports.col.rating": {"de": "Mittlere Bewertung", "en": "Mean rating"},
    "console.reports.col.views": {"de": "Seitenaufrufe", "en": "Page views"},
    "console.reports.col.contact_rate": {"de": "Kontaktquote", "en": "Contact rate"},
    "console.reports.col.not_helpful": {"de": "„Nicht hilfreich“", "en": "“Not helpful”"},
    "console.reports.col.survey": {"de": "Umfrage", "en": "Survey"},
    "console.reports.col.answered": {"de": "Beantwortet", "en": "Answered"},
    "console.reports.col.dismissed": {"de": "Weggeklickt", "en": "Dismissed"},
    "console.reports.services": {"de": "Verwaltungsleistungen", "en": "Administrative services"},
    "console.reports.services_caption": {
        "de": "Leistungen im Monat: alle ihre Seiten zusammen, auf welcher Website sie auch stehen",
        "en": "Services in the month: all their pages together, whichever site they are on",
    },
    "console.reports.col.service": {"de": "Leistung", "en": "Service"},
    "console.reports.col.service_key": {"de": "Leistungsschlüssel", "en": "Service key"},
    "console.reports.col.sites": {"de": "Websites", "en": "Sites"},
    "console.reports.themes": {"de": "Themen der Kommentare", "en": "Themes of the comments"},
    "console.reports.theme_comments": {"de": "{n} Kommentare", "en": "{n} comments"},
    "console.reports.surveys": {"de": "Umfragen", "en": "Surveys"},
    "console.reports.surveys_caption": {"de": "Antworten im Monat", "en": "Answers in the month"},
    "console.reports.open": {"de": "Offene Kommentare", "en": "Open comments"},
    "console.reports.open_items": {
        "de": "Neu: {new}, in Bearbeitung: {working} (Stand heute).",
        "en": "New: {new}, in progress: {working} (as of today).",
    },
    "console.reports.none": {"de": "Keine in diesem Monat.", "en": "None this month."},
    # Administration (services/analytics/admin.py): staff accounts, API tokens, the audit log, setting a password.
    "permission.accounts.manage": {
        "de": "Konten und API-Schlüssel verwalten nur Administratorinnen und Administratoren.",
        "en": "Only administrators manage accounts and API tokens.",
    },
    "permission.audit.read": {
        "de": "Das Protokoll sehen nur Administratorinnen und Administratoren.",
        "en": "Only administrators see the audit log.",
    },
    # The organisation model: its rules (shared.orgmodel, for the YAML file and the console) and its console pages.
    "org.error.id": {
        "de": "Nur Kleinbuchstaben, Ziffern und Bindestriche (höchstens 64 Zeichen, am Anfang kein Bindestrich).",
        "en": "Only lower-case letters, digits and hyphens (at most 64 characters, not starting with a hyphen).",
    },
    "org.error.path": {"de": "Ein Pfad beginnt mit „/“.", "en": "A path starts with '/'."},
    "org.error.origin": {
        "de": "„{value}“ ist keine Herkunft: nur http(s), Rechnername und gegebenenfalls Port, ohne Pfad "
        "(z. B. https://www.musterstadt.de).",
        "en": "'{value}' is not an origin: only http(s), host name and port if any, no path "
        "(e.g. https://www.musterstadt.de).",
    },
    "org.error.missing": {"de": "Bitte ausfüllen.", "en": "This field is required."},
    "org.error.too_long": {"de": "Höchstens {max} Zeichen.", "en": "At most {max} characters."},
    "org.error.no_origin": {
        "de": "Bitte mindestens eine Herkunft angeben.",
        "en": "Please give at least one origin.",
    },
    "org.error.no_unit": {
        "de": "Es muss mindestens eine Organisationseinheit geben.",
        "en": "There must be at least one org unit.",
    },
    "org.error.kind": {
        "de": "Bitte eine Art wählen: Fachbereich, Eigenbetrieb oder Stadt.",
        "en": "Please choose a kind: department, eigenbetrieb or city.",
    },
    "org.error.unknown_field": {"de": "Unbekanntes Feld „{name}“.", "en": "Unknown field '{name}'."},
    "org.error.invalid": {"de": "Dieser Wert ist ungültig.", "en": "This value is not valid."},
    "org.error.duplicate_unit": {
        "de": "Die Kennung „{id}“ hat schon eine andere Organisationseinheit.",
        "en": "Another org unit has the id '{id}' already.",
    },
    "org.error.duplicate_site": {
        "de": "Die Kennung „{id}“ hat schon eine andere Website.",
        "en": "Another site has the id '{id}' already.",
    },
    "org.error.unknown_unit": {
        "de": "Eine Organisationseinheit „{id}“ gibt es nicht.",
        "en": "There is no org unit '{id}'.",
    },
    "org.error.unknown_site": {"de": "Eine Website „{id}“ gibt es nicht.", "en": "There is no site '{id}'."},
    "org.error.parent_cycle": {
        "de": "„{id}“ gehört selbst (mittelbar) zu dieser Einheit; eine Einheit kann nicht zu sich selbst gehören.",
        "en": "'{id}' itself belongs (indirectly) to this unit; a unit cannot belong to itself.",
    },
    "org.error.duplicate_origin": {
        "de": "Die Herkunft {value} steht zweimal da.",
        "en": "The origin {value} is given twice.",
    },
    "org.error.duplicate_section": {
        "de": "Für den Pfad {value} gibt es schon einen Abschnitt.",
        "en": "There is a section for the path {value} already.",
    },
    "org.error.page_origin": {
        "de": "Die Seite liegt nicht unter einer Herkunft ihrer Website ({value}).",
        "en": "The page is not on one of its site's origins ({value}).",
    },
    "org.error.origin_in_use": {
        "de": "Unter {value} sind Seiten eingetragen; diese Herkunft muss bleiben.",
        "en": "Pages are registered under {value}; this origin has to stay.",
    },
    "org.error.duplicate_page": {
        "de": "Die Seite {value} ist schon eingetragen.",
        "en": "The page {value} is registered already.",
    },
    "org.error.service_key": {
        "de": "Ein Leistungsschlüssel hat 14 Ziffern (LeiKa) oder lautet „stadt:“ und eine eigene Kennung aus "
        "Kleinbuchstaben, Ziffern und Bindestrichen (z. B. stadt:parkausweis).",
        "en": "A service key has 14 digits (LeiKa) or is 'stadt:' and an own id of lower-case letters, digits and "
        "hyphens (e.g. stadt:parkausweis).",
    },
    "org.error.sdg_kind": {
        "de": "Bitte eine SDG-Art wählen: Information, Verfahren oder Hilfe.",
        "en": "Please choose an SDG kind: information, procedure or assistance.",
    },
    "org.error.sdg_procedure": {
        "de": "Die Kennung des Verfahrens (Anhang II) besteht aus Buchstaben, Ziffern, Punkten, Doppelpunkten und "
        "Bindestrichen (höchstens 64 Zeichen).",
        "en": "The procedure's id (Annex II) consists of letters, digits, dots, colons and hyphens (at most 64 "
        "characters).",
    },
    "org.error.sdg_procedure_missing": {
        "de": "Für ein Verfahren bitte das Verfahren aus Anhang II der SDG-Verordnung angeben.",
        "en": "For a procedure, please name the procedure of Annex II of the SDG Regulation.",
    },
    "org.error.url": {
        "de": "Bitte die vollständige Adresse der Seite angeben, beginnend mit https:// oder http://.",
        "en": "Please give the page's full address, starting with https:// or http://.",
    },
    "console.org.nav": {"de": "Organisation", "en": "Organisation"},
    "console.audit.action.org_unit_saved": {"de": "Organisationseinheit gespeichert", "en": "Org unit saved"},
    "console.audit.action.org_site_saved": {"de": "Website gespeichert", "en": "Site saved"},
    "console.audit.action.org_page_saved": {"de": "Seite gespeichert", "en": "Page saved"},
    "console.audit.action.org_exported": {"de": "Organisation exportiert", "en": "Organisation exported"},
    "console.org.title": {"de": "Organisation, Websites und Seiten", "en": "Organisation, sites and pages"},
    "console.org.intro": {
        "de": "Hier legen Sie fest, welche Organisationseinheiten es gibt, von welchen Websites (Herkünften) "
        "Feedback angenommen wird, welche Einheit für welchen Bereich einer Website zuständig ist und welche "
        "Seiten einen Titel haben. Eine neue Website nimmt nach wenigen Sekunden Feedback an. Gelöscht wird "
        "nichts: frühere Rückmeldungen verweisen weiter darauf.",
        "en": "Here you set which org units there are, from which sites (origins) feedback is accepted, which unit "
        "is responsible for which part of a site and which pages have a title. A new site takes feedback after a "
        "few seconds. Nothing is deleted: earlier feedback keeps referring to it.",
    },
    "console.org.done.saved": {"de": "„{what}“ ist gespeichert.", "en": "'{what}' is saved."},
    "console.org.done.unchanged": {
        "de": "„{what}“ war schon so gespeichert; nichts geändert.",
        "en": "'{what}' was saved like this already; nothing changed.",
    },
    "console.org.export": {
        "de": "Als YAML-Datei herunterladen (für „stadtstimme org apply“)",
        "en": "Download as a YAML file (for 'stadtstimme org apply')",
    },
    "console.org.back": {"de": "Zurück zur Übersicht", "en": "Back to the overview"},
    "console.org.save": {"de": "Speichern", "en": "Save"},
    "console.org.none": {"de": "keine (oberste Ebene)", "en": "none (top level)"},
    "console.org.choose": {"de": "Bitte wählen", "en": "Please choose"},
    "console.org.units.title": {"de": "Organisationseinheiten", "en": "Org units"},
    "console.org.units.caption": {"de": "{count} Organisationseinheiten", "en": "{count} org units"},
    "console.org.units.new": {"de": "Neue Organisationseinheit", "en": "New org unit"},
    "console.org.units.edit": {"de": "Organisationseinheit „{name}“", "en": "Org unit '{name}'"},
    "console.org.sites.title": {"de": "Websites", "en": "Sites"},
    "console.org.sites.caption": {"de": "{count} Websites", "en": "{count} sites"},
    "console.org.sites.new": {"de": "Neue Website", "en": "New site"},
    "console.org.sites.edit": {"de": "Website „{name}“", "en": "Site '{name}'"},
    "console.org.sections.title": {"de": "Abschnitte anderer Einheiten", "en": "Sections of other units"},
    "console.org.sections.more": {"de": "Weitere Abschnitte", "en": "More sections"},
    "console.org.pages.title": {"de": "Seiten", "en": "Pages"},
    "console.org.pages.caption": {"de": "{count} Seiten mit Titel", "en": "{count} pages with a title"},
    "console.org.pages.new": {"de": "Neue Seite", "en": "New page"},
    "console.org.pages.new_on_site": {"de": "Neue Seite dieser Website", "en": "New page of this site"},
    "console.org.pages.edit": {"de": "Seite bearbeiten", "en": "Edit page"},
    "console.org.field.name": {"de": "Name", "en": "Name"},
    "console.org.field.unit_id": {"de": "Kennung", "en": "Id"},
    "console.org.field.site_id": {"de": "Website", "en": "Site"},
    "console.org.field.kind": {"de": "Art", "en": "Kind"},
    "console.org.field.parent": {"de": "Gehört zu", "en": "Belongs to"},
    "console.org.field.org_unit": {"de": "Zuständige Einheit", "en": "Responsible unit"},
    "console.org.field.origins": {"de": "Herkünfte", "en": "Origins"},
    "console.org.field.url": {"de": "Adresse der Seite", "en": "Page address"},
    "console.org.field.title": {"de": "Titel", "en": "Title"},
    "console.org.field.path_prefix": {"de": "Abschnitt {n}: Pfad", "en": "Section {n}: path"},
    "console.org.field.section_unit": {
        "de": "Abschnitt {n}: zuständige Einheit",
        "en": "Section {n}: responsible unit",
    },
    "console.org.kind.department": {"de": "Fachbereich", "en": "Department"},
    "console.org.kind.eigenbetrieb": {"de": "Eigenbetrieb", "en": "Eigenbetrieb"},
    "console.org.kind.city": {"de": "Stadt", "en": "City"},
    "console.org.hint.id": {
        "de": "Kurz und dauerhaft, z. B. „buergeramt“: Kleinbuchstaben, Ziffern, Bindestriche. Sie lässt sich "
        "später nicht ändern.",
        "en": "Short and lasting, e.g. 'buergeramt': lower-case letters, digits, hyphens. It cannot be changed later.",
    },
    "console.org.hint.site_id": {
        "de": "Kurz und dauerhaft, z. B. „abfall“: steht im Einbettungscode des Widgets (data-site) und lässt sich "
        "später nicht ändern.",
        "en": "Short and lasting, e.g. 'abfall': it is in the widget's embed code (data-site) and cannot be changed "
        "later.",
    },
    "console.org.hint.id_fixed": {"de": "Die Kennung bleibt, wie sie ist.", "en": "The id stays as it is."},
    "console.org.hint.origins": {
        "de": "Eine Herkunft je Zeile, z. B. https://www.musterstadt.de; nur von diesen Adressen nimmt die Website "
        "Feedback an. Die erste ist die Hauptadresse.",
        "en": "One origin per line, e.g. https://www.musterstadt.de; the site takes feedback from these addresses "
        "only. The first is its main address.",
    },
    "console.org.hint.sections": {
        "de": "Bereiche der Website, für die eine andere Einheit zuständig ist (z. B. /buergeramt). Der längste "
        "passende Pfad gilt. Leere Zeilen zählen nicht; eine geleerte Zeile entfernt den Abschnitt.",
        "en": "Parts of the site another unit is responsible for (e.g. /buergeramt). The longest matching path "
        "wins. Empty rows do not count; a row emptied removes the section.",
    },
    "console.org.hint.url": {
        "de": "Die vollständige Adresse, z. B. https://www.musterstadt.de/buergeramt/termine, unter einer Herkunft "
        "der gewählten Website.",
        "en": "The full address, e.g. https://www.musterstadt.de/buergeramt/termine, on an origin of the chosen site.",
    },
    "console.org.hint.url_fixed": {"de": "Die Adresse bleibt, wie sie ist.", "en": "The address stays as it is."},
    "console.org.service.legend": {
        "de": "Verwaltungsleistung und Single Digital Gateway",
        "en": "Administrative service and Single Digital Gateway",
    },
    "console.org.field.service_key": {
        "de": "Leistungsschlüssel (LeiKa) oder eigene Kennung",
        "en": "Service key (LeiKa) or own id",
    },
    "console.org.field.sdg_kind": {"de": "Rolle im SDG", "en": "Role in the SDG"},
    "console.org.field.sdg_procedure": {"de": "Verfahren nach Anhang II", "en": "Procedure of Annex II"},
    "console.org.section_field.service_key": {
        "de": "Abschnitt {n}: Leistungsschlüssel",
        "en": "Section {n}: service key",
    },
    "console.org.section_field.sdg_kind": {"de": "Abschnitt {n}: Rolle im SDG", "en": "Section {n}: role in the SDG"},
    "console.org.section_field.sdg_procedure": {
        "de": "Abschnitt {n}: Verfahren nach Anhang II",
        "en": "Section {n}: procedure of Annex II",
    },
    "console.org.sdg.none": {"de": "nicht SDG-relevant", "en": "not relevant for the SDG"},
    "console.org.sdg.information": {"de": "Information (Anhang I)", "en": "Information (Annex I)"},
    "console.org.sdg.procedure": {"de": "Verfahren (Anhang II)", "en": "Procedure (Annex II)"},
    "console.org.sdg.assistance": {
        "de": "Hilfe- und Problemlösungsdienst (Anhang III)",
        "en": "Assistance and problem-solving service (Annex III)",
    },
    "console.org.hint.service_key": {
        "de": "14 Ziffern aus dem Leistungskatalog (LeiKa) oder „stadt:“ und eine eigene Kennung, z. B. "
        "stadt:bewohnerparkausweis. Seiten mit demselben Schlüssel zählen als eine Leistung, auch auf "
        "verschiedenen Websites.",
        "en": "14 digits from the service catalogue (LeiKa) or 'stadt:' and an own id, e.g. "
        "stadt:bewohnerparkausweis. Pages with the same key count as one service, even on different sites.",
    },
    "console.org.hint.sdg_procedure": {
        "de": "Nur für Verfahren: die Kennung des Verfahrens aus Anhang II der SDG-Verordnung.",
        "en": "Only for procedures: the id of the procedure of Annex II of the SDG Regulation.",
    },
    "console.org.hint.page_service": {
        "de": "Leer gelassen gelten die Angaben des Abschnitts, zu dem die Seite gehört. Sobald hier etwas steht, "
        "gelten nur die Angaben dieser Seite.",
        "en": "Left empty, the values of the section the page belongs to apply. Once anything is filled in here, "
        "only this page's values apply.",
    },
    "console.org.hint.section_services": {
        "de": "Ein Abschnitt kann auch eine Verwaltungsleistung tragen: Sie gilt für seine Seiten ohne eigene "
        "Angaben (als Einheit die der Website wählen, wenn keine andere zuständig ist).",
        "en": "A section can also carry an administrative service: it applies to its pages without values of their "
        "own (choose the site's unit if no other one is responsible).",
    },
    "console.services.nav": {"de": "Leistungen", "en": "Services"},
    "console.services.title": {"de": "Rückmeldungen je Verwaltungsleistung", "en": "Feedback per service"},
    "console.services.intro": {
        "de": "Alle Seiten mit demselben Leistungsschlüssel zählen als eine Leistung, auf welcher Website sie auch "
        "stehen. Sie sehen die Seiten Ihrer Einheiten.",
        "en": "All pages with the same service key count as one service, whichever site they are on. You see the "
        "pages of your units.",
    },
    "console.services.caption": {
        "de": "Verwaltungsleistungen, die meisten Rückmeldungen zuerst",
        "en": "Administrative services, most responses first",
    },
    "console.services.service": {"de": "Leistung", "en": "Service"},
    "console.services.pages": {"de": "Seiten", "en": "Pages"},
    "console.services.pages_on_sites": {"de": "{pages} auf {sites}", "en": "{pages} on {sites}"},
    "console.services.empty": {
        "de": "Im Zeitraum keine Rückmeldungen zu Seiten mit Leistungsschlüssel.",
        "en": "No feedback on pages with a service key in this period.",
    },
    "console.services.quiet": {
        "de": "Leistungen ohne Rückmeldungen im Zeitraum",
        "en": "Services without feedback in this period",
    },
    "console.services.back": {"de": "Zurück zu den Leistungen", "en": "Back to the services"},
    "console.services.key": {"de": "Leistungsschlüssel {service}", "en": "Service key {service}"},
    "console.services.unit": {"de": "Einheit", "en": "Unit"},
    "console.services.page_caption": {
        "de": "Seiten dieser Leistung im Zeitraum, die meisten Rückmeldungen zuerst",
        "en": "Pages of this service in the period, most responses first",
    },
    "console.org.pages.service": {
        "de": "Leistung und SDG (eigene oder vom Abschnitt)",
        "en": "Service and SDG (own or from the section)",
    },
    "console.org.error.changed_meanwhile": {
        "de": "Jemand anderes hat das inzwischen geändert. Bitte laden Sie die Seite neu und prüfen Sie die Angaben.",
        "en": "Someone else changed this in the meantime. Please reload the page and check the values.",
    },
    "console.org.error.unavailable": {
        "de": "Gerade nicht gespeichert: der Ereignisdienst antwortet nicht. Bitte versuchen Sie es gleich noch "
        "einmal.",
        "en": "Not saved just now: the event service does not answer. Please try again in a moment.",
    },
    "console.accounts.nav": {"de": "Konten", "en": "Accounts"},
    "console.accounts.title": {"de": "Konten der Mitarbeitenden", "en": "Staff accounts"},
    "console.accounts.caption": {"de": "{count} Konten", "en": "{count} accounts"},
    "console.accounts.username": {"de": "Benutzername", "en": "Username"},
    "console.accounts.display_name": {"de": "Name", "en": "Name"},
    "console.accounts.email": {"de": "Dienstliche E-Mail-Adresse", "en": "Work e-mail address"},
    "console.accounts.no_email": {"de": "keine hinterlegt", "en": "none on record"},
    "console.accounts.role": {"de": "Rolle", "en": "Role"},
    "console.accounts.units": {"de": "Organisationseinheiten", "en": "Org units"},
    "console.accounts.units_legend": {
        "de": "Organisationseinheiten (nur für Mitarbeitende einer Einheit)",
        "en": "Org units (unit staff only)",
    },
    "console.accounts.all_units": {"de": "alle", "en": "all"},
    "console.accounts.kind": {"de": "Anmeldung", "en": "Sign-in"},
    "console.accounts.state": {"de": "Zustand", "en": "State"},
    "console.accounts.enabled": {"de": "aktiv", "en": "enabled"},
    "console.accounts.disabled": {"de": "gesperrt", "en": "disabled"},
    "console.accounts.created": {"de": "Angelegt", "en": "Created"},
    "console.accounts.link": {"de": "Offener Link", "en": "Open link"},
    "console.accounts.link_invite": {"de": "Einladung, gültig bis {until}", "en": "Invitation, valid until {until}"},
    "console.accounts.link_reset": {
        "de": "Passwort zurücksetzen, gültig bis {until}",
        "en": "Password reset, valid until {until}",
    },
    "console.accounts.back": {"de": "Zurück zu allen Konten", "en": "Back to all accounts"},
    "console.accounts.roles.administrator": {"de": "Administration", "en": "Administrator"},
    "console.accounts.roles.analyst": {"de": "Analyse (alle Einheiten lesen)", "en": "Analyst (reads all units)"},
    "console.accounts.roles.unit_staff": {"de": "Mitarbeitende einer Einheit", "en": "Unit staff"},
    "console.accounts.roles.organiser": {
        "de": "Organisation Hackathon (Digital Innovation Hub)",
        "en": "Hackathon organiser (Digital Innovation Hub)",
    },
    "console.accounts.roles.pr_team": {
        "de": "Öffentlichkeitsarbeit (nur lesen)",
        "en": "PR team (read-only)",
    },
    "console.accounts.roles.accessibility_officer": {
        "de": "Barrierefreiheit (Beauftragte und Team)",
        "en": "Accessibility officer and team",
    },
    # Barrier reports (issue 19): the citizen's contact address, the officer's console pages, the answer's mail.
    "problem.contact_email": {
        "de": "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.",
        "en": "Please enter a valid e-mail address, for example name@example.org.",
    },
    "problem.contact_consent": {
        "de": "Ihre E-Mail-Adresse speichern wir nur mit Ihrer Einwilligung. Bitte setzen Sie das Häkchen oder lassen "
        "Sie das Feld für die E-Mail-Adresse leer.",
        "en": "We store your e-mail address only with your consent. Please tick the box or leave the e-mail address "
        "empty.",
    },
    "problem.contact_not_barrier": {
        "de": "Eine E-Mail-Adresse für eine Antwort ist nur bei einer beschriebenen Barriere möglich (Kategorie "
        "„Barriere melden“ mit Beschreibung).",
        "en": "An e-mail address for an answer can only be given with a described barrier (category 'Report an "
        "accessibility barrier' with a description).",
    },
    "permission.barriers.answer": {
        "de": "Dafür fehlt Ihnen die Berechtigung. Barrieremeldungen mit Kontaktadressen sieht und beantwortet nur das "
        "Team der oder des Beauftragten für Barrierefreiheit.",
        "en": "You are not allowed to do that. Only the accessibility officer's team sees and answers barrier "
        "reports with contact addresses.",
    },
    "barriers.console.nav": {"de": "Barrieren", "en": "Barriers"},
    "barriers.console.title": {"de": "Gemeldete Barrieren", "en": "Reported barriers"},
    "barriers.console.intro": {
        "de": "Meldungen über Barrieren auf den Seiten der Stadt. Jede Meldung soll innerhalb von {days} Tagen "
        "beantwortet sein; überfällige stehen oben.",
        "en": "Reports of barriers on the city's pages. Each should be answered within {days} days; overdue ones "
        "come first.",
    },
    "barriers.console.caption": {"de": "Barrieremeldungen, überfällige zuerst", "en": "Barrier reports, overdue first"},
    "barriers.console.report": {"de": "Meldung", "en": "Report"},
    "barriers.console.received": {"de": "Eingegangen", "en": "Received"},
    "barriers.console.age": {"de": "vor {days} Tagen", "en": "{days} days ago"},
    "barriers.console.deadline": {"de": "Antwort fällig bis", "en": "Answer due by"},
    "barriers.console.state": {"de": "Stand", "en": "State"},
    "barriers.console.answered": {"de": "beantwortet am {at}", "en": "answered on {at}"},
    "barriers.console.overdue": {"de": "überfällig seit {days} Tagen", "en": "overdue for {days} days"},
    "barriers.console.open": {"de": "offen, noch {days} Tage", "en": "open, {days} days left"},
    "barriers.console.no_contact": {
        "de": "keine Kontaktadresse angegeben",
        "en": "no contact address given",
    },
    "barriers.console.empty": {"de": "Keine Barrieremeldungen.", "en": "No barrier reports."},
    "barriers.console.erased": {"de": "(Text gelöscht)", "en": "(text erased)"},
    "barriers.console.report_title": {"de": "Barrieremeldung", "en": "Barrier report"},
    "barriers.console.back": {"de": "Zurück zu allen Barrieremeldungen", "en": "Back to all barrier reports"},
    "barriers.console.contact": {"de": "Kontaktadresse", "en": "Contact address"},
    "barriers.console.description": {"de": "Beschreibung der Barriere", "en": "Description of the barrier"},
    "barriers.console.answers": {"de": "Gesendete Antworten", "en": "Answers sent"},
    "barriers.console.answer_by": {"de": "{at}, von {actor}", "en": "{at}, by {actor}"},
    "barriers.console.reply": {"de": "Antworten", "en": "Reply"},
    "barriers.console.answer": {"de": "Ihre Antwort", "en": "Your answer"},
    "barriers.console.answer_hint": {
        "de": "Die Antwort geht per E-Mail an die angegebene Adresse (höchstens {max} Zeichen).",
        "en": "The answer is mailed to the address given (at most {max} characters).",
    },
    "barriers.console.send": {"de": "Antwort senden", "en": "Send answer"},
    "barriers.console.sent": {
        "de": "Die Antwort ist gespeichert und wird per E-Mail versandt.",
        "en": "The answer is saved and will be mailed.",
    },
    "barriers.console.closed_notice": {
        "de": "Die Meldung ist abgeschlossen. Sie ist nicht mehr offen, und es kommt keine Erinnerung mehr.",
        "en": "The report is closed. It is no longer open, and no reminder will come.",
    },
    "barriers.console.closed": {"de": "abgeschlossen am {at}: {reason}", "en": "closed on {at}: {reason}"},
    "barriers.console.close_title": {"de": "Ohne Antwort abschließen", "en": "Close without an answer"},
    "barriers.console.close_hint": {
        "de": "Wenn Sie nicht per E-Mail antworten können oder müssen: Die Meldung gilt dann als erledigt und wird "
        "nicht mehr überfällig. Die Person, die sie gemeldet hat, erfährt davon nichts.",
        "en": "When you cannot or need not answer by e-mail: the report then counts as dealt with and no longer "
        "becomes overdue. The person who reported it is not told.",
    },
    "barriers.console.close_reason": {"de": "Grund", "en": "Reason"},
    "barriers.console.close": {"de": "Meldung abschließen", "en": "Close the report"},
    "barriers.close.reason.fixed": {"de": "Barriere behoben", "en": "barrier removed"},
    "barriers.close.reason.no_action": {"de": "kein Handlungsbedarf", "en": "nothing to do"},
    "barriers.close.reason.unreachable": {
        "de": "keine Antwort möglich (keine Kontaktadresse)",
        "en": "no answer possible (no contact address)",
    },
    "barriers.error.close_reason": {"de": "Bitte wählen Sie einen Grund.", "en": "Please choose a reason."},
    "barriers.error.answer_empty": {"de": "Bitte schreiben Sie eine Antwort.", "en": "Please write an answer."},
    "barriers.error.answer_long": {"de": "Die Antwort ist zu lang.", "en": "The answer is too long."},
    "barriers.error.no_contact": {
        "de": "Diese Meldung hat keine Kontaktadresse (mehr): Es wurde keine angegeben, oder sie wurde mit der Meldung "
        "gelöscht.",
        "en": "This report has no contact address (any more): none was given, or it was erased with the report.",
    },
    "barriers.mail.subject": {
        "de": "Antwort auf Ihre Meldung einer Barriere",
        "en": "Answer to your accessibility barrier report",
    },
    "barriers.mail.body": {
        "de": "Guten Tag,\n\nvielen Dank für Ihre Meldung einer Barriere auf der Seite\n{page}\n\nUnsere Antwort:\n\n"
        "{answer}\n\nIhre E-Mail-Adresse haben wir nur für diese Antwort gespeichert. Sie wird mit Ihrer Meldung "
        "gelöscht, spätestens nach {days} Tagen; mit dem Löschcode Ihrer Meldung können Sie beides sofort löschen "
        "lassen.\n\nMit freundlichen Grüßen\nIhr Team Barrierefreiheit",
        "en": "Hello,\n\nthank you for reporting an accessibility barrier on the page\n{page}\n\nOur answer:\n\n"
        "{answer}\n\nWe stored your e-mail address only for this answer. It is erased with your report, after {days} "
        "days at the latest; with your report's deletion code you can have both erased at once.\n\nKind regards\n"
        "The accessibility team",
    },
    "notifier.subject.barrier.deadline": {
        "de": "Erinnerung: Barrieremeldung bis {deadline} beantworten ({unit})",
        "en": "Reminder: answer the barrier report by {deadline} ({unit})",
    },
    "notifier.summary.barrier.deadline": {
        "de": "Eine Barrieremeldung zu einer Seite von {unit} ist noch nicht beantwortet; die Frist endet am "
        "{deadline}.",
        "en": "A barrier report on a page of {unit} is not answered yet; its deadline is {deadline}.",
    },
    "notifier.subject.barrier.mail_failed": {
        "de": "Antwort auf Barrieremeldung nicht zugestellt ({unit})",
        "en": "Answer to a barrier report not delivered ({unit})",
    },
    "notifier.summary.barrier.mail_failed": {
        "de": "Ihre Antwort auf eine Barrieremeldung zu einer Seite von {unit} konnte nicht per E-Mail zugestellt "
        "werden: Der Mailserver hat die angegebene Adresse abgewiesen oder die Mail nach allen Versuchen nicht "
        "angenommen. Die meldende Person hat die Antwort nicht erhalten.",
        "en": "Your answer to a barrier report on a page of {unit} could not be delivered by e-mail: the mail server "
        "refused the address given or did not take the mail after every attempt. The reporter has not received "
        "the answer.",
    },
    "console.audit.action.barrier_answered": {"de": "Barrieremeldung beantwortet", "en": "Barrier report answered"},
    "console.audit.action.barrier_closed": {
        "de": "Barrieremeldung ohne Antwort abgeschlossen",
        "en": "Barrier report closed without an answer",
    },
    "console.audit.action.barrier_contact_viewed": {
        "de": "Kontaktadresse einer Barrieremeldung angesehen",
        "en": "Barrier report's contact address viewed",
    },
    "console.accounts.kinds.local": {"de": "Passwort", "en": "Password"},
    "console.accounts.kinds.invited": {
        "de": "Eingeladen, Passwort noch nicht gesetzt",
        "en": "Invited, no password set yet",
    },
    "console.accounts.kinds.oidc": {
        "de": "Städtische Anmeldung (OpenID Connect)",
        "en": "City sign-in (OpenID Connect)",
    },
    "console.accounts.kinds.oidc_unbound": {
        "de": "Städtische Anmeldung (OpenID Connect), noch nie angemeldet",
        "en": "City sign-in (OpenID Connect), never signed in yet",
    },
    "console.accounts.invite.title": {"de": "Kollegin oder Kollegen einladen", "en": "Invite a colleague"},
    "console.accounts.invite.username_hint": {
        "de": "Kleinbuchstaben, Ziffern, Punkt, Bindestrich; bei städtischer Anmeldung der Name dort.",
        "en": "Lower-case letters, digits, dot, hyphen; for the city sign-in, the name used there.",
    },
    "console.accounts.invite.local": {
        "de": "Mit Passwort: Die Person erhält einen Link per E-Mail und setzt ihr Passwort selbst.",
        "en": "With a password: the person gets a link by e-mail and sets their password.",
    },
    "console.accounts.invite.oidc": {
        "de": "Über die städtische Anmeldung (OpenID Connect): kein Passwort hier.",
        "en": "Through the city sign-in (OpenID Connect): no password here.",
    },
    "console.accounts.invite.submit": {"de": "Einladen", "en": "Invite"},
    "console.accounts.invite.no_mail": {
        "de": "Es ist kein Mailserver eingerichtet (STADTSTIMME_SMTP_HOST): Einladungen können nicht versandt werden.",
        "en": "No mail server is configured (STADTSTIMME_SMTP_HOST): invitations cannot be sent.",
    },
    "console.accounts.one.title": {"de": "Konto {name}", "en": "Account {name}"},
    "console.accounts.one.role_title": {"de": "Rolle und Einheiten", "en": "Role and units"},
    "console.accounts.one.role_fixed": {
        "de": "Rolle und Einheiten kommen bei jeder Anmeldung vom städtischen Identitätsanbieter und werden dort "
        "geändert.",
        "en": "Role and units come from the city's identity provider at every sign-in and are changed there.",
    },
    "console.accounts.one.itself": {
        "de": "Das eigene Konto kann man nicht ändern oder sperren: Bitten Sie eine andere Administratorin darum.",
        "en": "You cannot change or disable your own account: ask another administrator.",
    },
    "console.accounts.one.save": {"de": "Rolle speichern", "en": "Save role"},
    "console.accounts.one.access_title": {"de": "Zugang", "en": "Access"},
    "console.accounts.one.disable": {"de": "Konto sperren", "en": "Disable account"},
    "console.accounts.one.enable": {"de": "Konto wieder freigeben", "en": "Enable account"},
    "console.accounts.one.reset_title": {"de": "Passwort", "en": "Password"},
    "console.accounts.one.reset_intro_local": {
        "de": "Ein Link zum Setzen eines neuen Passworts geht an die E-Mail-Adresse; das alte gilt, bis ein neues "
        "gesetzt ist. Danach enden alle Sitzungen des Kontos.",
        "en": "A link to set a new password goes to the e-mail address; the old one stands until a new one is set. "
        "Then all of the account's sessions end.",
    },
    "console.accounts.one.reset_intro_invited": {
        "de": "Die Einladung noch einmal senden (der alte Link gilt dann nicht mehr).",
        "en": "Send the invitation again (the old link stops working).",
    },
    "console.accounts.one.email_hint": {
        "de": "Leer lassen, um die hinterlegte Adresse zu nutzen.",
        "en": "Leave empty to use the address on record.",
    },
    "console.accounts.one.reset_local": {"de": "Link zum Zurücksetzen senden", "en": "Send reset link"},
    "console.accounts.one.reset_invited": {"de": "Einladung erneut senden", "en": "Send invitation again"},
    "console.accounts.done.invited": {
        "de": "Das Konto ist angelegt; die Einladung ist unterwegs.",
        "en": "The account was created; the invitation is on its way.",
    },
    "console.accounts.done.invited_unsent": {
        "de": "Das Konto ist angelegt, aber die Einladung konnte nicht versandt werden. Senden Sie sie unten erneut.",
        "en": "The account was created, but the invitation could not be sent. Send it again below.",
    },
    "console.accounts.done.role": {"de": "Rolle und Einheiten sind gespeichert.", "en": "Role and units saved."},
    "console.accounts.done.disable": {
        "de": "Das Konto ist gesperrt; seine Sitzungen sind beendet.",
        "en": "The account is disabled; its sessions have ended.",
    },
    "console.accounts.done.enable": {"de": "Das Konto ist wieder freigegeben.", "en": "The account is enabled again."},
    "console.accounts.done.link_sent": {"de": "Der Link ist unterwegs.", "en": "The link is on its way."},
    "console.accounts.done.link_unsent": {
        "de": "Der Link konnte nicht versandt werden (Mailserver). Bitte später erneut versuchen.",
        "en": "The link could not be sent (mail server). Please try again later.",
    },
    "console.accounts.error.role": {
        "de": "Bitte eine Rolle aus der Liste wählen.",
        "en": "Choose a role from the list.",
    },
    "console.accounts.error.units_needed": {
        "de": "Mitarbeitende einer Einheit brauchen mindestens eine Organisationseinheit.",
        "en": "Unit staff need at least one org unit.",
    },
    "console.accounts.error.unknown_units": {
        "de": "Diese Organisationseinheiten gibt es nicht: {units}.",
        "en": "These org units do not exist: {units}.",
    },
    "console.accounts.error.self": {
        "de": "Das eigene Konto kann man nicht sperren oder in Rolle und Einheiten ändern.",
        "en": "You cannot disable your own account or change its role and units.",
    },
    "console.accounts.error.last_admin": {
        "de": "Das ist die letzte aktive Administration: Sie bleibt, damit niemand ausgesperrt wird.",
        "en": "This is the last enabled administrator: it stays, so that nobody is locked out.",
    },
    "console.accounts.error.username": {
        "de": "Der Benutzername besteht aus 1 bis 64 Kleinbuchstaben, Ziffern, Punkten, Bindestrichen oder @.",
        "en": "The username has 1 to 64 lower-case letters, digits, dots, hyphens or @.",
    },
    "console.accounts.error.username_taken": {
        "de": "Diesen Benutzernamen gibt es schon.",
        "en": "This username exists already.",
    },
    "console.accounts.error.email": {
        "de": "Bitte eine gültige E-Mail-Adresse angeben (name@beispiel.de).",
        "en": "Enter a valid e-mail address (name@example.org).",
    },
    "console.accounts.error.role_from_provider": {
        "de": "Die Rolle dieses Kontos kommt vom städtischen Identitätsanbieter und wird dort geändert.",
        "en": "This account's role comes from the city's identity provider and is changed there.",
    },
    "console.accounts.error.reset_oidc": {
        "de": "Dieses Konto meldet sich über die städtische Anmeldung an und hat hier kein Passwort.",
        "en": "This account signs in through the city sign-in and has no password here.",
    },
    "console.accounts.error.reset_disabled": {
        "de": "Ein gesperrtes Konto erhält keinen Link. Bitte zuerst freigeben.",
        "en": "A disabled account gets no link. Enable it first.",
    },
    "console.accounts.error.password_short": {
        "de": "Das Passwort braucht mindestens {chars} Zeichen.",
        "en": "The password needs at least {chars} characters.",
    },
    "console.accounts.error.password_long": {
        "de": "Das Passwort darf höchstens 1.024 Zeichen haben.",
        "en": "The password may have at most 1,024 characters.",
    },
    "console.accounts.error.password_repeat": {
        "de": "Die beiden Passwörter stimmen nicht überein.",
        "en": "The two passwords differ.",
    },
    "console.accounts.error.token_name": {"de": "Bitte einen Namen angeben.", "en": "Enter a name."},
    "console.accounts.error.token_taken": {
        "de": "Einen Schlüssel mit diesem Namen gibt es schon.",
        "en": "A token with this name exists already.",
    },
    "console.accounts.error.token_scopes": {
        "de": "Bitte mindestens eine Berechtigung wählen.",
        "en": "Choose at least one permission.",
    },
    "console.accounts.error.token_days": {
        "de": "Die Gültigkeit ist eine Zahl von 1 bis 3650 Tagen, oder leer für unbefristet.",
        "en": "The validity is a number of days from 1 to 3650, or empty for no expiry.",
    },
    "console.accounts.mail.invite.subject": {
        "de": "Ihr Zugang zu Stadtstimme",
        "en": "Your access to Stadtstimme",
    },
    "console.accounts.mail.invite.body": {
        "de": "Guten Tag,\n\n{by} hat für Sie einen Zugang zur Stadtstimme-Konsole angelegt. Setzen Sie Ihr Passwort "
        "über diesen Link (gültig {hours} Stunden, nur einmal verwendbar):\n\n{link}\n\nWenn Sie diese Einladung "
        "nicht erwartet haben, ignorieren Sie diese E-Mail.\n",
        "en": "Hello,\n\n{by} created an account for you in the Stadtstimme console. Set your password with this link "
        "(valid for {hours} hours, usable once):\n\n{link}\n\nIf you did not expect this invitation, ignore this "
        "e-mail.\n",
    },
    "console.accounts.mail.reset.subject": {
        "de": "Neues Passwort für Stadtstimme",
        "en": "New password for Stadtstimme",
    },
    "console.accounts.mail.reset.body": {
        "de": "Guten Tag,\n\n{by} hat für Ihr Stadtstimme-Konto ein neues Passwort veranlasst. Setzen Sie es über "
        "diesen Link (gültig {hours} Stunden, nur einmal verwendbar):\n\n{link}\n\nIhr bisheriges Passwort gilt, "
        "bis Sie ein neues gesetzt haben.\n",
        "en": "Hello,\n\n{by} asked for a new password for your Stadtstimme account. Set it with this link (valid "
        "for {hours} hours, usable once):\n\n{link}\n\nYour current password stands until you set a new one.\n",
    },
    "console.password.title": {"de": "Passwort setzen", "en": "Set your password"},
    "console.password.intro_invite": {
        "de": "Willkommen bei Stadtstimme. Ihr Benutzername ist {name}. Wählen Sie Ihr Passwort.",
        "en": "Welcome to Stadtstimme. Your username is {name}. Choose your password.",
    },
    "console.password.intro_reset": {
        "de": "Neues Passwort für das Konto {name}.",
        "en": "New password for the account {name}.",
    },
    "console.password.new": {"de": "Neues Passwort", "en": "New password"},
    "console.password.hint": {
        "de": "Mindestens 12 Zeichen; ein Satz aus mehreren Wörtern ist sicher und gut zu merken.",
        "en": "At least 12 characters; a sentence of several words is safe and easy to remember.",
    },
    "console.password.repeat": {"de": "Passwort wiederholen", "en": "Repeat the password"},
    "console.password.submit": {"de": "Passwort speichern", "en": "Save password"},
    "console.password.gone": {
        "de": "Dieser Link ist abgelaufen oder wurde schon verwendet. Bitten Sie die Administration um einen neuen.",
        "en": "This link has expired or was used already. Ask an administrator for a new one.",
    },
    "console.password.to_login": {"de": "Zur Anmeldung", "en": "To the sign-in"},
    "console.password.done": {
        "de": "Ihr Passwort ist gespeichert. Sie können sich jetzt anmelden.",
        "en": "Your password is saved. You can sign in now.",
    },
    "console.tokens.nav": {"de": "API-Schlüssel", "en": "API tokens"},
    "console.tokens.title": {"de": "API-Schlüssel", "en": "API tokens"},
    "console.tokens.intro": {
        "de": "Schlüssel für Programme (z. B. das Stadtportal, das Kennzahlen abruft): Sie dürfen genau die gewählten "
        "Berechtigungen. Das Geheimnis wird nur einmal angezeigt.",
        "en": "Tokens for programs (e.g. the city portal reading figures): they hold exactly the chosen permissions. "
        "The secret is shown once.",
    },
    "console.tokens.caption": {"de": "Alle Schlüssel", "en": "All tokens"},
    "console.tokens.name": {"de": "Name", "en": "Name"},
    "console.tokens.scopes": {"de": "Berechtigungen", "en": "Permissions"},
    "console.tokens.made": {"de": "Angelegt", "en": "Created"},
    "console.tokens.expires": {"de": "Gültig bis", "en": "Expires"},
    "console.tokens.used": {"de": "Zuletzt benutzt", "en": "Last used"},
    "console.tokens.state": {"de": "Zustand", "en": "State"},
    "console.tokens.never": {"de": "unbefristet", "en": "never"},
    "console.tokens.unused": {"de": "nie", "en": "never"},
    "console.tokens.revoked": {"de": "widerrufen am {at}", "en": "revoked on {at}"},
    "console.tokens.revoke": {"de": "Widerrufen", "en": "Revoke"},
    "console.tokens.revoke_named": {"de": "Schlüssel {name} widerrufen", "en": "Revoke token {name}"},
    "console.tokens.none": {"de": "Noch keine Schlüssel.", "en": "No tokens yet."},
    "console.tokens.new": {"de": "Neuer Schlüssel", "en": "New token"},
    "console.tokens.days": {"de": "Gültigkeit in Tagen", "en": "Valid for days"},
    "console.tokens.days_hint": {"de": "Leer lassen für unbefristet.", "en": "Leave empty for no expiry."},
    "console.tokens.create": {"de": "Schlüssel anlegen", "en": "Create token"},
    "console.tokens.created": {
        "de": "Der Schlüssel {name} ist angelegt. Kopieren Sie das Geheimnis jetzt: Es wird nie wieder angezeigt.",
        "en": "The token {name} was created. Copy the secret now: it is never shown again.",
    },
    "console.tokens.secret": {"de": "Geheimnis", "en": "Secret"},
    "console.tokens.done.revoked": {"de": "Der Schlüssel ist widerrufen.", "en": "The token is revoked."},
    "console.audit.nav": {"de": "Protokoll", "en": "Audit log"},
    "console.sdg.nav": {"de": "SDG-Übermittlung", "en": "SDG transfer"},
    "console.sdg.title": {"de": "SDG-Übermittlung an die NFK", "en": "SDG transfer to the NFK"},
    "console.sdg.intro": {
        "de": "Für Seiten des Single Digital Gateway (SDG) übermittelt Stadtstimme jeden Kalendermonat die "
        "Bewertungen an die Nationale Feedback-Komponente (NFK): Frage, Antwort, Seitenadresse, Datum, Sprache, "
        "SDG-Art, Verfahren und Leistungsschlüssel, niemals Freitext. Fällig ist sie bis zum fünften Arbeitstag "
        "nach Monatsende. Eine gespeicherte Übermittlung wird nie verändert; fehlgeschlagene sendet die IT mit "
        "„stadtstimme sdg resend MONAT“ erneut.",
        "en": "For pages of the Single Digital Gateway (SDG), Stadtstimme transfers each calendar month's ratings to "
        "the national feedback component (NFK): question, answer, page address, date, language, SDG kind, "
        "procedure and service key, never free text. It is due by the fifth working day after the month ends. A "
        "stored transfer is never changed; IT sends a failed one again with 'stadtstimme sdg resend MONTH'.",
    },
    "console.sdg.configured": {
        "de": "Die Übermittlung ist eingerichtet: der Monatsauftrag sendet nach Monatsende von selbst.",
        "en": "The transfer is set up: the monthly job sends after each month's end by itself.",
    },
    "console.sdg.not_configured": {
        "de": "Die Übermittlung ist nicht eingerichtet (STADTSTIMME_SDG_UPLOAD_URL fehlt): es wird nichts gesendet.",
        "en": "The transfer is not set up (STADTSTIMME_SDG_UPLOAD_URL is missing): nothing is sent.",
    },
    "console.sdg.caption": {"de": "Übermittlungen je Monat", "en": "Transfers per month"},
    "console.sdg.none": {"de": "Noch keine Übermittlung gespeichert.", "en": "No transfer stored yet."},
    "console.sdg.month": {"de": "Monat", "en": "Month"},
    "console.sdg.records": {"de": "Bewertungen", "en": "Ratings"},
    "console.sdg.state": {"de": "Stand", "en": "State"},
    "console.sdg.state.pending": {"de": "noch nicht gesendet", "en": "not sent yet"},
    "console.sdg.state.delivered": {"de": "zugestellt", "en": "delivered"},
    "console.sdg.state.failed": {"de": "fehlgeschlagen", "en": "failed"},
    "console.sdg.state.overdue": {"de": "überfällig", "en": "overdue"},
    "console.sdg.due": {"de": "Fällig bis", "en": "Due by"},
    "console.sdg.delivered_at": {"de": "Zugestellt am", "en": "Delivered on"},
    "console.sdg.attempts": {"de": "Versuche", "en": "Attempts"},
    "console.sdg.attempts_runs": {"de": "{attempts} in {runs} Läufen", "en": "{attempts} in {runs} runs"},
    "console.sdg.hash": {"de": "Prüfsumme (SHA-256)", "en": "Checksum (SHA-256)"},
    "console.sdg.sent": {"de": "Gesendete Daten", "en": "Data sent"},
    "console.sdg.json": {"de": "{month} als JSON", "en": "{month} as JSON"},
    "console.sdg.log": {"de": "Zustellprotokoll", "en": "Delivery log"},
    "console.sdg.when": {"de": "Zeitpunkt", "en": "Time"},
    "console.sdg.run": {"de": "Lauf", "en": "Run"},
    "console.sdg.attempt": {"de": "Versuch", "en": "Attempt"},
    "console.sdg.outcome": {"de": "Ergebnis", "en": "Outcome"},
    "console.sdg.outcome.delivered": {"de": "angenommen", "en": "accepted"},
    "console.sdg.outcome.retry": {"de": "vorübergehend gescheitert", "en": "failed for now"},
    "console.sdg.outcome.refused": {"de": "abgelehnt", "en": "refused"},
    "console.sdg.status_code": {"de": "HTTP-Status", "en": "HTTP status"},
    "console.sdg.by": {"de": "Ausgelöst von", "en": "Started by"},
    "console.sdg.no_attempts": {"de": "Noch kein Versuch.", "en": "No attempt yet."},
    "console.audit.title": {"de": "Protokoll", "en": "Audit log"},
    "console.audit.intro": {
        "de": "Wer wann was getan hat: Anmeldungen, Einsicht in Kommentare, Exporte und jede Änderung. Neueste zuerst.",
        "en": "Who did what when: sign-ins, views of comments, exports and every change. Newest first.",
    },
    "console.audit.who": {"de": "Wer", "en": "Who"},
    "console.audit.what": {"de": "Was", "en": "What"},
    "console.audit.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.audit.from": {"de": "Von", "en": "From"},
    "console.audit.to": {"de": "Bis", "en": "To"},
    "console.audit.any": {"de": "alle", "en": "any"},
    "console.audit.filter": {"de": "Filtern", "en": "Filter"},
    "console.audit.csv": {"de": "Als CSV herunterladen", "en": "Download as CSV"},
    "console.audit.caption": {"de": "Einträge", "en": "Entries"},
    "console.audit.when": {"de": "Wann", "en": "When"},
    "console.audit.subject": {"de": "Betrifft", "en": "Subject"},
    "console.audit.detail": {"de": "Einzelheiten", "en": "Details"},
    "console.audit.none": {"de": "Keine Einträge für diese Auswahl.", "en": "No entries for this selection."},
    "console.audit.older": {"de": "Ältere Einträge", "en": "Older entries"},
    "console.audit.error.date": {
        "de": "Bitte ein Datum im Format JJJJ-MM-TT angeben.",
        "en": "Enter a date as YYYY-MM-DD.",
    },
    # Labels of the audit log's actions (an action without one shows its code).
    "console.audit.action.login": {"de": "Anmeldung", "en": "Sign-in"},
    "console.audit.action.login_failed": {"de": "Anmeldung abgelehnt", "en": "Sign-in refused"},
    "console.audit.action.logout": {"de": "Abmeldung", "en": "Sign-out"},
    "console.audit.action.view_comment": {"de": "Kommentar angesehen", "en": "Comment viewed"},
    "console.audit.action.view_comments": {"de": "Kommentare angesehen", "en": "Comments viewed"},
    "console.audit.action.view_themes": {"de": "Themen angesehen", "en": "Themes viewed"},
    "console.audit.action.view_survey_answers": {"de": "Freitextantworten angesehen", "en": "Free-text answers viewed"},
    "console.audit.action.export": {"de": "Export", "en": "Export"},
    "console.audit.action.comment_changed": {"de": "Kommentar bearbeitet", "en": "Comment changed"},
    "console.audit.action.survey_changed": {"de": "Umfrage geändert", "en": "Survey changed"},
    "console.audit.action.account_created": {"de": "Konto angelegt", "en": "Account created"},
    "console.audit.action.account_invited": {"de": "Konto eingeladen", "en": "Account invited"},
    "console.audit.action.account_bound": {
        "de": "Konto an städtische Anmeldung gebunden",
        "en": "Account bound to the city sign-in",
    },
    "console.audit.action.account_role": {"de": "Rolle geändert", "en": "Role changed"},
    "console.audit.action.account_disable": {"de": "Konto gesperrt", "en": "Account disabled"},
    "console.audit.action.account_enable": {"de": "Konto freigegeben", "en": "Account enabled"},
    "console.audit.action.account_invite_link": {"de": "Einladung erneut gesendet", "en": "Invitation sent again"},
    "console.audit.action.account_reset_link": {"de": "Link zum Zurücksetzen gesendet", "en": "Reset link sent"},
    "console.audit.action.password_set_invite": {
        "de": "Passwort gesetzt (Einladung)",
        "en": "Password set (invitation)",
    },
    "console.audit.action.password_set_reset": {"de": "Passwort neu gesetzt", "en": "Password reset"},
    "console.audit.action.token_created": {"de": "API-Schlüssel angelegt", "en": "API token created"},
    "console.audit.action.token_revoked": {"de": "API-Schlüssel widerrufen", "en": "API token revoked"},
    "console.audit.action.token_rotated": {"de": "API-Schlüssel erneuert", "en": "API token rotated"},
    "console.audit.action.notification_retry": {"de": "Benachrichtigung erneut gesendet", "en": "Notification retried"},
    "console.audit.action.retention_run": {"de": "Löschfristen angewandt", "en": "Retention applied"},
    "console.audit.action.dead_letters_redriven": {
        "de": "Zurückgestellte Ereignisse erneut verarbeitet",
        "en": "Dead letters re-driven",
    },
    "console.audit.action.hackathon_created": {"de": "Hackathon angelegt", "en": "Hackathon created"},
    "console.audit.action.hackathon_phase": {"de": "Hackathon-Phase geändert", "en": "Hackathon phase changed"},
    "console.audit.action.hackathon_challenge": {"de": "Challenge eingestellt", "en": "Challenge posted"},
    "console.audit.action.hackathon_budget": {"de": "Hackathon-Budget gesetzt", "en": "Hackathon budget set"},
    "console.audit.action.pageviews_imported": {"de": "Seitenaufrufe importiert", "en": "Page views imported"},
    "console.audit.action.view_report": {"de": "Bericht angesehen", "en": "Report viewed"},
    "console.audit.action.reports_published": {"de": "Monatsberichte versandt", "en": "Monthly reports published"},
    "console.audit.action.budget_programme": {"de": "Programmbudget eingetragen", "en": "Programme budget entered"},
    "console.audit.action.budget_expense": {"de": "Ausgabe gebucht", "en": "Expense booked"},
    "console.audit.action.budget_expense_cancelled": {"de": "Ausgabe storniert", "en": "Expense cancelled"},
    "console.audit.action.demo_feedback_published": {"de": "Demodaten: Feedback", "en": "Demo data: feedback"},
    "console.audit.action.demo_survey_answers_published": {
        "de": "Demodaten: Umfrageantworten",
        "en": "Demo data: survey answers",
    },
    "console.audit.action.demo_hackathon_published": {"de": "Demodaten: Hackathon", "en": "Demo data: hackathon"},
    "console.audit.action.demo_budgets_published": {"de": "Demodaten: Budgets", "en": "Demo data: budgets"},
    "console.audit.csv.at": {"de": "Zeitpunkt", "en": "Time"},
    "console.audit.csv.actor": {"de": "Wer", "en": "Who"},
    "console.audit.csv.action": {"de": "Was", "en": "What"},
    "console.audit.csv.subject": {"de": "Betrifft", "en": "Subject"},
    "console.audit.csv.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.audit.csv.detail": {"de": "Einzelheiten", "en": "Details"},
    # Measures ("Maßnahmen") and their effect: the console (services/analytics/measures_page.py), the public page
    # /wirkung (services/analytics/impact_page.py) and the rules of a measure (services/analytics/measure_domain.py).
    "permission.measures.manage": {
        "de": "Maßnahmen erfassen und veröffentlichen dürfen die Mitarbeitenden der Einheit und die Administration.",
        "en": "Only the unit's staff and administrators record and publish measures.",
    },
    "measures.error.org_unit": {
        "de": "Bitte wählen Sie die Organisationseinheit, die die Maßnahme verantwortet.",
        "en": "Please choose the org unit responsible for the measure.",
    },
    "measures.error.title_de": {
        "de": "Bitte geben Sie einen deutschen Titel an (höchstens 200 Zeichen).",
        "en": "Please give a German title (at most 200 characters).",
    },
    "measures.error.title_en": {
        "de": "Der englische Titel darf höchstens 200 Zeichen lang sein.",
        "en": "The English title may have at most 200 characters.",
    },
    "measures.error.description_de": {
        "de": "Bitte beschreiben Sie auf Deutsch, was sich geändert hat (höchstens 4.000 Zeichen).",
        "en": "Please describe in German what changed (at most 4,000 characters).",
    },
    "measures.error.description_en": {
        "de": "Die englische Beschreibung darf höchstens 4.000 Zeichen lang sein.",
        "en": "The English description may have at most 4,000 characters.",
    },
    "measures.error.live_on": {
        "de": "Bitte geben Sie das Datum an, an dem die Änderung online ging (TT.MM.JJJJ, höchstens ein Jahr voraus).",
        "en": "Please give the date the change went live (at most a year ahead).",
    },
    "measures.error.window_days": {
        "de": "Bitte geben Sie die Länge der Vergleichszeiträume in Tagen an ({low} bis {high}).",
        "en": "Please give the length of the comparison windows in days ({low} to {high}).",
    },
    "measures.error.page_url": {
        "de": "„{url}“ ist keine vollständige Adresse einer Seite (https://…).",
        "en": "“{url}” is not a complete page address (https://…).",
    },
    "measures.error.no_pages": {
        "de": "Bitte nennen Sie die betroffenen Seiten oder eine Website mit Pfadanfang.",
        "en": "Please name the pages concerned or a site with a path prefix.",
    },
    "measures.error.too_many_pages": {
        "de": "Höchstens {most} Seiten; fassen Sie mehr Seiten über eine Website und einen Pfadanfang zusammen.",
        "en": "At most {most} pages; cover more pages with a site and a path prefix.",
    },
    "measures.error.site": {"de": "Bitte wählen Sie eine bekannte Website.", "en": "Please choose a known site."},
    "measures.error.path_prefix": {
        "de": "Ein Pfadanfang beginnt mit „/“ und gehört zu einer gewählten Website.",
        "en": "A path prefix starts with “/” and belongs to a chosen site.",
    },
    "measures.error.theme": {
        "de": "Das Thema darf höchstens 100 Zeichen lang sein.",
        "en": "The theme may have at most 100 characters.",
    },
    "measures.error.comment_id": {
        "de": "„{id}“ ist keine Kennung einer Rückmeldung aus dem Posteingang.",
        "en": "“{id}” is not the id of a comment in the inbox.",
    },
    "measures.error.unknown_comment": {
        "de": "Diese Rückmeldungen gibt es im Posteingang Ihrer Einheiten nicht: {ids}.",
        "en": "These comments are not in your units' inbox: {ids}.",
    },
    "measures.error.too_many_comments": {
        "de": "Höchstens {most} Rückmeldungen.",
        "en": "At most {most} comments.",
    },
    "measures.error.hackathon_id": {
        "de": "Bitte geben Sie die Kennung des Hackathons an (Kleinbuchstaben, Ziffern, Bindestriche).",
        "en": "Please give the hackathon's id (lower-case letters, digits, hyphens).",
    },
    "measures.error.challenge_id": {
        "de": "Eine Challenge gehört zu einem Hackathon: bitte beide Kennungen angeben.",
        "en": "A challenge belongs to a hackathon: please give both ids.",
    },
    "measures.error.submission_id": {
        "de": "Die Einreichung braucht ihre Kennung (UUID) und den Hackathon, zu dem sie gehört.",
        "en": "The submission needs its id (UUID) and the hackathon it belongs to.",
    },
    "measures.error.foreign_pages": {
        "de": "Darunter sind Seiten einer Organisationseinheit, deren Rückmeldungen Sie nicht sehen. Bitte nennen Sie "
        "nur Seiten Ihrer Einheiten.",
        "en": "Some of these pages belong to an organisational unit whose feedback you do not see. Please name only "
        "pages of your units.",
    },
    "measures.error.changed_meanwhile": {
        "de": "Die Maßnahme wurde inzwischen von jemand anderem geändert. Bitte laden Sie sie neu.",
        "en": "Someone else changed the measure meanwhile. Please reload it.",
    },
    "measures.error.unavailable": {
        "de": "Die Maßnahme konnte gerade nicht gespeichert werden. Bitte versuchen Sie es in einer Minute erneut.",
        "en": "The measure could not be saved just now. Please try again in a minute.",
    },
    "permission.measures.read": {
        "de": "Maßnahmen sehen nur angemeldete Mitarbeitende.",
        "en": "Only signed-in staff see measures.",
    },
    "console.measures.nav": {"de": "Maßnahmen", "en": "Measures"},
    "console.measures.title": {"de": "Maßnahmen und ihre Wirkung", "en": "Measures and their effect"},
    "console.measures.intro": {
        "de": "Was wurde auf welchen Seiten geändert, und hat es die Zufriedenheit verbessert? Jede Maßnahme zeigt "
        "die Rückmeldungen vor und nach ihrem Start. Veröffentlichte Maßnahmen stehen auf der öffentlichen Seite "
        "„Wirkung“.",
        "en": "What changed on which pages, and did it improve satisfaction? Each measure shows the feedback before "
        "and after it went live. Published measures appear on the public page “Impact”.",
    },
    "console.measures.new": {"de": "Neue Maßnahme erfassen", "en": "Record a new measure"},
    "console.measures.edit": {"de": "Maßnahme bearbeiten", "en": "Edit the measure"},
    "console.measures.back": {"de": "Zurück zu den Maßnahmen", "en": "Back to the measures"},
    "console.measures.caption": {"de": "{count} Maßnahmen, neueste zuerst", "en": "{count} measures, newest first"},
    "console.measures.empty": {"de": "Noch keine Maßnahmen erfasst.", "en": "No measures recorded yet."},
    "console.measures.error_prefix": {"de": "Fehler:", "en": "Error:"},
    "console.measures.state": {"de": "Status", "en": "Status"},
    "console.measures.state.published": {"de": "veröffentlicht", "en": "published"},
    "console.measures.state.published_at": {"de": "veröffentlicht am {when}", "en": "published on {when}"},
    "console.measures.state.internal": {"de": "nur intern", "en": "internal only"},
    "console.measures.choose": {"de": "Bitte wählen", "en": "Please choose"},
    "console.measures.none": {"de": "keine", "en": "none"},
    "console.measures.save": {"de": "Speichern", "en": "Save"},
    "console.measures.publish": {"de": "Auf der Seite „Wirkung“ veröffentlichen", "en": "Publish on the “Impact” page"},
    "console.measures.unpublish": {"de": "Veröffentlichung zurückziehen", "en": "Withdraw the publication"},
    "console.measures.done.saved": {"de": "Die Maßnahme ist gespeichert.", "en": "The measure is saved."},
    "console.measures.done.unchanged": {"de": "Nichts geändert.", "en": "Nothing changed."},
    "console.measures.done.published": {
        "de": "Die Maßnahme steht jetzt auf der öffentlichen Seite „Wirkung“.",
        "en": "The measure is now on the public “Impact” page.",
    },
    "console.measures.done.unpublished": {
        "de": "Die Maßnahme steht nicht mehr auf der öffentlichen Seite.",
        "en": "The measure is no longer on the public page.",
    },
    "console.measures.field.org_unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.measures.field.title_de": {"de": "Titel (deutsch)", "en": "Title (German)"},
    "console.measures.field.title_en": {"de": "Titel (englisch, optional)", "en": "Title (English, optional)"},
    "console.measures.field.description_de": {
        "de": "Was wurde geändert? (deutsch, öffentlich lesbar)",
        "en": "What changed? (German, publicly readable)",
    },
    "console.measures.field.description_en": {
        "de": "Was wurde geändert? (englisch, optional)",
        "en": "What changed? (English, optional)",
    },
    "console.measures.field.live_on": {"de": "Online seit", "en": "Live since"},
    "console.measures.field.window_days": {"de": "Vergleichszeitraum in Tagen", "en": "Comparison window in days"},
    "console.measures.hint.window_days": {
        "de": "So viele Tage vor und nach dem Start werden verglichen (üblich: 90), höchstens so viele, wie seit dem "
        "Start vergangen sind.",
        "en": "This many days before and after the start are compared (usually 90), at most as many as have passed "
        "since the start.",
    },
    "console.measures.pages": {"de": "Betroffene Seiten", "en": "Pages concerned"},
    "console.measures.field.pages": {"de": "Adressen der Seiten", "en": "Page addresses"},
    "console.measures.hint.pages": {
        "de": "Eine vollständige Adresse je Zeile, zum Beispiel https://abfall.musterstadt.de/abfallkalender.",
        "en": "One complete address per line, e.g. https://abfall.musterstadt.de/abfallkalender.",
    },
    "console.measures.field.site": {"de": "oder alle Seiten einer Website", "en": "or every page of a site"},
    "console.measures.field.path_prefix": {"de": "unter dem Pfad", "en": "under the path"},
    "console.measures.hint.path_prefix": {
        "de": "Zum Beispiel /buergeramt; leer oder „/“ für die ganze Website.",
        "en": "E.g. /buergeramt; empty or “/” for the whole site.",
    },
    "console.measures.field.theme": {"de": "Thema", "en": "Theme"},
    "console.measures.hint.theme": {
        "de": "Wie die öffentliche Seite es nennt: „aus 143 Rückmeldungen zum Abfallkalender“ (optional).",
        "en": "How the public page names it: “from 143 responses on the waste calendar” (optional).",
    },
    "console.measures.origins": {"de": "Woher die Maßnahme kommt (optional)", "en": "Where it came from (optional)"},
    "console.measures.field.comment_ids": {
        "de": "Rückmeldungen aus dem Posteingang",
        "en": "Comments from the inbox",
    },
    "console.measures.hint.comment_ids": {
        "de": "Die Kennungen der Rückmeldungen (aus der Adresse ihrer Seite im Posteingang), eine je Zeile.",
        "en": "The comments' ids (from the address of their page in the inbox), one per line.",
    },
    "console.measures.field.hackathon_id": {"de": "Hackathon (Kennung)", "en": "Hackathon (id)"},
    "console.measures.field.challenge_id": {"de": "Challenge (Kennung)", "en": "Challenge (id)"},
    "console.measures.field.submission_id": {
        "de": "Umgesetzte Einreichung (Kennung)",
        "en": "Implemented submission (id)",
    },
    "console.measures.site_prefix": {"de": "Website {site} unter {prefix}", "en": "site {site} under {prefix}"},
    "console.measures.effect": {"de": "Wirkung", "en": "Effect"},
    "console.measures.verdict": {"de": "Ergebnis", "en": "Result"},
    "console.measures.effect_caption": {
        "de": "Rückmeldungen je {days} Tage vor und nach dem Start",
        "en": "Feedback in the {days} days before and after the start",
    },
    "console.measures.figure": {"de": "Kennzahl", "en": "Figure"},
    "console.measures.before": {"de": "Vorher ({period})", "en": "Before ({period})"},
    "console.measures.after": {"de": "Nachher ({period})", "en": "After ({period})"},
    "console.measures.responses": {"de": "Rückmeldungen", "en": "Responses"},
    "console.measures.helpful_share": {"de": "Anteil „hilfreich“", "en": "Share “helpful”"},
    "console.measures.rating_mean": {"de": "Mittlere Bewertung (1–5)", "en": "Mean rating (1–5)"},
    "console.measures.method": {
        "de": "In Klammern: 95-%-Konfidenzintervalle (Wilson für Anteile, t-Verteilung für Mittelwerte; für die "
        "Differenzen Newcombe und Welch). „Deutlich“ heißt: das Intervall der Differenz schließt 0 aus. Ein Urteil "
        "gibt es erst ab 20 Antworten je Zeitraum; Zeiträume mit weniger als 5 Rückmeldungen zeigen keine Zahlen. "
        "Gemeldete Barrieren und verdächtige Rückmeldungen zählen nicht mit.",
        "en": "In brackets: 95 % confidence intervals (Wilson for shares, Student's t for means; Newcombe and Welch "
        "for the differences). “Clearly” means the difference's interval excludes 0. A verdict needs at least 20 "
        "answers in each window; windows with fewer than 5 responses show no figures. Barrier reports and "
        "suspected automated responses are not counted.",
    },
    "measures.interval": {"de": "({low} bis {high})", "en": "({low} to {high})"},
    "measures.period": {"de": "{start} bis {end}", "en": "{start} to {end}"},
    "measures.difference.share": {
        "de": "Anteil „hilfreich“: {value} Prozentpunkte (95-%-KI {low} bis {high})",
        "en": "Share “helpful”: {value} percentage points (95 % CI {low} to {high})",
    },
    "measures.difference.mean": {
        "de": "Mittlere Bewertung: {value} (95-%-KI {low} bis {high})",
        "en": "Mean rating: {value} (95 % CI {low} to {high})",
    },
    "measures.verdict.better": {"de": "deutlich besser", "en": "clearly better"},
    "measures.verdict.worse": {"de": "deutlich schlechter", "en": "clearly worse"},
    "measures.verdict.none": {"de": "kein messbarer Unterschied", "en": "no measurable difference"},
    "measures.verdict.mixed": {
        "de": "uneinheitlich: Anteil „hilfreich“ und Bewertung zeigen in verschiedene Richtungen",
        "en": "mixed: the share “helpful” and the rating point in different directions",
    },
    "measures.verdict.too_few": {"de": "zu wenige Rückmeldungen", "en": "too few responses"},
    "measures.verdict.pending": {
        "de": "noch nicht messbar: die Maßnahme ist noch keinen ganzen Tag online",
        "en": "not measurable yet: the measure has not been live for a whole day",
    },
    "measures.verdict.early": {
        "de": "noch nicht messbar: ein Ergebnis gibt es, sobald die Maßnahme eine ganze Woche online ist",
        "en": "not measurable yet: there is a result once the measure has been live for a whole week",
    },
    "measures.season.seasons": {
        "de": "Hinweis: Die Zeiträume liegen in verschiedenen Jahreszeiten (vorher {before}, nachher {after}); ein "
        "Teil des Unterschieds kann jahreszeitlich bedingt sein.",
        "en": "Note: the windows fall into different seasons (before {before}, after {after}); part of the difference "
        "may be seasonal.",
    },
    "measures.season.year_end_before": {
        "de": "Hinweis: Nur der Zeitraum vorher enthält den Jahreswechsel (20. Dezember bis 6. Januar), in dem viele "
        "Seiten anders genutzt werden.",
        "en": "Note: only the window before includes the turn of the year (20 December to 6 January), when many "
        "pages are used differently.",
    },
    "measures.season.year_end_after": {
        "de": "Hinweis: Nur der Zeitraum nachher enthält den Jahreswechsel (20. Dezember bis 6. Januar), in dem viele "
        "Seiten anders genutzt werden.",
        "en": "Note: only the window after includes the turn of the year (20 December to 6 January), when many pages "
        "are used differently.",
    },
    "measures.origin.responses": {
        "de": "aus {count} Rückmeldungen zu „{about}“",
        "en": "from {count} responses on “{about}”",
    },
    "measures.at_least": {"de": "mindestens {count}", "en": "at least {count}"},
    "measures.origin.comments": {
        "de": "angeregt durch {count} Kommentare aus dem Posteingang",
        "en": "prompted by {count} comments from the inbox",
    },
    "measures.origin.hackathon": {
        "de": "aus einer Lösung des Hackathons „{hackathon}“",
        "en": "from a solution of the hackathon “{hackathon}”",
    },
    "impact.title": {
        "de": "Sie haben es gesagt – wir haben gehandelt",
        "en": "You told us – we acted",
    },
    "impact.intro": {
        "de": "Was die Stadt auf ihren Webseiten geändert hat, nachdem Bürgerinnen und Bürger Rückmeldung gegeben "
        "haben, und wie zufrieden die Besucherinnen und Besucher vorher und nachher waren. Neueste zuerst.",
        "en": "What the city changed on its web pages after citizens gave feedback, and how satisfied visitors were "
        "before and after. Newest first.",
    },
    "impact.other_language": {"de": "English", "en": "Deutsch"},
    "impact.filter": {"de": "Nur Maßnahmen von", "en": "Only measures of"},
    "impact.filter.all": {"de": "allen Stellen der Stadt", "en": "every part of the city"},
    "impact.filter.show": {"de": "Anzeigen", "en": "Show"},
    "impact.meta": {"de": "{unit} · online seit {day}", "en": "{unit} · live since {day}"},
    "impact.verdict": {"de": "Ergebnis", "en": "Result"},
    "impact.caption": {
        "de": "Rückmeldungen je {days} Tage vor und nach der Änderung",
        "en": "Feedback in the {days} days before and after the change",
    },
    "impact.empty": {"de": "Noch keine Maßnahmen veröffentlicht.", "en": "No measures published yet."},
    "impact.empty_unit": {
        "de": "Von dieser Stelle sind noch keine Maßnahmen veröffentlicht.",
        "en": "No measures of this part of the city published yet.",
    },
    "impact.how": {"de": "So rechnen wir", "en": "How we count"},
    "impact.method": {
        "de": "Wir vergleichen die Rückmeldungen („War diese Seite hilfreich?“ und die Bewertung von 1 bis 5) in zwei "
        "gleich langen Zeiträumen vor und nach der Änderung. In Klammern stehen 95-%-Konfidenzintervalle. "
        "„Deutlich besser“ oder „deutlich schlechter“ schreiben wir nur, wenn der Unterschied über den Zufall "
        "hinausgeht; bei wenigen Antworten sagen wir, dass es zu wenige sind. Zeiträume mit weniger als {small} "
        "Rückmeldungen zeigen keine Zahlen. Gemeldete Barrieren zählen nicht mit: sie werden einzeln beantwortet.",
        "en": "We compare the feedback (“Was this page helpful?” and the rating from 1 to 5) in two windows of equal "
        "length before and after the change. In brackets: 95 % confidence intervals. We write “clearly better” or "
        "“clearly worse” only where the difference goes beyond chance; with few answers we say there are too few. "
        "Windows with fewer than {small} responses show no figures. Barrier reports are not counted: each one is "
        "answered on its own.",
    },
    "impact.feed": {"de": "Neue Maßnahmen als Feed (Atom)", "en": "New measures as a feed (Atom)"},
    "impact.open_data.csv": {"de": "Offene Daten als CSV", "en": "Open data as CSV"},
    "impact.open_data.json": {"de": "Offene Daten als JSON", "en": "Open data as JSON"},
    "impact.licence": {
        "de": "Die Daten stehen unter der Datenlizenz Deutschland – Namensnennung – Version 2.0:",
        "en": "The data is licensed under the Data licence Germany – attribution – version 2.0:",
    },
    "hackathon.page.results.measure": {"de": "Umgesetzt", "en": "Implemented"},
    "hackathon.page.results.measure_since": {"de": "online seit {day}", "en": "live since {day}"},
    "hackathon.page.results.measure_effect": {
        "de": "Wirkung: {verdict} (Anteil „hilfreich“ vorher {before}, nachher {after})",
        "en": "Effect: {verdict} (share “helpful” before {before}, after {after})",
    },
    "console.audit.action.measure_saved": {"de": "Maßnahme gespeichert", "en": "Measure saved"},
    "console.audit.action.measure_published": {"de": "Maßnahme veröffentlicht", "en": "Measure published"},
    "console.audit.action.measure_unpublished": {
        "de": "Veröffentlichung einer Maßnahme zurückgezogen",
        "en": "Measure withdrawn from publication",
    },
    "console.retention.nav": {"de": "Datenschutz", "en": "Data protection"},
    "console.retention.title": {"de": "Aufbewahrung und Löschung", "en": "Retention and erasure"},
    "console.retention.intro": {
        "de": "Wie lange Stadtstimme welche personenbezogenen Daten aufbewahrt, warum, und wann die nächsten "
        "gelöscht werden. Die Löschung läuft stündlich von selbst.",
        "en": "How long Stadtstimme keeps which personal data, why, and when the next are erased. Erasure runs "
        "every hour by itself.",
    },
    "console.retention.caption": {"de": "Aufbewahrungsfristen", "en": "Retention periods"},
    "console.retention.what": {"de": "Daten", "en": "Data"},
    "console.retention.period": {"de": "Aufbewahrung", "en": "Kept for"},
    "console.retention.due": {"de": "Jetzt fällig", "en": "Due now"},
    "console.retention.next": {"de": "Nächste Löschung", "en": "Next erasure"},
    "console.retention.none": {"de": "–", "en": "–"},
    # Page views (services/analytics/pageviews_page.py, pageview_domain.py, matomo.py).
    "console.pageviews.nav": {"de": "Seitenaufrufe", "en": "Page views"},
    "console.pageviews.title": {"de": "Seitenaufrufe aus der Webanalyse", "en": "Page views from web analytics"},
    "console.pageviews.intro": {
        "de": "Stadtstimme zählt selbst keine Seitenaufrufe. Mit den Zahlen der Webanalyse (Matomo) zeigen Berichte"
        " die Kontaktquote (Rückmeldungen je 1.000 Seitenaufrufe) und Umfragen ihre Reichweite. Wird ein "
        "Zeitraum erneut importiert, ersetzen die neuen Zahlen die bisherigen dieser Tage; nichts wird "
        "doppelt gezählt.",
        "en": "Stadtstimme does not count page views itself. With the figures of the web analytics (Matomo), "
        "reports show the contact rate (responses per 1,000 page views) and surveys their reach. A period "
        "imported again replaces the figures of those days; nothing is counted twice.",
    },
    "console.pageviews.upload.heading": {"de": "Matomo-Export hochladen", "en": "Upload a Matomo export"},
    "console.pageviews.upload.how": {
        "de": "In Matomo unter „Verhalten“ → „Seiten“ den Zeitraum wählen und als CSV exportieren, flach und mit "
        "der Periode „Tag“ (Spalten date, url, nb_hits). Eine eigene Tabelle mit den Spalten day, page_url "
        "und views geht auch.",
        "en": 'In Matomo, choose the period under "Behaviour" → "Pages" and export it as CSV, flat and with the '
        'period "day" (columns date, url, nb_hits). A table of your own with the columns day, page_url and '
        "views works too.",
    },
    "console.pageviews.field.site": {"de": "Website", "en": "Site"},
    "console.pageviews.hint.site": {
        "de": "Zu welcher Website die Seiten gehören. Zeilen mit Adressen anderer Websites werden übersprungen.",
        "en": "The site the pages belong to. Rows with addresses of other sites are skipped.",
    },
    "console.pageviews.choose_site": {"de": "Bitte wählen", "en": "Please choose"},
    "console.pageviews.field.file": {"de": "CSV-Datei", "en": "CSV file"},
    "console.pageviews.hint.file": {
        "de": "Text in UTF-8 oder UTF-16, getrennt durch Komma, Semikolon oder Tabulator; höchstens {limit} MB.",
        "en": "Text in UTF-8 or UTF-16, separated by commas, semicolons or tabs; at most {limit} MB.",
    },
    "console.pageviews.check": {"de": "Datei prüfen", "en": "Check file"},
    "console.pageviews.preview.title": {"de": "Vorschau des Imports", "en": "Import preview"},
    "console.pageviews.preview.intro": {
        "de": "Noch ist nichts importiert. Prüfen Sie die Zahlen und bestätigen Sie dann den Import.",
        "en": "Nothing is imported yet. Check the figures, then confirm the import.",
    },
    "console.pageviews.preview.facts": {"de": "Was importiert wird", "en": "What will be imported"},
    "console.pageviews.preview.file": {"de": "Datei", "en": "File"},
    "console.pageviews.preview.period": {"de": "Zeitraum", "en": "Period"},
    "console.pageviews.preview.period_value": {
        "de": "{first} bis {last} ({days} Tage)",
        "en": "{first} to {last} ({days} days)",
    },
    "console.pageviews.preview.read": {"de": "Zeilen gelesen", "en": "Rows read"},
    "console.pageviews.preview.taken": {"de": "Werte je Seite und Tag", "en": "Values per page and day"},
    "console.pageviews.preview.views": {"de": "Seitenaufrufe insgesamt", "en": "Page views in all"},
    "console.pageviews.preview.known": {"de": "Seiten aus der Seitenliste", "en": "Pages from the page list"},
    "console.pageviews.preview.other": {
        "de": "Weitere Seiten der Website (werden ebenfalls übernommen)",
        "en": "Other pages of the site (imported as well)",
    },
    "console.pageviews.preview.replaced": {
        "de": "Tage mit bisherigen Zahlen, die ersetzt werden",
        "en": "Days whose figures are replaced",
    },
    "console.pageviews.preview.skipped": {"de": "Übersprungene Zeilen", "en": "Skipped rows"},
    "console.pageviews.preview.skipped.caption": {"de": "Übersprungene Zeilen und warum", "en": "Skipped rows and why"},
    "console.pageviews.preview.reason": {"de": "Grund", "en": "Reason"},
    "console.pageviews.preview.count": {"de": "Zeilen", "en": "Rows"},
    "console.pageviews.preview.lines": {"de": "Zum Beispiel Zeile", "en": "For example line"},
    "console.pageviews.preview.none_skipped": {"de": "Keine Zeile wurde übersprungen.", "en": "No row was skipped."},
    "console.pageviews.preview.pages.caption": {
        "de": "Seiten mit den meisten Aufrufen",
        "en": "Pages with the most views",
    },
    "console.pageviews.preview.page": {"de": "Seite", "en": "Page"},
    "console.pageviews.preview.confirm": {"de": "Importieren", "en": "Import"},
    "console.pageviews.preview.cancel": {"de": "Abbrechen", "en": "Cancel"},
    "console.pageviews.imported": {
        "de": "Importiert: {views} Seitenaufrufe für {site} vom {first} bis {last} ({days} Tage); bisherige Zahlen "
        "von {replaced} Tagen wurden ersetzt.",
        "en": "Imported: {views} page views for {site} from {first} to {last} ({days} days); earlier figures of "
        "{replaced} days were replaced.",
    },
    "console.pageviews.matomo.heading": {"de": "Automatischer Import aus Matomo", "en": "Scheduled import from Matomo"},
    "console.pageviews.matomo.off": {
        "de": "Nicht eingerichtet. Die technische Betreuung richtet ihn mit den Einstellungen "
        "STADTSTIMME_MATOMO_URL, STADTSTIMME_MATOMO_TOKEN und STADTSTIMME_MATOMO_SITES ein.",
        "en": "Not set up. The operators set it up with the settings STADTSTIMME_MATOMO_URL, "
        "STADTSTIMME_MATOMO_TOKEN and STADTSTIMME_MATOMO_SITES.",
    },
    "console.pageviews.matomo.on": {
        "de": "Alle {minutes} Minuten holt Stadtstimme von {host} die Tage, die noch fehlen (jeweils bis gestern).",
        "en": "Every {minutes} minutes Stadtstimme fetches the days still missing from {host} (up to yesterday).",
    },
    "console.pageviews.matomo.caption": {"de": "Letzter Lauf je Matomo-Website", "en": "Last run per Matomo site"},
    "console.pageviews.matomo.matomo_site": {"de": "Matomo-Website", "en": "Matomo site"},
    "console.pageviews.matomo.site": {"de": "Website", "en": "Site"},
    "console.pageviews.matomo.last_run": {"de": "Letzter Lauf", "en": "Last run"},
    "console.pageviews.matomo.status": {"de": "Ergebnis", "en": "Result"},
    "console.pageviews.matomo.last_day": {"de": "Importiert bis einschließlich", "en": "Imported up to"},
    "console.pageviews.matomo.status.never": {"de": "Noch nicht gelaufen", "en": "Not run yet"},
    "console.pageviews.matomo.status.ok": {
        "de": "Erfolgreich ({days} Tage, {views} Seitenaufrufe)",
        "en": "Succeeded ({days} days, {views} page views)",
    },
    "console.pageviews.matomo.status.failed": {"de": "Fehlgeschlagen: {error}", "en": "Failed: {error}"},
    "console.pageviews.recent.caption": {"de": "Zuletzt importiert", "en": "Imported last"},
    "console.pageviews.recent.when": {"de": "Importiert am", "en": "Imported on"},
    "console.pageviews.recent.source": {"de": "Quelle", "en": "Source"},
    "console.pageviews.recent.by": {"de": "Von", "en": "By"},
    "console.pageviews.recent.none": {
        "de": "Noch keine Seitenaufrufe importiert.",
        "en": "No page views imported yet.",
    },
    "console.pageviews.source.upload": {"de": "Hochgeladen: {name}", "en": "Uploaded: {name}"},
    "console.pageviews.source.cli": {"de": "Kommandozeile: {name}", "en": "Command line: {name}"},
    "console.pageviews.source.matomo": {"de": "{name}", "en": "{name}"},
    "console.pageviews.source.demo": {"de": "Demodaten", "en": "Demo data"},
    "pageviews.skip.bad_date": {"de": "Datum fehlt oder ist ungültig", "en": "Date missing or invalid"},
    "pageviews.skip.future": {"de": "Datum liegt in der Zukunft", "en": "Date in the future"},
    "pageviews.skip.bad_views": {
        "de": "Anzahl der Seitenaufrufe fehlt oder ist keine ganze Zahl",
        "en": "Page views missing or not a whole number",
    },
    "pageviews.skip.no_url": {
        "de": "Keine Seitenadresse (etwa Matomos Sammelzeile „Others“)",
        "en": "No page address (such as Matomo's “Others” row)",
    },
    "pageviews.skip.bad_url": {"de": "Ungültige oder zu lange Seitenadresse", "en": "Invalid or too long page address"},
    "pageviews.skip.other_site": {"de": "Seite einer anderen Website", "en": "Page of another site"},
    "pageviews.skip.unknown_origin": {
        "de": "Adresse gehört zu keiner bekannten Website",
        "en": "Address of no known site",
    },
    "pageviews.error.empty": {"de": "Die Datei ist leer.", "en": "The file is empty."},
    "pageviews.error.encoding": {
        "de": "Die Datei ist kein Text in UTF-8 oder UTF-16 (vielleicht eine Excel-Datei?). Bitte als „CSV UTF-8“ "
        "speichern und erneut hochladen.",
        "en": 'The file is not text in UTF-8 or UTF-16 (an Excel file, perhaps?). Please save it as "CSV UTF-8" and'
        " upload it again.",
    },
    "pageviews.error.too_large": {
        "de": "Die Datei ist größer als {limit} MB. Bitte einen kürzeren Zeitraum exportieren.",
        "en": "The file is larger than {limit} MB. Please export a shorter period.",
    },
    "pageviews.error.columns": {
        "de": "Die Spalten passen nicht: erwartet werden date, url und nb_hits (Matomo) oder day, page_url und "
        "views. Gefunden: {found}.",
        "en": "The columns do not fit: expected date, url and nb_hits (Matomo) or day, page_url and views. Found: "
        "{found}.",
    },
    "pageviews.error.date_column": {
        "de": "Die Datei hat keine Spalte date. Bitte in Matomo mit der Periode „Tag“ über einen Zeitraum "
        "exportieren, dann trägt jede Zeile ihren Tag. Gefunden: {found}.",
        "en": 'The file has no date column. Please export from Matomo with the period "day" over a date range, so '
        "that every row carries its day. Found: {found}.",
    },
    "pageviews.error.csv": {
        "de": "Zeile {line} ist keine gültige CSV-Zeile (zum Beispiel ein nicht geschlossenes Anführungszeichen).",
        "en": "Line {line} is not a valid CSV line (an unclosed quotation mark, for example).",
    },
    "pageviews.error.no_rows": {
        "de": "Die Datei enthält keine Zeile, die importiert werden kann.",
        "en": "The file holds no row that can be imported.",
    },
    "pageviews.error.too_many_days": {
        "de": "Die Datei reicht vom {first} bis zum {last}; höchstens {limit} Tage auf einmal.",
        "en": "The file runs from {first} to {last}; at most {limit} days at once.",
    },
    "pageviews.error.matomo_answer": {
        "de": "Die Antwort von Matomo hat nicht die erwartete Form.",
        "en": "Matomo's answer does not have the expected form.",
    },
    "pageviews.error.site": {"de": "Bitte wählen Sie eine Website.", "en": "Please choose a site."},
    "pageviews.error.no_file": {"de": "Bitte wählen Sie eine CSV-Datei aus.", "en": "Please choose a CSV file."},
    "pageviews.error.upload_gone": {
        "de": "Diese Vorschau ist abgelaufen oder schon importiert. Bitte laden Sie die Datei erneut hoch.",
        "en": "This preview has expired or was imported already. Please upload the file again.",
    },
    "pageviews.error.unavailable": {
        "de": "Der Import ist gerade nicht möglich, weil ein Dienst nicht erreichbar ist. Bitte versuchen Sie es in"
        " einigen Minuten erneut; nichts wird doppelt gezählt.",
        "en": "The import is not possible right now because a service is unreachable. Please try again in a few "
        "minutes; nothing is counted twice.",
    },
    "pageviews.fetch.error.token": {
        "de": "Matomo hat den Zugangsschlüssel abgelehnt. Bitte STADTSTIMME_MATOMO_TOKEN prüfen: der Schlüssel "
        "braucht Lesezugriff auf die Website.",
        "en": "Matomo refused the access token. Please check STADTSTIMME_MATOMO_TOKEN: the token needs view access "
        "to the site.",
    },
    "pageviews.fetch.error.status": {
        "de": "Matomo antwortete mit dem HTTP-Status {status}.",
        "en": "Matomo answered HTTP status {status}.",
    },
    "pageviews.fetch.error.unreachable": {
        "de": "Matomo war nicht erreichbar, auch nicht nach mehreren Versuchen.",
        "en": "Matomo was unreachable, after several attempts.",
    },
    "pageviews.fetch.error.not_json": {
        "de": "Matomos Antwort war kein JSON (stimmt STADTSTIMME_MATOMO_URL?).",
        "en": "Matomo's answer was not JSON (is STADTSTIMME_MATOMO_URL right?).",
    },
    "pageviews.fetch.error.matomo": {
        "de": "Matomo meldet einen Fehler: {message}",
        "en": "Matomo reports an error: {message}",
    },
    "pageviews.fetch.error.answer": {
        "de": "Matomos Antwort hat nicht die erwartete Form.",
        "en": "Matomo's answer does not have the expected form.",
    },
    "pageviews.fetch.error.unknown_site": {
        "de": "Die Website {site} ist in Stadtstimme nicht bekannt (STADTSTIMME_MATOMO_SITES prüfen).",
        "en": "The site {site} is not known to Stadtstimme (check STADTSTIMME_MATOMO_SITES).",
    },
    "pageviews.fetch.error.not_configured": {
        "de": "Der Matomo-Import ist nicht eingerichtet (STADTSTIMME_MATOMO_URL und STADTSTIMME_MATOMO_TOKEN).",
        "en": "The Matomo import is not set up (STADTSTIMME_MATOMO_URL and STADTSTIMME_MATOMO_TOKEN).",
    },
    "pageviews.fetch.error.broker": {
        "de": "Die Seitenaufrufe konnten nicht gespeichert werden (Kafka oder Datenbank nicht erreichbar).",
        "en": "The page views could not be stored (Kafka or the database unreachable).",
    },
    "console.inbox.erase.title": {"de": "Personenbezug entfernen", "en": "Remove personal data"},
    "console.inbox.erase.hint": {
        "de": "Löscht den Text dieser Rückmeldung überall, auch in allen Kopien der Nachrichten; die Bewertung "
        "bleibt in der Statistik. Das lässt sich nicht rückgängig machen.",
        "en": "Deletes this feedback's text everywhere, also in all copies of the messages; the rating stays in the "
        "statistics. This cannot be undone.",
    },
    "console.inbox.erase.button": {"de": "Text endgültig löschen", "en": "Delete the text for good"},
    "console.inbox.replace.hint": {
        "de": "Schreiben Sie eine Fassung ohne Namen, Adressen und andere Angaben zur Person. Sie ersetzt den Text "
        "überall; das Original wird unlesbar, auch in allen Kopien der Nachrichten.",
        "en": "Write a version without names, addresses and other personal details. It replaces the text everywhere; "
        "the original becomes unreadable, also in all copies of the messages.",
    },
    "console.inbox.replace.button": {"de": "Bearbeitete Fassung speichern", "en": "Save the edited version"},
    "console.inbox.done.replaced": {
        "de": "Die bearbeitete Fassung ersetzt den Text; das Original ist unlesbar.",
        "en": "The edited version replaces the text; the original is unreadable.",
    },
    "console.inbox.error.edit_empty": {
        "de": "Die bearbeitete Fassung ist leer. Um den Text ganz zu entfernen, wählen Sie „Text endgültig löschen“.",
        "en": "The edited version is empty. To remove the text altogether, choose “Delete the text for good”.",
    },
    "console.inbox.error.edit_long": {
        "de": "Die bearbeitete Fassung ist zu lang (höchstens 2.000 Zeichen je Feld).",
        "en": "The edited version is too long (at most 2,000 characters per field).",
    },
    "console.inbox.erased": {
        "de": "Der Text ist gelöscht; die Bewertung zählt weiter.",
        "en": "The text is deleted; the rating still counts.",
    },
    "console.inbox.read_only": {
        "de": "Ihr Konto darf Kommentare lesen, aber nicht bearbeiten.",
        "en": "Your account may read comments but not work on them.",
    },
    "console.inbox.notes": {"de": "Notizen", "en": "Notes"},
    "console.inbox.no_notes": {"de": "Noch keine Notizen.", "en": "No notes yet."},
    "console.inbox.history": {"de": "Verlauf", "en": "History"},
    "console.inbox.no_history": {"de": "Noch nicht bearbeitet.", "en": "Not worked on yet."},
    "console.inbox.history.status": {"de": "Status auf „{status}“ gesetzt", "en": "status set to “{status}”"},
    "console.inbox.history.assigned": {"de": "{assignee} zugewiesen", "en": "assigned to {assignee}"},
    "console.inbox.history.unassigned": {"de": "Zuständigkeit aufgehoben", "en": "assignment removed"},
    "console.inbox.history.tags": {"de": "Schlagwörter: {tags}", "en": "tags: {tags}"},
    "console.inbox.history.note": {"de": "Notiz hinzugefügt", "en": "note added"},
    "console.inbox.history.confirmed": {"de": "als Spam bestätigt", "en": "confirmed as spam"},
    "console.inbox.history.released": {"de": "Spam-Verdacht aufgehoben", "en": "spam suspicion released"},
    "console.inbox.csv.received": {"de": "Eingang", "en": "Received"},
    "console.inbox.csv.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.inbox.csv.page": {"de": "Seite", "en": "Page"},
    "console.inbox.csv.rating": {"de": "Bewertung", "en": "Rating"},
    "console.inbox.csv.helpful": {"de": "Hilfreich", "en": "Helpful"},
    "console.inbox.csv.category": {"de": "Kategorie", "en": "Category"},
    "console.inbox.csv.comment": {"de": "Kommentar", "en": "Comment"},
    "console.inbox.csv.suggestion": {"de": "Vorschlag", "en": "Suggestion"},
    "console.inbox.csv.status": {"de": "Status", "en": "Status"},
    "console.inbox.csv.assignee": {"de": "Zuständig", "en": "Assigned to"},
    "console.inbox.csv.tags": {"de": "Schlagwörter", "en": "Tags"},
    "console.inbox.csv.suspected": {"de": "Verdacht auf Spam", "en": "Suspected spam"},
    "console.inbox.error.from": {
        "de": "Das Datum „Eingang ab“ ist kein gültiger Tag.",
        "en": "“Received from” is not a valid day.",
    },
    "console.inbox.error.to": {
        "de": "Das Datum „Eingang bis“ ist kein gültiger Tag.",
        "en": "“Received until” is not a valid day.",
    },
    "console.inbox.error.range": {
        "de": "Der Zeitraum endet vor seinem Beginn.",
        "en": "The period ends before it starts.",
    },
    "console.inbox.error.move": {
        "de": "Dieser Statuswechsel ist nicht möglich. Die Seite zeigt den aktuellen Stand.",
        "en": "This status change is not possible. The page shows the current state.",
    },
    "console.inbox.error.status": {"de": "Diesen Status gibt es nicht.", "en": "There is no such status."},
    "console.inbox.error.assignee": {
        "de": "Diese Person kann den Kommentar nicht übernehmen: Sie ist unbekannt, deaktiviert oder nicht für diese "
        "Organisationseinheit zuständig.",
        "en": "This person cannot take the comment: unknown, disabled or not staff of this unit.",
    },
    "console.inbox.error.tag": {
        "de": "Ein Schlagwort enthält nicht erlaubte Zeichen oder ist länger als 32 Zeichen.",
        "en": "A tag has characters that are not allowed or is longer than 32 characters.",
    },
    "console.inbox.error.too_many_tags": {"de": "Höchstens 10 Schlagwörter.", "en": "At most 10 tags."},
    "console.inbox.error.note_empty": {"de": "Die Notiz ist leer.", "en": "The note is empty."},
    "console.inbox.error.note_long": {
        "de": "Die Notiz ist länger als 2.000 Zeichen.",
        "en": "The note is longer than 2,000 characters.",
    },
    "console.inbox.error.not_suspected": {
        "de": "Diese Rückmeldung steht nicht unter Spam-Verdacht.",
        "en": "This response is not suspected spam.",
    },
    "console.inbox.error.verdict": {"de": "Unbekannte Entscheidung.", "en": "Unknown verdict."},
    "console.overview.csv.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "console.overview.csv.responses": {"de": "Rückmeldungen", "en": "Responses"},
    "console.overview.csv.helpful": {"de": "Anteil hilfreich (%)", "en": "Helpful (%)"},
    "console.overview.csv.rating": {"de": "Mittlere Bewertung (1–5)", "en": "Mean rating (1–5)"},
    "console.overview.csv.responses_change": {"de": "Veränderung Rückmeldungen (%)", "en": "Change of responses (%)"},
    "console.overview.csv.helpful_change": {
        "de": "Veränderung Anteil hilfreich (Prozentpunkte)",
        "en": "Change of helpful share (points)",
    },
    "console.overview.csv.rating_change": {"de": "Veränderung mittlere Bewertung", "en": "Change of mean rating"},
    "console.dashboard.periods": {"de": "Zeitraum", "en": "Period"},
    "console.dashboard.days": {"de": "{days} Tage", "en": "{days} days"},
    "console.dashboard.period": {
        "de": "Zeitraum {first} bis {last}, verglichen mit {previous_first} bis {previous_last}.",
        "en": "Period {first} to {last}, compared with {previous_first} to {previous_last}.",
    },
    "console.dashboard.trend": {"de": "Verlauf", "en": "Trend"},
    "console.dashboard.figcaption": {
        "de": "Tage mit zu wenigen Antworten für einen Wert bleiben im Linienverlauf frei. Alle Werte stehen in der "
        "Tabelle unter den Diagrammen.",
        "en": "Days without enough answers for a figure are left blank. All figures are in the table below the charts.",
    },
    "console.dashboard.table_summary": {
        "de": "Werte der Diagramme als Tabelle",
        "en": "The charts’ figures as a table",
    },
    "console.dashboard.table_caption": {"de": "Tageswerte {period}", "en": "Figures per day {period}"},
    "console.dashboard.day": {"de": "Tag", "en": "Day"},
    "console.dashboard.trend_csv": {
        "de": "Tageswerte als CSV herunterladen",
        "en": "Download the figures per day as CSV",
    },
    "console.dashboard.change": {"de": "Veränderung", "en": "Change"},
    "console.dashboard.all_units": {"de": "Alle sichtbaren Organisationseinheiten", "en": "All visible org units"},
    "console.dashboard.change_hint": {
        "de": "Veränderung gegenüber dem gleich langen Zeitraum davor: Rückmeldungen in Prozent, Anteil hilfreich in "
        "Prozentpunkten (Pp.), mittlere Bewertung in Sternen.",
        "en": "Change against the period of the same length before: responses in percent, helpful share in points, "
        "mean rating in stars.",
    },
    "console.dashboard.filters": {"de": "Auswertung eingrenzen", "en": "Narrow down the figures"},
    "console.dashboard.category_hint": {
        "de": "Mit Kategorie zählen nur Rückmeldungen, die eine Kategorie angegeben haben.",
        "en": "With a category, only responses that gave one are counted.",
    },
    "console.dashboard.from": {"de": "Von (Tag)", "en": "From (day)"},
    "console.dashboard.to": {"de": "Bis (Tag)", "en": "To (day)"},
    "console.dashboard.key_figures": {"de": "Kennzahlen im Zeitraum", "en": "Key figures of the period"},
    "console.dashboard.distribution": {"de": "Verteilung der Bewertungen", "en": "Distribution of ratings"},
    "console.dashboard.distribution_caption": {
        "de": "Bewertungen im gewählten Zeitraum nach Sternen",
        "en": "Ratings in the chosen period by stars",
    },
    "console.dashboard.stars": {"de": "{stars} von 5 Sternen", "en": "{stars} of 5 stars"},
    "console.dashboard.not_helpful": {"de": "Nicht hilfreich", "en": "Not helpful"},
    "console.dashboard.to_inbox": {
        "de": "Alle Kommentare dieser Einheit im Eingang",
        "en": "All comments of this unit in the inbox",
    },
    "console.dashboard.chart.period": {"de": "{first} bis {last}", "en": "{first} to {last}"},
    "console.dashboard.chart.rating": {
        "de": "Mittlere Bewertung (1–5) je Tag, {name}",
        "en": "Mean rating (1–5) per day, {name}",
    },
    "console.dashboard.chart.helpful": {
        "de": "Anteil „hilfreich“ je Tag, {name}",
        "en": "Share of “helpful” per day, {name}",
    },
    "console.dashboard.chart.volume": {"de": "Rückmeldungen je Tag, {name}", "en": "Responses per day, {name}"},
    "console.dashboard.error.too_long": {
        "de": "Der Zeitraum ist länger als ein Jahr. Bitte wählen Sie einen kürzeren.",
        "en": "The period is longer than a year. Please choose a shorter one.",
    },
    "console.login.signed_in": {"de": "Angemeldet", "en": "Signed in"},
    "console.login.continue": {"de": "Weiter zur Konsole", "en": "Continue to the console"},
    "console.login.oidc": {
        "de": "Mit dem Dienstkonto der Stadt anmelden",
        "en": "Sign in with the city's staff account",
    },
    "console.login.local": {"de": "Oder mit einem lokalen Konto", "en": "Or with a local account"},
    "console.error.oidc.provider": {
        "de": "Die Anmeldung über das Dienstkonto ist gerade nicht möglich. Bitte versuchen Sie es später noch einmal "
        "oder wenden Sie sich an die IT.",
        "en": "Signing in with the staff account is not possible right now. Please try again later or contact IT.",
    },
    "console.error.oidc.expired": {
        "de": "Die Anmeldung ist abgelaufen oder wurde in einem anderen Browser begonnen. Bitte starten Sie sie noch "
        "einmal.",
        "en": "The sign-in expired or was started in another browser. Please start it again.",
    },
    "console.error.oidc.denied": {"de": "Die Anmeldung wurde abgebrochen.", "en": "The sign-in was cancelled."},
    "console.error.oidc.token": {
        "de": "Die Anmeldung konnte nicht bestätigt werden. Bitte versuchen Sie es noch einmal.",
        "en": "The sign-in could not be verified. Please try again.",
    },
    "console.error.oidc.account": {
        "de": "Für Ihr Dienstkonto ist in Stadtstimme kein Zugang eingerichtet. Bitte wenden Sie sich an die "
        "Administration.",
        "en": "Your staff account has no access to Stadtstimme. Please contact the administrators.",
    },
    "console.nav.themes": {"de": "Themen", "en": "Themes"},
    "console.themes.title": {"de": "Themenvorschläge", "en": "Theme suggestions"},
    "console.themes.intro": {
        "de": "Die häufigsten Begriffe und Wortgruppen in Kommentaren und Vorschlägen, gezählt nach der Zahl der "
        "Kommentare, in denen sie vorkommen. Füllwörter sind entfernt, Wortformen zusammengefasst (Termin, "
        "Termine). Spam und Spam-Verdacht zählen nicht mit.",
        "en": "The most frequent terms and phrases in comments and suggestions, counted by the number of comments "
        "they occur in. Filler words are removed, word forms merged. Spam and suspected spam are left out.",
    },
    "console.themes.basis": {
        "de": "Grundlage: {comments} Kommentare der letzten {days} Tage.",
        "en": "Based on {comments} comments of the last {days} days.",
    },
    "console.themes.caption": {
        "de": "Themen, die häufigsten zuerst; ein Klick sucht sie im Eingang",
        "en": "Themes, most frequent first; a click searches the inbox",
    },
    "console.themes.theme": {"de": "Thema", "en": "Theme"},
    "console.themes.kind": {"de": "Art", "en": "Kind"},
    "console.themes.kind.term": {"de": "Begriff", "en": "term"},
    "console.themes.kind.phrase": {"de": "Wortgruppe", "en": "phrase"},
    "console.themes.comments": {"de": "Kommentare", "en": "Comments"},
    "console.themes.empty": {
        "de": "Noch keine wiederkehrenden Themen (ein Thema braucht mindestens zwei Kommentare).",
        "en": "No recurring themes yet (a theme needs at least two comments).",
    },
    "console.overview.publication_csv": {
        "de": "Tabelle für eine Veröffentlichung als CSV herunterladen",
        "en": "Download the table for publication as CSV",
    },
    "console.overview.publication_hint": {
        "de": "Für Pressemitteilungen und Berichte: weniger als 5 Rückmeldungen erscheinen als „< 5“, Anteile und "
        "Mittelwerte aus weniger als 5 Antworten bleiben leer, Veränderungen entfallen.",
        "en": "For press releases and reports: fewer than 5 responses show as “< 5”, shares and means of fewer "
        "than 5 answers stay empty, changes are left out.",
    },
    "notifier.fact.unit": {"de": "Organisationseinheit", "en": "Org unit"},
    "notifier.fact.page": {"de": "Seite", "en": "Page"},
    "notifier.fact.rating": {"de": "Bewertung", "en": "Rating"},
    "notifier.fact.category": {"de": "Kategorie", "en": "Category"},
    "notifier.rating": {"de": "{rating} von 5", "en": "{rating} of 5"},
    "notifier.subject.comment.new": {"de": "Neuer Kommentar für {unit}", "en": "New comment for {unit}"},
    "notifier.subject.accessibility.barrier": {
        "de": "Barriere gemeldet: {unit}",
        "en": "Accessibility barrier reported: {unit}",
    },
    "notifier.summary.comment.new": {
        "de": "Auf einer Seite von {unit} ist ein neuer Kommentar oder Verbesserungsvorschlag eingegangen.",
        "en": "A new comment or suggestion arrived on a page of {unit}.",
    },
    "notifier.summary.accessibility.barrier": {
        "de": "Auf einer Seite von {unit} wurde eine Barriere gemeldet. Bitte prüfen Sie die Meldung im Eingang.",
        "en": "An accessibility barrier was reported on a page of {unit}. Please review it in the inbox.",
    },
    "notifier.subject.group": {"de": "{count} neue Meldungen für {unit}", "en": "{count} new notifications for {unit}"},
    "notifier.summary.group": {
        "de": "Seit der letzten Benachrichtigung sind {count} neue Meldungen eingegangen.",
        "en": "{count} new notifications arrived since the last message.",
    },
    "notifier.subject.satisfaction.raised": {
        "de": "Auffällig viele negative Rückmeldungen: {where}",
        "en": "Unusually negative feedback: {where}",
    },
    "notifier.subject.satisfaction.resolved": {
        "de": "Wieder im üblichen Rahmen: {where}",
        "en": "Back to normal: {where}",
    },
    "notifier.summary.satisfaction.raised": {
        "de": "In der letzten Stunde weicht die Zufriedenheit mit {where} deutlich vom eigenen Durchschnitt der "
        "28 Tage davor ab. Bitte prüfen Sie, ob etwas nicht funktioniert.",
        "en": "In the last hour, satisfaction with {where} departs clearly from its own average of the 28 days "
        "before. Please check whether something is broken.",
    },
    "notifier.summary.satisfaction.resolved": {
        "de": "Die Zufriedenheit mit {where} ist wieder im üblichen Rahmen (oder es gibt zu wenige Antworten, "
        "um sie zu beurteilen).",
        "en": "Satisfaction with {where} is back to normal (or there are too few answers to judge).",
    },
    "notifier.where.unit": {"de": "allen Seiten von {unit}", "en": "all pages of {unit}"},
    "notifier.where.unit_title": {"de": "{unit} (alle Seiten)", "en": "{unit} (all pages)"},
    "notifier.fact.not_helpful": {"de": "„Nicht hilfreich“", "en": "“Not helpful”"},
    "notifier.fact.mean_rating": {"de": "Durchschnittliche Bewertung", "en": "Mean rating"},
    "notifier.fact.answers": {"de": "Antworten in der letzten Stunde", "en": "Answers in the last hour"},
    "notifier.share_against": {"de": "{share} (üblich {baseline})", "en": "{share} (usually {baseline})"},
    "notifier.mean_against": {"de": "{mean} (üblich {baseline})", "en": "{mean} (usually {baseline})"},
    "notifier.too_few": {"de": "zu wenige Antworten", "en": "too few answers"},
    "notifier.fact.month": {"de": "Monat", "en": "Month"},
    "notifier.fact.attempts": {"de": "Versuche", "en": "Attempts"},
    "notifier.fact.last_answer": {"de": "Letzte Antwort", "en": "Last answer"},
    "notifier.fact.due": {"de": "Fällig bis", "en": "Due by"},
    "notifier.sdg.no_answer": {"de": "keine Antwort", "en": "no answer"},
    "notifier.subject.sdg.transfer_failed": {
        "de": "SDG-Übermittlung {month} an die NFK fehlgeschlagen",
        "en": "SDG transfer {month} to the NFK failed",
    },
    "notifier.summary.sdg.transfer_failed": {
        "de": "Die Monatsübermittlung {month} des SDG-Feedbacks an die Nationale Feedback-Komponente ist "
        "nach allen Versuchen fehlgeschlagen. Bitte die Ursache prüfen und erneut senden: "
        "stadtstimme sdg resend {month}.",
        "en": "The monthly transfer {month} of SDG feedback to the national feedback component failed after every "
        "attempt. Please check the cause and send it again: stadtstimme sdg resend {month}.",
    },
    "console.audit.action.sdg_transfer_stored": {
        "de": "SDG-Übermittlung erstellt",
        "en": "SDG transfer built",
    },
    "console.audit.action.sdg_transfer_delivered": {
        "de": "SDG-Übermittlung zugestellt",
        "en": "SDG transfer delivered",
    },
    "console.audit.action.sdg_transfer_failed": {
        "de": "SDG-Übermittlung fehlgeschlagen",
        "en": "SDG transfer failed",
    },
    "notifier.fact.responses": {"de": "Rückmeldungen (zum Vormonat)", "en": "Responses (on the month before)"},
    "notifier.fact.helpful_share": {"de": "Anteil hilfreich", "en": "Share helpful"},
    "notifier.fact.open_comments": {"de": "Offene Kommentare", "en": "Open comments"},
    "notifier.summary.report.monthly": {
        "de": "Der Monatsbericht {month} für {scope}: die Kennzahlen unten, alle Seiten im Anhang (CSV) und im "
        "Bericht.",
        "en": "The monthly report {month} for {scope}: key figures below, every page in the attachment (CSV) and "
        "in the report.",
    },
    "notifier.subject.survey.quota_reached": {
        "de": "Umfrage vollständig: {title}",
        "en": "Survey complete: {title}",
    },
    "notifier.summary.survey.quota_reached": {
        "de": "Die Umfrage „{title}“ hat {quota} Antworten erreicht und wird nicht mehr angezeigt. Die Ergebnisse "
        "stehen in Stadtstimme bereit.",
        "en": "The survey “{title}” has reached {quota} responses and is no longer shown. The results are ready "
        "in Stadtstimme.",
    },
    "notifier.fact.survey": {"de": "Umfrage", "en": "Survey"},
    "notifier.fact.quota": {"de": "Antworten (Kontingent)", "en": "Responses (quota)"},
    "notifier.subject.hackathon.submission": {
        "de": "Neue Einreichung zur Challenge „{challenge}“",
        "en": "New submission for the challenge “{challenge}”",
    },
    "notifier.summary.hackathon.submission": {
        "de": "Ein Team hat im Hackathon „{hackathon}“ eine Lösung zu Ihrer Challenge „{challenge}“ eingereicht.",
        "en": "A team in the hackathon “{hackathon}” submitted a solution to your challenge “{challenge}”.",
    },
    "notifier.subject.hackathon.phase_due": {
        "de": "Geplant: „{phase}“ im Hackathon „{hackathon}“",
        "en": "Planned: “{phase}” in the hackathon “{hackathon}”",
    },
    "notifier.summary.hackathon.phase_due": {
        "de": "Laut Zeitplan beginnt am {at} die Phase „{phase}“. Der Hackathon ist noch nicht so weit: bitte "
        "schalten Sie die Phase weiter, wenn es so bleibt.",
        "en": "According to the schedule the phase “{phase}” starts on {at}. The hackathon has not got there yet: "
        "please move it on if the plan stands.",
    },
    "notifier.fact.phase": {"de": "Phase", "en": "Phase"},
    "hackathon.page.evidence.theme": {
        "de": "Kommentare zum Thema „{theme}“",
        "en": "Comments on “{theme}”",
    },
    "hackathon.page.resend.title": {"de": "Persönlichen Link erneut zusenden", "en": "Send my personal link again"},
    "hackathon.page.resend.intro": {
        "de": "Geben Sie die E-Mail-Adresse an, mit der Sie sich für „{title}“ angemeldet haben. Sie bekommen einen "
        "neuen Link; sobald Sie ihn öffnen, gilt der alte nicht mehr.",
        "en": "Enter the e-mail address you registered for “{title}” with. You will get a new link; once you open it, "
        "the old one stops working.",
    },
    "hackathon.page.resend.submit": {"de": "Link zusenden", "en": "Send the link"},
    "hackathon.page.resend.invalid": {
        "de": "Bitte geben Sie eine E-Mail-Adresse an, zum Beispiel name@example.org.",
        "en": "Please enter an e-mail address, for example name@example.org.",
    },
    "hackathon.page.resend.back": {"de": "Zurück zum Hackathon", "en": "Back to the hackathon"},
    "hackathon.page.link_sent.title": {"de": "Link unterwegs", "en": "Link on its way"},
    "hackathon.page.link_sent.body": {
        "de": "Wenn diese Adresse angemeldet ist, haben wir ihr einen neuen persönlichen Link geschickt.",
        "en": "If this address is registered, we have sent it a new personal link.",
    },
    "hackathon.page.register.lost_link": {
        "de": "Schon angemeldet, aber den Link verloren? Link erneut zusenden",
        "en": "Registered already but lost the link? Send it again",
    },
    "hackathon.page.list.title": {"de": "Hackathons der Stadt", "en": "The city's hackathons"},
    "hackathon.page.list.intro": {
        "de": "Verwaltung und Eigenbetriebe stellen Aufgaben; Teams aus der Bürgerschaft entwickeln offene Lösungen.",
        "en": "The administration and its municipal enterprises pose problems; citizens' teams build open solutions.",
    },
    "hackathon.page.list.item": {
        "de": "{phase}, {challenges} Challenges",
        "en": "{phase}, {challenges} challenges",
    },
    "hackathon.page.list.empty": {"de": "Zurzeit gibt es keinen Hackathon.", "en": "There is no hackathon at present."},
    "notifier.fact.hackathon": {"de": "Hackathon", "en": "Hackathon"},
    "notifier.fact.challenge": {"de": "Challenge", "en": "Challenge"},
    "hackathon.mail.confirm.subject": {
        "de": "Bitte bestätigen Sie Ihre Anmeldung: {title}",
        "en": "Please confirm your registration: {title}",
    },
    "hackathon.mail.confirm.body": {
        "de": "Guten Tag,\n\nmit dieser E-Mail-Adresse wurde eine Anmeldung für „{title}“ abgeschickt. Bitte "
        "bestätigen Sie sie innerhalb von 48 Stunden über diesen Link:\n\n{link}\n\nDanach ist derselbe Link "
        "{days} Tage lang Ihr persönlicher Link: Er bringt Sie in Ihren Teilnahmebereich (Team, Einreichung, "
        "Abstimmung, Ihre Daten). Bitte geben Sie ihn nicht weiter; wer ihn hat, kann in Ihrem Namen handeln.\n\n"
        "Wenn Sie sich nicht angemeldet haben, müssen Sie nichts tun: Ohne Bestätigung löschen wir die Angaben nach "
        "48 Stunden.\n\nDiese Nachricht wurde automatisch versandt.",
        "en": "Hello,\n\na registration for “{title}” was sent with this e-mail address. Please confirm it within 48 "
        "hours with this link:\n\n{link}\n\nFrom then on the same link is your personal link for {days} days: it "
        "takes you to your participant area (team, submission, vote, your data). Please do not pass it on; whoever "
        "has it can act in your name.\n\nIf you did not register, there is nothing to do: without confirmation we "
        "delete the details after 48 hours.\n\nThis message was sent automatically.",
    },
    "hackathon.mail.registered.subject": {
        "de": "Sie sind bereits angemeldet: {title}",
        "en": "You are registered already: {title}",
    },
    "hackathon.mail.registered.body": {
        "de": "Guten Tag,\n\nmit dieser E-Mail-Adresse wurde eben eine Anmeldung für „{title}“ abgeschickt. Sie "
        "sind dort bereits angemeldet; eine zweite Anmeldung ist nicht nötig. Mit diesem Link kommen Sie in Ihren "
        "Teilnahmebereich; er gilt 48 Stunden:\n\n{link}\n\nWenn Sie ihn öffnen, wird er {days} Tage lang Ihr "
        "persönlicher Link, und der bisherige gilt nicht mehr. Bis dahin gilt Ihr bisheriger Link weiter. Bitte "
        "geben Sie den Link nicht weiter; wer ihn hat, kann in Ihrem Namen handeln. Wenn Sie das nicht selbst waren, "
        "müssen Sie nichts tun: Ihre Anmeldung bleibt, wie sie ist.\n\nDiese Nachricht wurde automatisch versandt.",
        "en": "Hello,\n\na registration for “{title}” was just sent with this e-mail address. You are registered "
        "already; there is no need to register again. This link takes you to your participant area; it is valid "
        "for 48 hours:\n\n{link}\n\nWhen you open it, it becomes your personal link for {days} days and the "
        "previous one stops working. Until then your previous link keeps working. Please do not pass the link on; "
        "whoever has it can act in your name. If this was not you, there is nothing to do: your registration stays "
        "as it is.\n\nThis message was sent automatically.",
    },
    "hackathon.mail.link.subject": {
        "de": "Ihr neuer persönlicher Link: {title}",
        "en": "Your new personal link: {title}",
    },
    "hackathon.mail.link.body": {
        "de": "Guten Tag,\n\nfür diese E-Mail-Adresse wurde ein neuer persönlicher Link für „{title}“ angefordert. "
        "Dieser Link bringt Sie in Ihren Bereich (Team, Einreichung, Abstimmung, Ihre Daten); er gilt 48 Stunden:"
        "\n\n{link}\n\nWenn Sie ihn öffnen, wird er {days} Tage lang Ihr persönlicher Link, und der bisherige "
        "gilt nicht mehr. Bis dahin gilt Ihr bisheriger Link weiter. Bitte geben Sie den Link nicht weiter; wer ihn "
        "hat, kann in Ihrem Namen handeln. Wenn Sie das nicht selbst waren, müssen Sie nichts tun. Ihr Name und Ihre "
        "E-Mail-Adresse werden nur für diesen Hackathon gespeichert, und Sie können sie dort jederzeit löschen."
        "\n\nDiese Nachricht wurde automatisch versandt.",
        "en": "Hello,\n\na new personal link for “{title}” was requested for this e-mail address. This link takes "
        "you to your area (team, submission, vote, your data); it is valid for 48 hours:\n\n{link}\n\nWhen you "
        "open it, it becomes your personal link for {days} days and the previous one stops working. Until then your "
        "previous link keeps working. Please do not pass the link on; whoever has it can act in your name. If this "
        "was not you, there is nothing to do. Your name and e-mail address are kept for this hackathon only, and you "
        "can delete them there at any time.\n\nThis message was sent automatically.",
    },
    "notifier.subject.repeat": {"de": "Weiterhin: {subject}", "en": "Still: {subject}"},
    "notifier.summary.repeat": {
        "de": "Diese Meldung besteht seit {since} weiter. {summary}",
        "en": "This has been going on since {since}. {summary}",
    },
    "notifier.subject.escalate": {
        "de": "Unbearbeitet seit {after}: {subject}",
        "en": "Unhandled for {after}: {subject}",
    },
    "notifier.summary.escalate": {
        "de": "Diese Meldung ist seit {after} weder übernommen noch erledigt worden; Sie erhalten sie als "
        "Eskalation. {summary}",
        "en": "Nobody has taken this on or resolved it for {after}; you get it as an escalation. {summary}",
    },
    "notifier.channel.items": {"de": "Einträge", "en": "Entries"},
    "notifier.channel.open": {"de": "In Stadtstimme öffnen", "en": "Open in Stadtstimme"},
    "notifier.channel.occurred_at": {"de": "Zeitpunkt", "en": "Time"},
    "notifier.channel.more_items": {
        "de": "… und {count} weitere (in Stadtstimme einsehbar)",
        "en": "… and {count} more (see Stadtstimme)",
    },
    "notifier.channel.footer": {
        "de": "Diese Nachricht hat Stadtstimme automatisch versandt, weil Sie für diese Benachrichtigungen "
        "eingetragen sind. Bitte antworten Sie nicht auf diese E-Mail.",
        "en": "Stadtstimme sent this message automatically because you are subscribed to these notifications. "
        "Please do not reply to this e-mail.",
    },
    "console.alerts.title": {"de": "Auffälligkeiten", "en": "Alerts"},
    "console.alerts.intro": {
        "de": "In der letzten Stunde deutlich schlechter bewertet als in den 28 Tagen davor:",
        "en": "Rated clearly worse in the last hour than in the 28 days before:",
    },
    "console.alerts.since": {"de": "seit {since}", "en": "since {since}"},
    "console.alerts.unit": {"de": "{unit} (alle Seiten)", "en": "{unit} (all pages)"},
    "console.alerts.share": {
        "de": "„nicht hilfreich“ {share} (üblich {baseline})",
        "en": "“not helpful” {share} (usually {baseline})",
    },
    "console.alerts.mean": {
        "de": "Bewertung {mean} (üblich {baseline})",
        "en": "rating {mean} (usually {baseline})",
    },
    "hackathon.phase.entwurf": {
        "de": "Entwurf",
        "en": "Draft",
    },
    "hackathon.phase.challenges_sammeln": {
        "de": "Challenges sammeln",
        "en": "Collecting challenges",
    },
    "hackathon.phase.anmeldung_offen": {
        "de": "Anmeldung offen",
        "en": "Registration open",
    },
    "hackathon.phase.hackathon_laeuft": {
        "de": "Hackathon läuft",
        "en": "Hackathon running",
    },
    "hackathon.phase.einreichung_geschlossen": {
        "de": "Einreichung geschlossen",
        "en": "Submissions closed",
    },
    "hackathon.phase.jurierung": {
        "de": "Jurierung",
        "en": "Judging",
    },
    "hackathon.phase.ergebnisse_veroeffentlicht": {
        "de": "Ergebnisse veröffentlicht",
        "en": "Results published",
    },
    "hackathon.phase.archiv": {
        "de": "Archiv",
        "en": "Archive",
    },
    "hackathon.refused.invalid": {
        "de": "Die Angaben sind ungültig ({fields}).",
        "en": "The data is invalid ({fields}).",
    },
    "hackathon.refused.exists": {
        "de": "Einen Hackathon mit dieser Kennung gibt es schon.",
        "en": "A hackathon with this id exists already.",
    },
    "hackathon.refused.budget_below_awards": {
        "de": "Das Hackathon-Budget {year} kann nicht unter die bereits ausgegebenen und vergebenen {awarded} sinken.",
        "en": "The {year} hackathon budget cannot go below the {awarded} already spent and awarded.",
    },
    "hackathon.refused.unknown_juror": {
        "de": "Es gibt kein aktives Mitarbeiterkonto „{juror}“.",
        "en": "There is no active staff account “{juror}”.",
    },
    "hackathon.refused.unknown": {
        "de": "Diesen Hackathon gibt es nicht.",
        "en": "There is no such hackathon.",
    },
    "hackathon.refused.phase": {
        "de": "Das ist in der Phase „{phase}“ nicht möglich.",
        "en": "That is not possible in the phase “{phase}”.",
    },
    "hackathon.refused.same_phase": {
        "de": "Der Hackathon ist bereits in dieser Phase.",
        "en": "The hackathon is in this phase already.",
    },
    "hackathon.refused.phase_order": {
        "de": "Phasen folgen aufeinander: von „{phase}“ geht es nur zur nächsten (oder eine zurück, solange die "
        "Ergebnisse nicht veröffentlicht sind).",
        "en": "Phases follow one another: from “{phase}” only to the next (or back one, until the results are "
        "published).",
    },
    "hackathon.refused.no_jurors": {
        "de": "Die Jurierung beginnt erst, wenn mindestens eine Jurorin oder ein Juror eingeladen ist.",
        "en": "Judging starts only once at least one juror is invited.",
    },
    "hackathon.refused.registered": {
        "de": "Sie sind bereits angemeldet.",
        "en": "You are registered already.",
    },
    "hackathon.refused.unknown_link": {
        "de": "Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie den ganzen Link aus der neuesten E-Mail verwendet "
        "haben, oder melden Sie sich noch einmal an.",
        "en": "This link is not valid. Please check that you used the whole link from the latest e-mail, or register "
        "again.",
    },
    "hackathon.refused.link_expired": {
        "de": "Dieser Link ist abgelaufen: Eine Anmeldung muss innerhalb von 48 Stunden bestätigt werden. Bitte "
        "melden Sie sich noch einmal an.",
        "en": "This link has expired: a registration must be confirmed within 48 hours. Please register again.",
    },
    "hackathon.refused.not_registered": {
        "de": "Bitte melden Sie sich zuerst zum Hackathon an.",
        "en": "Please register for the hackathon first.",
    },
    "hackathon.refused.in_a_team": {
        "de": "Sie sind bereits in einem Team. Verlassen Sie es zuerst.",
        "en": "You are in a team already. Leave it first.",
    },
    "hackathon.refused.team_name_taken": {
        "de": "Den Teamnamen „{name}“ gibt es schon. Bitte wählen Sie einen anderen.",
        "en": "The team name “{name}” is taken. Please choose another.",
    },
    "hackathon.refused.unknown_team": {
        "de": "Dieses Team gibt es nicht. Bitte prüfen Sie den Beitrittscode.",
        "en": "There is no such team. Please check the join code.",
    },
    "hackathon.refused.team_full": {
        "de": "Das Team ist voll (höchstens {size} Personen).",
        "en": "The team is full (at most {size} people).",
    },
    "hackathon.refused.not_in_a_team": {
        "de": "Sie sind in keinem Team.",
        "en": "You are not in a team.",
    },
    "hackathon.refused.deadline": {
        "de": "Die Einreichungsfrist ist abgelaufen; Einreichungen können nicht mehr geändert werden.",
        "en": "The submission deadline has passed; submissions can no longer be changed.",
    },
    "hackathon.refused.unknown_challenge": {
        "de": "Diese Challenge gibt es nicht.",
        "en": "There is no such challenge.",
    },
    "hackathon.refused.not_your_submission": {
        "de": "Diese Einreichung gehört einem anderen Team.",
        "en": "This submission belongs to another team.",
    },
    "hackathon.refused.juror_invited": {
        "de": "Diese Person ist bereits in der Jury.",
        "en": "This person is on the jury already.",
    },
    "hackathon.refused.conflict_declared": {
        "de": "Dieser Interessenkonflikt ist bereits erklärt.",
        "en": "This conflict of interest is declared already.",
    },
    "hackathon.refused.not_a_juror": {
        "de": "Sie gehören nicht zur Jury dieses Hackathons.",
        "en": "You are not on this hackathon's jury.",
    },
    "hackathon.refused.unknown_submission": {
        "de": "Diese Einreichung gibt es nicht.",
        "en": "There is no such submission.",
    },
    "hackathon.refused.conflict": {
        "de": "Wegen eines Interessenkonflikts können Sie diese Einreichung nicht bewerten.",
        "en": "You cannot score this submission because of a conflict of interest.",
    },
    "hackathon.refused.unknown_criterion": {
        "de": "Das Kriterium „{criterion}“ gibt es in diesem Hackathon nicht.",
        "en": "This hackathon has no criterion “{criterion}”.",
    },
    "hackathon.refused.score_range": {
        "de": "Punkte gehen von 1 bis 10.",
        "en": "Scores go from 1 to 10.",
    },
    "hackathon.refused.unknown_scorecard": {
        "de": "Diesen Bewertungsbogen gibt es nicht.",
        "en": "There is no such scorecard.",
    },
    "hackathon.refused.excluded": {
        "de": "Dieser Bewertungsbogen ist bereits ausgeschlossen.",
        "en": "This scorecard is excluded already.",
    },
    "hackathon.refused.reason": {
        "de": "Bitte begründen Sie den Ausschluss (mindestens 10 Zeichen).",
        "en": "Please give a reason for the exclusion (at least 10 characters).",
    },
    "hackathon.refused.no_vote": {
        "de": "Dieser Hackathon hat keinen Publikumspreis.",
        "en": "This hackathon has no community award.",
    },
    "hackathon.refused.own_team": {
        "de": "Für ein Team, in dem Sie sind oder waren, können Sie nicht abstimmen.",
        "en": "You cannot vote for a team you are or were in.",
    },
    "hackathon.refused.too_many": {
        "de": "Von Ihrem Anschluss kamen in kurzer Zeit viele Anmeldungen oder Link-Anfragen. Bitte versuchen Sie es "
        "in einigen Minuten noch einmal.",
        "en": "Many registrations or link requests came from your connection in a short time. Please try again in a "
        "few minutes.",
    },
    "hackathon.refused.token_expired": {
        "de": "Ihr persönlicher Link gilt nicht mehr: Er gilt {days} Tage und längstens bis zum Ende des Hackathons. "
        "Einen neuen Link bekommen Sie über „Persönlichen Link erneut zusenden“.",
        "en": "Your personal link no longer works: it is valid for {days} days and until the hackathon ends at most. "
        "You get a new link with “Send my personal link again”.",
    },
    "hackathon.refused.sign_in_link_expired": {
        "de": "Dieser Link ist abgelaufen: Er gilt 48 Stunden. Bitte fordern Sie über „Persönlichen Link erneut "
        "zusenden“ einen neuen an.",
        "en": "This link has expired: it is valid for 48 hours. Please ask for a new one with “Send my personal link "
        "again”.",
    },
    "hackathon.refused.erased": {
        "de": "Diese Angaben wurden auf Wunsch gelöscht und können nicht mehr geändert werden.",
        "en": "This was erased on request and can no longer be changed.",
    },
    # What stands where a participant's erased text was (issue 16): a neutral team name, and "(gelöscht)".
    "hackathon.team.neutral": {"de": "Team {number}", "en": "Team {number}"},
    "hackathon.erased": {"de": "(gelöscht)", "en": "(erased)"},
    "hackathon.refused.amount": {
        "de": "Der Betrag muss größer als 0 sein.",
        "en": "The amount must be more than 0.",
    },
    "hackathon.refused.budget": {
        "de": "Das übersteigt das Hackathon-Budget {year} (Ausgaben und Preise zusammen): es sind noch {left} übrig.",
        "en": "That exceeds the {year} hackathon budget (expenses and prizes together): {left} are left.",
    },
    "hackathon.console.nav": {"de": "Hackathons", "en": "Hackathons"},
    "hackathon.console.list.title": {"de": "Hackathons", "en": "Hackathons"},
    "hackathon.console.list.caption": {"de": "Alle Hackathons mit ihrer Phase", "en": "All hackathons and their phase"},
    "hackathon.console.list.empty": {"de": "Es gibt noch keinen Hackathon.", "en": "There is no hackathon yet."},
    "hackathon.console.col.title": {"de": "Titel", "en": "Title"},
    "hackathon.console.col.year": {"de": "Jahr", "en": "Year"},
    "hackathon.console.col.phase": {"de": "Phase", "en": "Phase"},
    "hackathon.console.col.starts": {"de": "Beginnt", "en": "Starts"},
    "hackathon.console.col.team": {"de": "Team", "en": "Team"},
    "hackathon.console.col.members": {"de": "Mitglieder", "en": "Members"},
    "hackathon.console.col.submission": {"de": "Einreichung", "en": "Submission"},
    "hackathon.console.col.challenge": {"de": "Challenge", "en": "Challenge"},
    "hackathon.console.col.licence": {"de": "Lizenz", "en": "Licence"},
    "hackathon.console.col.links": {"de": "Links", "en": "Links"},
    "hackathon.console.col.amount": {"de": "Betrag", "en": "Amount"},
    "hackathon.console.col.prize": {"de": "Preis", "en": "Prize"},
    "hackathon.console.col.rank": {"de": "Platz", "en": "Rank"},
    "hackathon.console.col.score": {"de": "Punkte", "en": "Score"},
    "hackathon.console.col.counted": {"de": "Gezählt", "en": "Counted"},
    "hackathon.console.col.excluded": {"de": "Ausgeschlossen", "en": "Excluded"},
    "hackathon.console.col.incomplete": {"de": "Unvollständig", "en": "Incomplete"},
    "hackathon.console.col.conflicted": {"de": "Interessenkonflikt", "en": "Conflict of interest"},
    "hackathon.console.col.status": {"de": "Stand", "en": "Status"},
    "hackathon.console.col.unit": {"de": "Organisationseinheit", "en": "Organisational unit"},
    "hackathon.console.back": {"de": "Zurück zu allen Hackathons", "en": "Back to all hackathons"},
    "hackathon.console.back_overview": {"de": "Zurück zum Hackathon", "en": "Back to the hackathon"},
    "hackathon.console.phase": {"de": "Aktuelle Phase: {phase}", "en": "Current phase: {phase}"},
    "hackathon.console.schedule": {"de": "Zeitplan", "en": "Schedule"},
    "hackathon.console.schedule.caption": {"de": "Geplanter Beginn der Phasen", "en": "Planned start of the phases"},
    "hackathon.console.schedule.none": {"de": "Kein Zeitplan hinterlegt.", "en": "No schedule given."},
    "hackathon.console.move.title": {"de": "Phase ändern", "en": "Change the phase"},
    "hackathon.console.move.next": {"de": "Weiter zu „{phase}“", "en": "On to “{phase}”"},
    "hackathon.console.move.back": {"de": "Zurück zu „{phase}“", "en": "Back to “{phase}”"},
    "hackathon.console.challenges": {"de": "Challenges", "en": "Challenges"},
    "hackathon.console.challenges.caption": {
        "de": "Challenges der Verwaltung",
        "en": "The administration's challenges",
    },
    "hackathon.console.teams": {"de": "Teams", "en": "Teams"},
    "hackathon.console.teams.caption": {"de": "Teams und ihre Größe", "en": "Teams and their size"},
    "hackathon.console.submissions": {"de": "Einreichungen", "en": "Submissions"},
    "hackathon.console.submissions.caption": {"de": "Eingereichte Lösungen", "en": "Solutions submitted"},
    "hackathon.console.link.repository": {"de": "Quellcode", "en": "Source code"},
    "hackathon.console.link.demo": {"de": "Demo", "en": "Demo"},
    "hackathon.console.none": {"de": "Noch keine.", "en": "None yet."},
    "hackathon.console.ledger": {"de": "Hackathon-Budget {year}", "en": "Hackathon budget {year}"},
    "hackathon.console.ledger.expenses": {"de": "Ausgaben", "en": "Expenses"},
    "hackathon.console.ledger.link": {
        "de": "Kassenbuch {year}: Ausgaben buchen und exportieren",
        "en": "Ledger {year}: book and export expenses",
    },
    "hackathon.console.ledger.budget": {"de": "Budget", "en": "Budget"},
    "hackathon.console.ledger.awarded": {"de": "Preise vergeben", "en": "Prizes awarded"},
    "hackathon.console.ledger.left": {"de": "Übrig", "en": "Left"},
    "hackathon.console.ledger.hint": {
        "de": "Das Budget gilt für alle Hackathons des Jahres zusammen und zahlt Ausgaben und Preise.",
        "en": "The budget is shared by all hackathons of the year and pays expenses and prizes.",
    },
    "hackathon.console.awards": {"de": "Preise", "en": "Prizes"},
    "hackathon.console.awards.caption": {"de": "Vergebene Preise", "en": "Prizes awarded"},
    "hackathon.console.ranking": {"de": "Rangfolge bisher", "en": "Ranking so far"},
    "hackathon.console.ranking.caption": {
        "de": "Rangfolge der Jury mit den Bewertungsbögen, die zählen und die nicht zählen",
        "en": "The jury's ranking with the scorecards that count and those that do not",
    },
    "hackathon.console.ranking.tied": {"de": "(gleichauf)", "en": "(tied)"},
    "hackathon.console.ranking.hint": {
        "de": "Es zählen nur vollständige, nicht ausgeschlossene Bewertungsbögen von Jurorinnen und Juroren ohne "
        "Interessenkonflikt.",
        "en": "Only complete scorecards that are not excluded, by jurors without a conflict of interest, count.",
    },
    "hackathon.console.jury": {"de": "Jury", "en": "Jury"},
    "hackathon.console.jury.members": {"de": "In der Jury: {names}", "en": "On the jury: {names}"},
    "hackathon.console.jury.none": {"de": "Noch niemand ist in der Jury.", "en": "Nobody is on the jury yet."},
    "hackathon.console.invite.label": {
        "de": "Benutzername eines Mitarbeiterkontos",
        "en": "User name of a staff account",
    },
    "hackathon.console.invite.submit": {"de": "In die Jury einladen", "en": "Invite to the jury"},
    "hackathon.console.mine": {"de": "Meine Bewertungen", "en": "My scorecards"},
    "hackathon.console.mine.caption": {
        "de": "Die Einreichungen und der Stand Ihrer Bewertung",
        "en": "The submissions and the status of your scorecard",
    },
    "hackathon.console.status.complete": {"de": "vollständig", "en": "complete"},
    "hackathon.console.status.incomplete": {"de": "unvollständig", "en": "incomplete"},
    "hackathon.console.status.missing": {"de": "noch nicht bewertet", "en": "not scored yet"},
    "hackathon.console.status.conflict": {"de": "Interessenkonflikt", "en": "conflict of interest"},
    "hackathon.console.status.excluded": {"de": "ausgeschlossen", "en": "excluded"},
    "hackathon.console.exclude.title": {"de": "Bewertungsbogen ausschließen", "en": "Exclude a scorecard"},
    "hackathon.console.exclude.card": {"de": "Bewertungsbogen", "en": "Scorecard"},
    "hackathon.console.exclude.option": {"de": "{juror}: {title}", "en": "{juror}: {title}"},
    "hackathon.console.exclude.reason": {"de": "Begründung des Ausschlusses", "en": "Reason for the exclusion"},
    "hackathon.console.exclude.hint": {"de": "Mindestens 10 Zeichen.", "en": "At least 10 characters."},
    "hackathon.console.exclude.submit": {"de": "Ausschließen", "en": "Exclude"},
    "hackathon.console.statement.title": {"de": "Stellungnahme der Jury", "en": "The jury's statement"},
    "hackathon.console.statement.text": {"de": "Stellungnahme", "en": "Statement"},
    "hackathon.console.statement.submit": {"de": "Stellungnahme speichern", "en": "Save the statement"},
    "hackathon.console.award.title": {"de": "Preis vergeben", "en": "Grant a prize"},
    "hackathon.console.award.amount": {"de": "Betrag in Euro", "en": "Amount in euros"},
    "hackathon.console.award.amount_hint": {
        "de": "Zum Beispiel 2.500 oder 2500,00",
        "en": "For example 2.500 or 2500,00",
    },
    "hackathon.console.award.name": {"de": "Bezeichnung des Preises", "en": "Name of the prize"},
    "hackathon.console.award.justification": {"de": "Begründung", "en": "Justification"},
    "hackathon.console.award.submit": {"de": "Preis vergeben", "en": "Grant the prize"},
    "hackathon.console.done.phase": {"de": "Die Phase ist geändert.", "en": "The phase is changed."},
    "hackathon.console.done.juror": {"de": "Die Einladung in die Jury ist gespeichert.", "en": "The juror is invited."},
    "hackathon.console.done.excluded": {
        "de": "Der Bewertungsbogen ist ausgeschlossen.",
        "en": "The scorecard is excluded.",
    },
    "hackathon.console.done.statement": {"de": "Die Stellungnahme ist gespeichert.", "en": "The statement is saved."},
    "hackathon.console.done.award": {"de": "Der Preis ist vergeben.", "en": "The prize is granted."},
    "hackathon.console.done.scorecard": {"de": "Ihre Bewertung ist gespeichert.", "en": "Your scorecard is saved."},
    "hackathon.console.error.form": {
        "de": "Bitte füllen Sie alle Felder dieses Formulars aus.",
        "en": "Please fill in every field of this form.",
    },
    "hackathon.console.error.amount": {
        "de": "Bitte geben Sie den Betrag in Euro an, zum Beispiel 2.500 oder 2500,00.",
        "en": "Please give the amount in euros, for example 2.500 or 2500,00.",
    },
    "hackathon.console.error.juror": {
        "de": "Bitte geben Sie den Benutzernamen eines Mitarbeiterkontos ein.",
        "en": "Please enter the user name of a staff account.",
    },
    "hackathon.console.error.scorecard": {
        "de": "Bitte wählen Sie einen Bewertungsbogen.",
        "en": "Please choose a scorecard.",
    },
    "hackathon.console.error.submission": {
        "de": "Bitte wählen Sie eine Einreichung.",
        "en": "Please choose a submission.",
    },
    "hackathon.console.error.statement": {
        "de": "Bitte schreiben Sie die Stellungnahme der Jury.",
        "en": "Please write the jury's statement.",
    },
    "hackathon.console.error.award_title": {
        "de": "Bitte geben Sie dem Preis eine Bezeichnung (mindestens 3 Zeichen).",
        "en": "Please name the prize (at least 3 characters).",
    },
    "hackathon.console.error.justification": {
        "de": "Bitte begründen Sie den Preis.",
        "en": "Please give the reason for the prize.",
    },
    "hackathon.console.error.budget": {
        "de": "Bitte geben Sie das Budget in Euro an, zum Beispiel 10.000 oder 10000,00 (höchstens 1.000.000).",
        "en": "Please give the budget in euros, e.g. 10.000 or 10000,00 (at most 1.000.000).",
    },
    "hackathon.console.error.team": {"de": "Bitte wählen Sie ein Team.", "en": "Please choose a team."},
    "hackathon.console.error.conflict_reason": {
        "de": "Bitte nennen Sie den Grund des Interessenkonflikts.",
        "en": "Please state the reason for the conflict of interest.",
    },
    "hackathon.console.error.no_unit": {
        "de": "Ihrem Konto ist keine Organisationseinheit zugeordnet; Challenges stellen Mitarbeitende einer Einheit.",
        "en": "Your account belongs to no organisational unit; challenges are posted by a unit's staff.",
    },
    "hackathon.console.error.challenge.org_unit": {
        "de": "Bitte wählen Sie die Organisationseinheit.",
        "en": "Please choose the organisational unit.",
    },
    "hackathon.console.error.challenge.title": {
        "de": "Bitte geben Sie einen Titel mit 3 bis 160 Zeichen ein.",
        "en": "Please enter a title of 3 to 160 characters.",
    },
    "hackathon.console.error.challenge.problem": {
        "de": "Bitte beschreiben Sie das Problem.",
        "en": "Please describe the problem.",
    },
    "hackathon.console.error.challenge.context": {
        "de": "Der Hintergrund ist zu lang (höchstens 10.000 Zeichen).",
        "en": "The context is too long (at most 10,000 characters).",
    },
    "hackathon.console.error.challenge.data_links": {
        "de": "Bitte geben Sie je Zeile eine vollständige Web-Adresse an (https://…), höchstens 20.",
        "en": "Please give one full web address per line (https://…), at most 20.",
    },
    "hackathon.console.error.challenge.contact": {
        "de": "Bitte nennen Sie einen Kontakt, zum Beispiel ein Funktionspostfach.",
        "en": "Please name a contact, e.g. a team mailbox.",
    },
    "hackathon.console.error.challenge.expected_outcome": {
        "de": "Bitte beschreiben Sie das erwartete Ergebnis.",
        "en": "Please describe the expected outcome.",
    },
    "hackathon.console.error.challenge.evidence_pages": {
        "de": "Bitte geben Sie je Zeile die Adresse einer Seite an, höchstens 20.",
        "en": "Please give one page address per line, at most 20.",
    },
    "hackathon.console.error.challenge.evidence_theme": {
        "de": "Das Thema braucht 2 bis 80 Zeichen.",
        "en": "The theme needs 2 to 80 characters.",
    },
    "hackathon.console.done.budget": {
        "de": "Das Hackathon-Budget ist gespeichert.",
        "en": "The hackathon budget is saved.",
    },
    "hackathon.console.done.conflict": {
        "de": "Ihr Interessenkonflikt ist gespeichert; Ihre Bewertungen dieses Teams zählen nicht.",
        "en": "Your conflict of interest is saved; your scores for this team do not count.",
    },
    "hackathon.console.done.challenge": {"de": "Die Challenge ist gespeichert.", "en": "The challenge is saved."},
    "hackathon.console.conflict.title": {"de": "Interessenkonflikt erklären", "en": "Declare a conflict of interest"},
    "hackathon.console.conflict.hint": {
        "de": "Kennen Sie ein Team persönlich oder betreuen es, erklären Sie das hier. Sie bewerten es dann nicht.",
        "en": "If you know or mentor a team, declare it here. You will then not score it.",
    },
    "hackathon.console.conflict.team": {"de": "Team", "en": "Team"},
    "hackathon.console.conflict.reason": {"de": "Grund", "en": "Reason"},
    "hackathon.console.conflict.submit": {"de": "Interessenkonflikt erklären", "en": "Declare conflict of interest"},
    "hackathon.console.challenge.new": {"de": "Neue Challenge stellen", "en": "Post a new challenge"},
    "hackathon.console.challenge.new_title": {"de": "Neue Challenge", "en": "New challenge"},
    "hackathon.console.challenge.edit_title": {
        "de": "Challenge bearbeiten: {title}",
        "en": "Revise challenge: {title}",
    },
    "hackathon.console.challenge.revision": {"de": "Fassung {revision}", "en": "Revision {revision}"},
    "hackathon.console.challenge.phase": {
        "de": "Challenges werden in den Phasen „Entwurf“ und „Challenges sammeln“ gestellt und bis "
        "„Anmeldung offen“ überarbeitet; jetzt ist die Phase „{phase}“.",
        "en": "Challenges are posted while in draft or collecting challenges and revised until registration "
        "is open; the phase now is {phase}.",
    },
    "hackathon.console.challenge.optional": {"de": "(freiwillig)", "en": "(optional)"},
    "hackathon.console.challenge.field.org_unit": {"de": "Organisationseinheit", "en": "Organisational unit"},
    "hackathon.console.challenge.field.title": {"de": "Titel", "en": "Title"},
    "hackathon.console.challenge.field.problem": {"de": "Problembeschreibung", "en": "Problem"},
    "hackathon.console.challenge.field.context": {"de": "Hintergrund", "en": "Context"},
    "hackathon.console.challenge.field.data_links": {"de": "Verfügbare Daten (Links)", "en": "Available data (links)"},
    "hackathon.console.challenge.field.contact": {"de": "Kontakt", "en": "Contact"},
    "hackathon.console.challenge.field.expected_outcome": {"de": "Erwartetes Ergebnis", "en": "Expected outcome"},
    "hackathon.console.challenge.field.evidence_pages": {"de": "Seiten", "en": "Pages"},
    "hackathon.console.challenge.field.evidence_theme": {"de": "Thema der Kommentare", "en": "Comment theme"},
    "hackathon.console.challenge.hint.data_links": {
        "de": "Eine Web-Adresse je Zeile, zum Beispiel zum Open-Data-Portal.",
        "en": "One web address per line, e.g. to the open data portal.",
    },
    "hackathon.console.challenge.hint.contact": {
        "de": "Ein Funktionspostfach oder Team, keine private Adresse.",
        "en": "A team mailbox or team, not a private address.",
    },
    "hackathon.console.challenge.hint.evidence_pages": {
        "de": "Eine Seitenadresse je Zeile; die öffentliche Seite zeigt deren Zufriedenheit der letzten 90 Tage.",
        "en": "One page address per line; the public page shows their satisfaction of the last 90 days.",
    },
    "hackathon.console.challenge.hint.evidence_theme": {
        "de": "Ein Suchbegriff wie „Termin“; gezählt werden die Kommentare zu Ihren Seiten.",
        "en": "A search term such as 'Termin'; the comments on your unit's pages are counted.",
    },
    "hackathon.console.challenge.evidence": {
        "de": "Belege aus den Rückmeldungen",
        "en": "Evidence from citizen feedback",
    },
    "hackathon.console.challenge.evidence_hint": {
        "de": "Nur Kennzahlen werden veröffentlicht, nichts unter 5 Antworten.",
        "en": "Only figures are published, nothing below 5 answers.",
    },
    "hackathon.console.challenge.submit": {"de": "Challenge speichern", "en": "Save challenge"},
    "hackathon.console.col.revision": {"de": "Fassung", "en": "Revision"},
    "hackathon.console.budget.label": {
        "de": "Hackathon-Budget {year} in Euro",
        "en": "Hackathon budget {year} in euros",
    },
    "hackathon.console.budget.hint": {
        "de": "Zum Beispiel 10.000 oder 10000,00; nicht weniger als schon ausgegeben und vergeben.",
        "en": "E.g. 10.000 or 10000,00; not less than already spent and granted.",
    },
    "hackathon.console.budget.submit": {"de": "Budget speichern", "en": "Save budget"},
    "hackathon.console.error.unavailable": {
        "de": "Das ist gerade nicht möglich. Bitte versuchen Sie es in einigen Minuten noch einmal.",
        "en": "That is not possible right now. Please try again in a few minutes.",
    },
    "hackathon.console.error.title": {"de": "Kein Zugriff", "en": "No access"},
    "hackathon.console.error.not_a_juror": {
        "de": "Bewerten können nur die Jurorinnen und Juroren dieses Hackathons.",
        "en": "Only this hackathon's jurors can score.",
    },
    "hackathon.console.score.title": {"de": "Bewertung: {title}", "en": "Scorecard: {title}"},
    "hackathon.console.score.intro": {
        "de": "Vergeben Sie für jedes Kriterium 1 (schwach) bis 10 (hervorragend) Punkte. Ein Bogen zählt erst, "
        "wenn alle Kriterien bewertet sind.",
        "en": "Give each criterion 1 (weak) to 10 (excellent) points. A scorecard counts only once every criterion "
        "is scored.",
    },
    "hackathon.console.score.scores": {"de": "Punkte je Kriterium", "en": "Points per criterion"},
    "hackathon.console.score.criterion": {
        "de": "{name} (Gewichtung {weight})",
        "en": "{name} (weight {weight})",
    },
    "hackathon.console.score.none": {"de": "noch nicht bewertet", "en": "not scored yet"},
    "hackathon.console.score.comment": {"de": "Kommentar (freiwillig)", "en": "Comment (optional)"},
    "hackathon.console.score.submit": {"de": "Bewertung speichern", "en": "Save the scorecard"},
    "hackathon.console.score.conflict": {
        "de": "Sie können diese Einreichung nicht bewerten: Sie haben einen Interessenkonflikt mit dem Team erklärt "
        "(„{reason}“).",
        "en": "You cannot score this submission: you declared a conflict of interest with the team (“{reason}”).",
    },
    "hackathon.console.score.phase": {
        "de": "Bewertet wird in der Phase „{jurierung}“; jetzt ist die Phase „{phase}“.",
        "en": "Scoring happens in the phase “{jurierung}”; the phase now is “{phase}”.",
    },
    "hackathon.console.create.link": {"de": "Neuen Hackathon anlegen", "en": "Create a new hackathon"},
    "hackathon.console.create.title": {"de": "Neuer Hackathon", "en": "New hackathon"},
    "hackathon.console.create.intro": {
        "de": "Der Hackathon beginnt in der Phase „Entwurf“ und ist erst ab „Challenges sammeln“ öffentlich.",
        "en": "The hackathon starts as a draft and is public from “collecting challenges” on.",
    },
    "hackathon.console.create.field.title": {"de": "Titel", "en": "Title"},
    "hackathon.console.create.hint.title": {
        "de": "Aus Titel und Jahr entsteht die Kennung in der Adresse, zum Beispiel rathaus-hackt-2027.",
        "en": "The id in the address comes from the title and year, e.g. rathaus-hackt-2027.",
    },
    "hackathon.console.create.field.year": {"de": "Jahr", "en": "Year"},
    "hackathon.console.create.hint.year": {
        "de": "Ausgaben und Preise kommen aus dem Hackathon-Budget dieses Jahres.",
        "en": "Expenses and prizes come from this year's hackathon budget.",
    },
    "hackathon.console.create.field.description": {"de": "Beschreibung", "en": "Description"},
    "hackathon.console.create.schedule": {"de": "Zeitplan (freiwillig)", "en": "Schedule (optional)"},
    "hackathon.console.create.schedule_hint": {
        "de": "Geplanter Beginn je Phase: Datum als TT.MM.JJJJ, Uhrzeit als HH:MM (Ortszeit Berlin). Leer lassen, "
        "was noch nicht feststeht. Die Phase wechselt trotzdem erst, wenn Sie sie weiterschalten.",
        "en": "Planned start per phase: date as DD.MM.YYYY, time as HH:MM (Berlin time). Leave empty what is "
        "not fixed yet. The phase still changes only when you move it on.",
    },
    "hackathon.console.create.day": {"de": "{phase}: Datum", "en": "{phase}: date"},
    "hackathon.console.create.time": {"de": "{phase}: Uhrzeit", "en": "{phase}: time"},
    "hackathon.console.create.criteria": {"de": "Kriterien der Jury", "en": "The jury's criteria"},
    "hackathon.console.create.criteria_hint": {
        "de": "Bis zu 6 Kriterien, jedes mit einer Gewichtung von 1 bis 100; leere Zeilen zählen nicht.",
        "en": "Up to 6 criteria, each weighted 1 to 100; empty rows do not count.",
    },
    "hackathon.console.create.criterion_name": {"de": "Kriterium {row}: Name", "en": "Criterion {row}: name"},
    "hackathon.console.create.criterion_weight": {
        "de": "Kriterium {row}: Gewichtung",
        "en": "Criterion {row}: weight",
    },
    "hackathon.console.create.field.max_team_size": {"de": "Höchstzahl je Team", "en": "Maximum team size"},
    "hackathon.console.create.field.community_vote": {
        "de": "Abstimmung der Teilnehmenden (Community-Voting)",
        "en": "Participants' vote (community vote)",
    },
    "hackathon.console.create.field.normalise_scores": {
        "de": "Punkte je Jurorin und Juror normalisieren (z-Werte)",
        "en": "Normalise scores per juror (z-scores)",
    },
    "hackathon.console.create.hint.normalise_scores": {
        "de": "Gleicht strenge und milde Bewertungen aus: die Rangfolge zählt, wie weit ein Bogen vom Mittel der "
        "jeweiligen Person abweicht.",
        "en": "Evens out strict and lenient jurors: the ranking counts how far a scorecard is from that juror's mean.",
    },
    "hackathon.console.create.submit": {"de": "Hackathon anlegen", "en": "Create hackathon"},
    "hackathon.console.done.created": {
        "de": "Der Hackathon ist angelegt. Im Entwurf ist er noch nicht öffentlich.",
        "en": "The hackathon is created. As a draft it is not public yet.",
    },
    "hackathon.console.error.create.title": {
        "de": "Bitte geben Sie einen Titel mit 3 bis 160 Zeichen ein.",
        "en": "Please enter a title of 3 to 160 characters.",
    },
    "hackathon.console.error.create.year": {
        "de": "Bitte geben Sie das Jahr als Zahl von 2000 bis 2100 an.",
        "en": "Please give the year as a number from 2000 to 2100.",
    },
    "hackathon.console.error.create.description": {
        "de": "Bitte beschreiben Sie den Hackathon (höchstens 10.000 Zeichen).",
        "en": "Please describe the hackathon (at most 10,000 characters).",
    },
    "hackathon.console.error.create.day": {
        "de": "{phase}: Bitte geben Sie das Datum als TT.MM.JJJJ an, zum Beispiel 01.12.2027.",
        "en": "{phase}: Please give the date as DD.MM.YYYY, e.g. 01.12.2027.",
    },
    "hackathon.console.error.create.time": {
        "de": "{phase}: Bitte geben Sie die Uhrzeit als HH:MM an, zum Beispiel 09:00.",
        "en": "{phase}: Please give the time as HH:MM, e.g. 09:00.",
    },
    "hackathon.console.error.create.criteria": {
        "de": "Bitte nennen Sie mindestens ein Kriterium mit seiner Gewichtung.",
        "en": "Please name at least one criterion with its weight.",
    },
    "hackathon.console.error.create.criterion_name": {
        "de": "Kriterium {row}: Bitte geben Sie einen Namen mit 3 bis 160 Zeichen ein.",
        "en": "Criterion {row}: Please enter a name of 3 to 160 characters.",
    },
    "hackathon.console.error.create.criterion_weight": {
        "de": "Kriterium {row}: Bitte geben Sie die Gewichtung als ganze Zahl von 1 bis 100 an.",
        "en": "Criterion {row}: Please give the weight as a whole number from 1 to 100.",
    },
    "hackathon.console.error.create.max_team_size": {
        "de": "Bitte geben Sie die Höchstzahl je Team als Zahl von 1 bis 20 an.",
        "en": "Please give the maximum team size as a number from 1 to 20.",
    },
    "hackathon.console.criteria": {"de": "Kriterien der Jury", "en": "The jury's criteria"},
    "hackathon.console.criteria.caption": {
        "de": "Kriterien der Jury und ihre Gewichtung",
        "en": "The jury's criteria and their weight",
    },
    "hackathon.console.col.criterion": {"de": "Kriterium", "en": "Criterion"},
    "hackathon.console.col.weight": {"de": "Gewichtung", "en": "Weight"},
    "hackathon.console.rules.team_size": {"de": "Höchstzahl je Team", "en": "Maximum team size"},
    "hackathon.console.rules.community_vote": {"de": "Community-Voting", "en": "Community vote"},
    "hackathon.console.rules.normalise_scores": {"de": "Normalisierung (z-Werte)", "en": "Normalisation (z-scores)"},
    "hackathon.console.yes": {"de": "ja", "en": "yes"},
    "hackathon.console.no": {"de": "nein", "en": "no"},
    "console.nav.notifications": {"de": "Benachrichtigungen", "en": "Notifications"},
    "console.notifications.title": {"de": "Versandte Benachrichtigungen", "en": "Notifications sent"},
    "console.notifications.intro": {
        "de": "Was der Notifier an wen geschickt hat, was noch wartet (Sammelzeit, Ruhezeiten, Wiederholung) und "
        "was aufgegeben wurde. Aufgegebene Nachrichten können Administratorinnen und Administratoren erneut senden.",
        "en": "What the notifier sent to whom, what is waiting (grouping, quiet hours, retries) and what was given "
        "up. Administrators can send a given-up message again.",
    },
    "console.notifications.filters": {"de": "Benachrichtigungen filtern", "en": "Filter notifications"},
    "console.notifications.search": {"de": "Suche in Betreff und Route", "en": "Search subject and route"},
    "console.notifications.caption": {
        "de": "Benachrichtigungen, die neuesten zuerst",
        "en": "Notifications, newest first",
    },
    "console.notifications.subject": {"de": "Betreff", "en": "Subject"},
    "console.notifications.receiver": {"de": "Empfänger", "en": "Receiver"},
    "console.notifications.created": {"de": "Angelegt", "en": "Created"},
    "console.notifications.sent": {"de": "Gesendet", "en": "Sent"},
    "console.notifications.attempts": {"de": "Versuche", "en": "Attempts"},
    "console.notifications.route": {"de": "Route {route}, {count} Meldung(en)", "en": "route {route}, {count} item(s)"},
    "console.notifications.next": {"de": "nächster Versuch {next}", "en": "next attempt {next}"},
    "console.notifications.status.pending": {"de": "wartet", "en": "waiting"},
    "console.notifications.status.sent": {"de": "gesendet", "en": "sent"},
    "console.notifications.status.dead": {"de": "aufgegeben", "en": "given up"},
    "console.notifications.retry": {"de": "Erneut senden", "en": "Send again"},
    "console.notifications.retried": {
        "de": "Die Nachricht wird erneut gesendet.",
        "en": "The message will be sent again.",
    },
    "console.notifications.empty": {"de": "Noch keine Benachrichtigungen.", "en": "No notifications yet."},
    "form.title": {"de": "Rückmeldung zu einer Seite", "en": "Feedback on a page"},
    "form.intro": {
        "de": "Ihre Rückmeldung hilft uns, diese Seite und unsere Angebote zu verbessern. Alle Angaben sind "
        "freiwillig. Bitte schreiben Sie keine persönlichen Daten in die Textfelder.",
        "en": "Your feedback helps us improve this page and our services. Every answer is optional. Please do "
        "not enter personal data in the text fields.",
    },
    "form.page": {"de": "Seite", "en": "Page"},
    "form.max_chars": {"de": "Höchstens {limit} Zeichen.", "en": "At most {limit} characters."},
    "form.submit": {"de": "Rückmeldung senden", "en": "Send feedback"},
    "form.errors": {
        "de": "Bitte prüfen Sie Ihre Angaben:",
        "en": "Please check your entries:",
    },
    "form.error.field": {"de": "{field}: {detail}", "en": "{field}: {detail}"},
    "form.error.unavailable": {
        "de": "Ihre Rückmeldung konnte gerade nicht gespeichert werden. Ihre Angaben sind erhalten: Bitte senden "
        "Sie das Formular in einigen Sekunden noch einmal ab.",
        "en": "Your feedback could not be saved just now. Your entries are kept: please send the form again in a "
        "few seconds.",
    },
    "form.error.site": {
        "de": "Für diese Seite kann hier leider keine Rückmeldung abgegeben werden.",
        "en": "Feedback for this page cannot be given here.",
    },
    "form.thanks.body": {
        "de": "Wir haben Ihre Rückmeldung erhalten. Das zuständige Team wertet sie aus.",
        "en": "We have received your feedback. The responsible team will review it.",
    },
    # Deleting one's own text with the code shown after sending (services/ingest/erasure.py).
    "erasure.page.title": {"de": "Ihren Text löschen", "en": "Delete your text"},
    "erasure.page.intro": {
        "de": "Geben Sie den Löschcode ein, der nach dem Absenden Ihrer Rückmeldung angezeigt wurde. Dann wird der "
        "Text Ihrer Rückmeldung (Kommentar, Vorschlag oder freie Antwort einer Umfrage) überall gelöscht, auch in "
        "allen Sicherungen der Nachrichten. Ihre Bewertung bleibt ohne Text in der Statistik.",
        "en": "Enter the deletion code shown after you sent your feedback. The text of your feedback (comment, "
        "suggestion or free answer in a survey) is then deleted everywhere, also in all copies of the messages. "
        "Your rating stays in the statistics, without the text.",
    },
    "erasure.page.label": {"de": "Löschcode", "en": "Deletion code"},
    "erasure.page.hint": {"de": "Zum Beispiel ABCDE-FGH23", "en": "For example ABCDE-FGH23"},
    "erasure.page.button": {"de": "Text löschen", "en": "Delete text"},
    "erasure.page.done": {
        "de": "Wenn der Code zu einem Text gehört, ist dieser Text jetzt gelöscht.",
        "en": "If the code belongs to a text, that text is now deleted.",
    },
    "erasure.error.empty": {"de": "Bitte geben Sie Ihren Löschcode ein.", "en": "Please enter your deletion code."},
    "erasure.error.too_many": {
        "de": "Zu viele Versuche von diesem Anschluss. Bitte warten Sie einige Minuten.",
        "en": "Too many attempts from this connection. Please wait a few minutes.",
    },
    "erasure.code.intro": {"de": "Ihr Löschcode:", "en": "Your deletion code:"},
    "erasure.code.what": {
        "de": "Mit diesem Code können Sie Ihren Text jederzeit löschen lassen; Ihre Bewertung bleibt anonym in der "
        "Statistik. Bitte notieren Sie ihn, er wird nicht noch einmal angezeigt.",
        "en": "With this code you can have your text deleted at any time; your rating stays in the statistics, "
        "anonymously. Please note it down, it is not shown again.",
    },
    "erasure.code.link": {"de": "Text löschen", "en": "Delete text"},
    "form.back": {"de": "Zurück zur Seite", "en": "Back to the page"},
    # The hackathon's public pages (services/hackathon/pages.py, templates/hackathon_*.html).
    "hackathon.page.brand": {"de": "Hackathon", "en": "Hackathon"},
    "hackathon.page.optional": {"de": "(freiwillig)", "en": "(optional)"},
    "hackathon.page.error_prefix": {"de": "Fehler:", "en": "Error:"},
    "hackathon.page.errors": {"de": "Bitte prüfen Sie Ihre Angaben:", "en": "Please check your entries:"},
    "hackathon.page.back": {"de": "Zurück zu „{title}“", "en": "Back to “{title}”"},
    "hackathon.page.to_register": {"de": "Zur Anmeldung", "en": "To the registration"},
    "hackathon.page.when": {"de": "{day}, {time} Uhr", "en": "{day}, {time}"},
    "hackathon.page.not_found.title": {"de": "Seite nicht gefunden", "en": "Page not found"},
    "hackathon.page.not_found.body": {
        "de": "Diesen Hackathon gibt es nicht, oder er ist noch nicht veröffentlicht.",
        "en": "This hackathon does not exist or is not published yet.",
    },
    "hackathon.page.cross_site.title": {"de": "Anfrage abgelehnt", "en": "Request refused"},
    "hackathon.page.cross_site.body": {
        "de": "Diese Anfrage kam nicht von einer Seite dieser Website und wurde zu Ihrem Schutz nicht ausgeführt. "
        "Bitte verwenden Sie die Formulare auf dieser Website.",
        "en": "This request did not come from a page of this website and was not carried out, for your protection. "
        "Please use the forms on this website.",
    },
    "hackathon.page.invalid_link.title": {"de": "Dieser Link ist ungültig", "en": "This link is not valid"},
    "hackathon.page.invalid_link.body": {
        "de": "Der Link ist unvollständig, gehört zu einem anderen Hackathon oder gilt nicht mehr: Ein neuerer Link "
        "hat ihn ersetzt, Sie haben sich abgemeldet, die Frist zur Bestätigung ist abgelaufen, oder die Daten dazu "
        "wurden gelöscht. Bitte prüfen Sie, ob Sie den ganzen Link aus der neuesten E-Mail verwendet haben.",
        "en": "The link is incomplete, belongs to another hackathon or no longer works: a newer link replaced it, you "
        "signed out, the time to confirm ran out, or its data was deleted. Please check that you used the whole link "
        "from the latest e-mail.",
    },
    "hackathon.page.too_many.title": {"de": "Bitte warten Sie einen Moment", "en": "Please wait a moment"},
    "hackathon.page.too_many.body": {
        "de": "Von Ihrem Anschluss kamen in kurzer Zeit viele Anmeldungen oder Link-Anfragen. Bitte versuchen Sie es "
        "in einigen Minuten noch einmal.",
        "en": "Many registrations or link requests came from your connection in a short time. Please try again in a "
        "few minutes.",
    },
    "hackathon.page.token_expired.title": {
        "de": "Ihr persönlicher Link ist abgelaufen",
        "en": "Your personal link has expired",
    },
    "hackathon.page.token_expired.body": {
        "de": "Ein persönlicher Link gilt {days} Tage und längstens bis zum Ende des Hackathons. Solange der Hackathon "
        "läuft, schicken wir Ihnen gern einen neuen.",
        "en": "A personal link is valid for {days} days and until the hackathon ends at most. While the hackathon "
        "runs, we gladly send you a new one.",
    },
    "hackathon.page.sign_in_link_expired.title": {
        "de": "Dieser Link ist abgelaufen",
        "en": "This link has expired",
    },
    "hackathon.page.sign_in_link_expired.body": {
        "de": "Ein Link aus der E-Mail „Ihr neuer persönlicher Link“ gilt 48 Stunden. Ihr bisheriger Link gilt "
        "weiter; einen neuen schicken wir Ihnen gern.",
        "en": "A link from the e-mail “Your new personal link” is valid for 48 hours. Your previous link keeps "
        "working; we gladly send you a new one.",
    },
    "hackathon.page.follow.title": {"de": "Zur Teilnahme", "en": "To take part"},
    "hackathon.page.follow.body": {
        "de": "Mit diesem Link melden Sie sich bei „{title}“ an, auf diesem Gerät.",
        "en": "This link signs you in to “{title}”, on this device.",
    },
    "hackathon.page.follow.button": {"de": "Anmelden und weiter", "en": "Sign in and continue"},
    "hackathon.page.check_mail.title": {"de": "Fast geschafft", "en": "Almost done"},
    "hackathon.page.check_mail.body": {
        "de": "Wir haben Ihnen eine E-Mail geschickt. Bitte bestätigen Sie Ihre Anmeldung über den Link darin; er gilt "
        "48 Stunden. Keine E-Mail da? Bitte sehen Sie auch im Spam-Ordner nach. Eine weitere E-Mail an dieselbe "
        "Adresse schicken wir frühestens nach fünf Minuten.",
        "en": "We have sent you an e-mail. Please confirm your registration with the link in it; it is valid for 48 "
        "hours. No e-mail? Please look in your spam folder too. We send another e-mail to the same address after "
        "five minutes at the earliest.",
    },
    "hackathon.page.link_expired.title": {"de": "Dieser Link ist abgelaufen", "en": "This link has expired"},
    "hackathon.page.link_expired.body": {
        "de": "Eine Anmeldung muss innerhalb von 48 Stunden über den Link in der E-Mail bestätigt werden; danach "
        "löschen wir die Angaben. Bitte melden Sie sich einfach noch einmal an, Sie bekommen dann einen neuen Link.",
        "en": "A registration must be confirmed with the link in the e-mail within 48 hours; after that we delete the "
        "details. Please just register again and you will get a new link.",
    },
    "hackathon.page.confirm_unavailable.title": {
        "de": "Das hat gerade nicht geklappt",
        "en": "That did not work just now",
    },
    "hackathon.page.confirm_unavailable.body": {
        "de": "Ihre Anmeldung konnte gerade nicht gespeichert werden. Bitte öffnen Sie den Link aus der E-Mail in "
        "einigen Sekunden noch einmal.",
        "en": "Your registration could not be saved just now. Please open the link from the e-mail again in a few "
        "seconds.",
    },
    "hackathon.page.error.unavailable": {
        "de": "Das konnte gerade nicht gespeichert werden. Ihre Angaben sind erhalten: Bitte senden Sie das Formular "
        "in einigen Sekunden noch einmal ab.",
        "en": "This could not be saved just now. Your entries are kept: please send the form again in a few seconds.",
    },
    "hackathon.page.error.register.name": {
        "de": "Bitte geben Sie Ihren Namen an (höchstens 100 Zeichen).",
        "en": "Please enter your name (at most 100 characters).",
    },
    "hackathon.page.error.register.email": {
        "de": "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@example.org.",
        "en": "Please enter a valid e-mail address, for example name@example.org.",
    },
    "hackathon.page.error.register.consent": {
        "de": "Bitte bestätigen Sie, dass Sie mit den Teilnahmebedingungen einverstanden sind.",
        "en": "Please confirm that you agree to the terms of participation.",
    },
    "hackathon.page.error.team.name": {
        "de": "Bitte geben Sie einen Teamnamen mit 2 bis 80 Zeichen an.",
        "en": "Please enter a team name of 2 to 80 characters.",
    },
    "hackathon.page.error.join.code": {
        "de": "Bitte geben Sie den Beitrittscode Ihres Teams an, zum Beispiel ABCD-EFGH.",
        "en": "Please enter your team's join code, for example ABCD-EFGH.",
    },
    "hackathon.page.error.submission.title": {
        "de": "Bitte geben Sie einen Titel mit 3 bis 160 Zeichen an.",
        "en": "Please enter a title of 3 to 160 characters.",
    },
    "hackathon.page.error.submission.summary": {
        "de": "Bitte fassen Sie Ihre Lösung in höchstens 500 Zeichen zusammen.",
        "en": "Please summarise your solution in at most 500 characters.",
    },
    "hackathon.page.error.submission.description": {
        "de": "Bitte beschreiben Sie Ihre Lösung (höchstens 10.000 Zeichen).",
        "en": "Please describe your solution (at most 10,000 characters).",
    },
    "hackathon.page.error.submission.repository_url": {
        "de": "Bitte geben Sie eine vollständige Adresse an, die mit https:// beginnt, oder lassen Sie das Feld leer.",
        "en": "Please enter a complete address starting with https://, or leave the field empty.",
    },
    "hackathon.page.error.submission.demo_url": {
        "de": "Bitte geben Sie eine vollständige Adresse an, die mit https:// beginnt, oder lassen Sie das Feld leer.",
        "en": "Please enter a complete address starting with https://, or leave the field empty.",
    },
    "hackathon.page.error.submission.licence": {
        "de": "Bitte wählen Sie eine der offenen Lizenzen.",
        "en": "Please choose one of the open licences.",
    },
    "hackathon.page.error.vote.submission_id": {
        "de": "Bitte wählen Sie eine Einreichung aus.",
        "en": "Please choose a submission.",
    },
    "hackathon.page.notice.angemeldet": {
        "de": "Sie sind angemeldet. Der Link aus der E-Mail ist ab jetzt Ihr persönlicher Link; Sie finden ihn auch "
        "unten auf dieser Seite.",
        "en": "You are registered. From now on the link from the e-mail is your personal link; you also find it at the "
        "bottom of this page.",
    },
    "hackathon.page.notice.team": {
        "de": "Ihr Team ist gegründet. Geben Sie den Beitrittscode an Ihre Teammitglieder weiter.",
        "en": "Your team is founded. Pass the join code on to your team members.",
    },
    "hackathon.page.notice.beigetreten": {"de": "Sie sind dem Team beigetreten.", "en": "You have joined the team."},
    "hackathon.page.notice.verlassen": {"de": "Sie haben das Team verlassen.", "en": "You have left the team."},
    "hackathon.page.notice.einreichung": {"de": "Ihre Einreichung ist gespeichert.", "en": "Your submission is saved."},
    "hackathon.page.notice.stimme": {
        "de": "Ihre Stimme ist gezählt. Sie können sie bis zum Ende der Abstimmung ändern.",
        "en": "Your vote is counted. You can change it until the vote ends.",
    },
    "hackathon.page.notice.abgemeldet": {
        "de": "Sie sind abgemeldet; Ihr persönlicher Link gilt nicht mehr. Einen neuen schicken wir Ihnen über "
        "„Persönlichen Link erneut zusenden“.",
        "en": "You are signed out; your personal link no longer works. We send you a new one with “Send my personal "
        "link again”.",
    },
    "hackathon.page.notice.geloescht": {
        "de": "Ihre Daten sind gelöscht. Danke fürs Mitmachen!",
        "en": "Your data is deleted. Thank you for taking part!",
    },
    "hackathon.page.public.phase": {"de": "Aktuelle Phase:", "en": "Current phase:"},
    "hackathon.page.public.register": {"de": "Jetzt anmelden", "en": "Register now"},
    "hackathon.page.public.area_registered": {
        "de": "Schon angemeldet? Zum Teilnahmebereich",
        "en": "Registered already? To the participant area",
    },
    "hackathon.page.public.area": {
        "de": "Zum Teilnahmebereich (für Angemeldete)",
        "en": "To the participant area (for registered people)",
    },
    "hackathon.page.public.soon": {
        "de": "Die Challenges werden gerade gesammelt. Die Anmeldung öffnet bald.",
        "en": "The challenges are being collected. Registration opens soon.",
    },
    "hackathon.page.public.stats": {"de": "Zahlen zum Hackathon", "en": "The hackathon in figures"},
    "hackathon.page.public.participants": {"de": "Teilnehmende", "en": "participants"},
    "hackathon.page.public.teams": {"de": "Teams", "en": "teams"},
    "hackathon.page.public.submissions": {"de": "Einreichungen", "en": "submissions"},
    "hackathon.page.public.challenges": {"de": "Die Challenges", "en": "The challenges"},
    "hackathon.page.public.no_challenges": {"de": "Noch keine Challenges.", "en": "No challenges yet."},
    "hackathon.page.public.schedule": {"de": "Zeitplan", "en": "Schedule"},
    "hackathon.page.public.current": {"de": "(aktuell)", "en": "(current)"},
    "hackathon.page.public.rules": {"de": "Regeln", "en": "Rules"},
    "hackathon.page.public.team_size": {"de": "Teamgröße", "en": "Team size"},
    "hackathon.page.public.team_size_value": {"de": "höchstens {size} Personen", "en": "at most {size} people"},
    "hackathon.page.public.criteria": {"de": "Bewertung der Jury", "en": "Jury criteria"},
    "hackathon.page.public.criterion": {"de": "{name} (Gewicht {weight})", "en": "{name} (weight {weight})"},
    "hackathon.page.public.licences": {"de": "Lizenz", "en": "Licence"},
    "hackathon.page.public.licences_value": {
        "de": "Jede Einreichung steht unter einer offenen Lizenz. Die Rechte bleiben bei den Teams; die Stadt verlangt "
        "keine Übertragung von Rechten.",
        "en": "Every submission is under an open licence. The rights stay with the teams; the city asks for no "
        "transfer of rights.",
    },
    "hackathon.page.public.vote": {"de": "Publikumspreis", "en": "Community award"},
    "hackathon.page.public.vote_value": {
        "de": "Die Teilnehmenden stimmen über die Einreichungen der anderen Teams ab.",
        "en": "Participants vote on the other teams' submissions.",
    },
    "hackathon.page.challenge.problem": {"de": "Problem", "en": "Problem"},
    "hackathon.page.challenge.context": {"de": "Hintergrund", "en": "Context"},
    "hackathon.page.challenge.outcome": {"de": "Erwartetes Ergebnis", "en": "Expected outcome"},
    "hackathon.page.challenge.contact": {"de": "Ansprechstelle", "en": "Contact"},
    "hackathon.page.challenge.data": {"de": "Daten und Dokumentation", "en": "Data and documentation"},
    "hackathon.page.challenge.evidence": {
        "de": "Rückmeldungen von Bürgerinnen und Bürgern",
        "en": "Feedback from citizens",
    },
    "hackathon.page.evidence.none": {
        "de": "Keine Rückmeldungen in den letzten 90 Tagen.",
        "en": "No feedback in the last 90 days.",
    },
    "hackathon.page.evidence.responses": {
        "de": "{count} Rückmeldungen in den letzten 90 Tagen",
        "en": "{count} responses in the last 90 days",
    },
    "hackathon.page.evidence.helpful": {
        "de": "{share} % fanden die Seite hilfreich",
        "en": "{share}% found the page helpful",
    },
    "hackathon.page.evidence.rating": {
        "de": "durchschnittliche Bewertung {mean} von 5",
        "en": "mean rating {mean} of 5",
    },
    "hackathon.page.results.title": {"de": "Ergebnisse", "en": "Results"},
    "hackathon.page.results.normalised": {
        "de": "Die Punkte sind je Jurorin und Juror normalisiert, damit strenge und milde Bewertungen gleich zählen.",
        "en": "Scores are normalised per juror, so strict and lenient scoring count the same.",
    },
    "hackathon.page.results.rank": {"de": "Platz {rank}", "en": "Rank {rank}"},
    "hackathon.page.results.unranked": {"de": "Ohne Wertung", "en": "Not ranked"},
    "hackathon.page.results.tied": {"de": "gleichauf", "en": "tied"},
    "hackathon.page.results.team": {"de": "Team", "en": "Team"},
    "hackathon.page.results.name_hidden": {"de": "Name nicht veröffentlicht", "en": "Name not published"},
    "hackathon.page.results.score": {"de": "Punkte der Jury", "en": "Jury score"},
    "hackathon.page.results.challenge": {"de": "Challenge", "en": "Challenge"},
    "hackathon.page.results.summary": {"de": "Kurzfassung", "en": "Summary"},
    "hackathon.page.results.statement": {"de": "Begründung der Jury", "en": "Jury statement"},
    "hackathon.page.results.award": {"de": "Preis", "en": "Prize"},
    "hackathon.page.results.votes": {"de": "Stimmen im Publikumspreis", "en": "Community votes"},
    "hackathon.page.results.licence": {"de": "Lizenz", "en": "Licence"},
    "hackathon.page.results.repository": {"de": "Quellcode", "en": "Source code"},
    "hackathon.page.results.demo": {"de": "Demo", "en": "Demo"},
    "hackathon.page.results.empty": {"de": "Es gab keine Einreichungen.", "en": "There were no submissions."},
    "hackathon.page.register.title": {"de": "Anmeldung: {title}", "en": "Registration: {title}"},
    "hackathon.page.register.intro": {
        "de": "Melden Sie sich an, um im Team an den Challenges mitzuarbeiten. Danach schicken wir Ihnen einen Link "
        "per E-Mail: Er bestätigt Ihre Anmeldung und bringt Sie danach jederzeit wieder in Ihren Teilnahmebereich.",
        "en": "Register to work on the challenges in a team. We then send you a link by e-mail: it confirms your "
        "registration and from then on takes you back to your participant area at any time.",
    },
    "hackathon.page.register.name": {"de": "Name", "en": "Name"},
    "hackathon.page.register.name_hint": {
        "de": "So sehen Sie Ihre Teammitglieder. Ein Vorname genügt.",
        "en": "This is how your team members see you. A first name is enough.",
    },
    "hackathon.page.register.email": {"de": "E-Mail-Adresse", "en": "E-mail address"},
    "hackathon.page.register.email_hint": {
        "de": "Dorthin schicken wir den Link, mit dem Sie die Anmeldung bestätigen. Die Adresse wird nicht "
        "veröffentlicht.",
        "en": "We send the link that confirms your registration there. The address is never published.",
    },
    "hackathon.page.register.terms": {
        "de": "Teilnahmebedingungen und Datenschutz",
        "en": "Terms of participation and privacy",
    },
    "hackathon.page.register.terms.stored": {
        "de": "Wir speichern nur Ihren Namen und Ihre E-Mail-Adresse, und zwar ausschließlich in der Datenbank der "
        "Stadt. Bestätigen Sie die Anmeldung nicht innerhalb von 48 Stunden, löschen wir beides.",
        "en": "We store only your name and e-mail address, and only in the city's database. If you do not confirm the "
        "registration within 48 hours, we delete both.",
    },
    "hackathon.page.register.terms.purpose": {
        "de": "Wir verwenden sie nur für diesen Hackathon: für Ihren persönlichen Link, Ihr Team und Nachrichten zum "
        "Ablauf. Ihren Namen sehen nur Ihre Teammitglieder.",
        "en": "We use them for this hackathon only: for your personal link, your team and messages about the event. "
        "Only your team members see your name.",
    },
    "hackathon.page.register.terms.erase": {
        "de": "Sie können Ihre Daten jederzeit herunterladen und löschen: im Teilnahmebereich unter „Meine Daten“.",
        "en": "You can download and delete your data at any time: in the participant area under “My data”.",
    },
    "hackathon.page.register.terms.rights": {
        "de": "Sie übertragen der Stadt keine Rechte an Ihren Ideen, Ihrem Code oder Ihren Texten.",
        "en": "You transfer no rights in your ideas, code or texts to the city.",
    },
    "hackathon.page.register.terms.licence": {
        "de": "Einreichungen stehen unter einer offenen Lizenz Ihrer Wahl (zum Beispiel EUPL-1.2, MIT oder CC-BY-4.0), "
        "damit alle sie nutzen dürfen.",
        "en": "Submissions are under an open licence of your choice (for example EUPL-1.2, MIT or CC-BY-4.0), so that "
        "everyone may use them.",
    },
    "hackathon.page.register.terms.cookie": {
        "de": "Nach der Anmeldung hält Sie ein einziges, technisch notwendiges Cookie angemeldet, so lange wie Ihr "
        "persönlicher Link gilt ({days} Tage, längstens bis zum Ende des Hackathons). Es gibt keine Analyse- oder "
        "Werbe-Cookies.",
        "en": "After registering, one strictly necessary cookie keeps you signed in as long as your personal link is "
        "valid ({days} days, until the hackathon ends at most). There are no analytics or advertising cookies.",
    },
    "hackathon.page.register.consent": {
        "de": "Ich habe diese Hinweise gelesen und nehme zu diesen Bedingungen teil.",
        "en": "I have read these notes and take part on these terms.",
    },
    "hackathon.page.register.submit": {"de": "Anmelden", "en": "Register"},
    "hackathon.page.register.closed": {
        "de": "Die Anmeldung ist in der Phase „{phase}“ nicht möglich.",
        "en": "Registration is not possible in the phase “{phase}”.",
    },
    "hackathon.page.register.use_link": {
        "de": "Mit dem persönlichen Link aus Ihrer Anmelde-E-Mail kommen Sie in Ihren Teilnahmebereich.",
        "en": "The personal link in your registration e-mail takes you to your participant area.",
    },
    "hackathon.page.area.title": {"de": "Teilnahmebereich: {title}", "en": "Participant area: {title}"},
    "hackathon.page.area.signed_in": {"de": "Angemeldet als {name}.", "en": "Signed in as {name}."},
    "hackathon.page.area.to_public": {"de": "Zur Seite des Hackathons", "en": "To the hackathon's page"},
    "hackathon.page.team.title": {"de": "Ihr Team", "en": "Your team"},
    "hackathon.page.team.name": {"de": "Teamname", "en": "Team name"},
    "hackathon.page.team.published": {"de": "Name in den Ergebnissen", "en": "Name in the results"},
    "hackathon.page.team.published_yes": {"de": "wird veröffentlicht", "en": "is published"},
    "hackathon.page.team.published_no": {"de": "wird nicht veröffentlicht", "en": "is not published"},
    "hackathon.page.team.members": {"de": "Mitglieder", "en": "Members"},
    "hackathon.page.team.code": {"de": "Beitrittscode", "en": "Join code"},
    "hackathon.page.team.code_hint": {
        "de": "Geben Sie diesen Code an Ihre Mitstreiterinnen und Mitstreiter weiter: Nach ihrer Anmeldung treten sie "
        "damit bei (höchstens {size} Personen je Team).",
        "en": "Pass this code on to your teammates: after registering, they join with it (at most {size} people per "
        "team).",
    },
    "hackathon.page.team.leave": {"de": "Team verlassen", "en": "Leave the team"},
    "hackathon.page.team.none": {"de": "Sie sind noch in keinem Team.", "en": "You are not in a team yet."},
    "hackathon.page.team.create": {"de": "Ein Team gründen", "en": "Found a team"},
    "hackathon.page.team.name_hint": {
        "de": "2 bis 80 Zeichen; im Hackathon einmalig.",
        "en": "2 to 80 characters; unique in the hackathon.",
    },
    "hackathon.page.team.publish": {
        "de": "Teamname mit den Ergebnissen veröffentlichen",
        "en": "Publish the team name with the results",
    },
    "hackathon.page.team.publish_hint": {
        "de": "Ohne Häkchen steht in den Ergebnissen „Name nicht veröffentlicht“.",
        "en": "Without the tick, the results say “Name not published”.",
    },
    "hackathon.page.team.create_submit": {"de": "Team gründen", "en": "Found the team"},
    "hackathon.page.team.join": {"de": "Einem Team beitreten", "en": "Join a team"},
    "hackathon.page.team.join_hint": {
        "de": "Den Code bekommen Sie von jemandem aus dem Team, zum Beispiel ABCD-EFGH.",
        "en": "Someone in the team gives you the code, for example ABCD-EFGH.",
    },
    "hackathon.page.team.join_submit": {"de": "Team beitreten", "en": "Join the team"},
    "hackathon.page.team.closed": {
        "de": "Teams bilden sich, solange die Anmeldung offen ist oder der Hackathon läuft.",
        "en": "Teams form while registration is open or the hackathon is running.",
    },
    "hackathon.page.submission.title": {"de": "Einreichungen Ihres Teams", "en": "Your team's submissions"},
    "hackathon.page.submission.no_team": {
        "de": "Einreichungen gehören einem Team: Gründen Sie zuerst ein Team oder treten Sie einem bei.",
        "en": "Submissions belong to a team: found a team or join one first.",
    },
    "hackathon.page.submission.intro": {
        "de": "Je Challenge kann Ihr Team eine Lösung einreichen und bis zum Ende der Einreichung bearbeiten.",
        "en": "Your team can submit one solution per challenge and edit it until submissions close.",
    },
    "hackathon.page.submission.deadline": {"de": "Die Frist endet am {deadline}.", "en": "The deadline is {deadline}."},
    "hackathon.page.submission.not_yet": {
        "de": "Einreichen können Sie, sobald der Hackathon läuft.",
        "en": "You can submit once the hackathon is running.",
    },
    "hackathon.page.submission.closed": {
        "de": "Die Einreichung ist geschlossen; Einreichungen können nicht mehr geändert werden.",
        "en": "Submissions are closed and can no longer be changed.",
    },
    "hackathon.page.submission.for": {"de": "Challenge: {challenge}", "en": "Challenge: {challenge}"},
    "hackathon.page.submission.saved": {"de": "Gespeichert (Fassung {revision}).", "en": "Saved (version {revision})."},
    "hackathon.page.submission.none": {
        "de": "Keine Einreichung zu dieser Challenge.",
        "en": "No submission for this challenge.",
    },
    "hackathon.page.submission.choose": {"de": "Bitte wählen", "en": "Please choose"},
    "hackathon.page.submission.submit": {"de": "Einreichung speichern", "en": "Save the submission"},
    "hackathon.page.submission.field.title": {"de": "Titel", "en": "Title"},
    "hackathon.page.submission.field.summary": {"de": "Kurzfassung", "en": "Summary"},
    "hackathon.page.submission.field.description": {"de": "Beschreibung", "en": "Description"},
    "hackathon.page.submission.field.repository_url": {"de": "Adresse des Quellcodes", "en": "Source code address"},
    "hackathon.page.submission.field.demo_url": {"de": "Adresse einer Demo", "en": "Demo address"},
    "hackathon.page.submission.field.licence": {"de": "Lizenz", "en": "Licence"},
    "hackathon.page.submission.hint.title": {"de": "3 bis 160 Zeichen.", "en": "3 to 160 characters."},
    "hackathon.page.submission.hint.summary": {
        "de": "Ein, zwei Sätze für die Ergebnisseite; höchstens 500 Zeichen.",
        "en": "One or two sentences for the results page; at most 500 characters.",
    },
    "hackathon.page.submission.hint.description": {
        "de": "Was löst Ihre Lösung, wie funktioniert sie, was braucht die Stadt, um sie zu betreiben? Höchstens "
        "10.000 Zeichen.",
        "en": "What does your solution solve, how does it work, what does the city need to run it? At most 10,000 "
        "characters.",
    },
    "hackathon.page.submission.hint.repository_url": {
        "de": "Ein öffentliches Repository, zum Beispiel https://codeberg.org/team/projekt.",
        "en": "A public repository, for example https://codeberg.org/team/project.",
    },
    "hackathon.page.submission.hint.demo_url": {
        "de": "Eine Seite, auf der man die Lösung ausprobieren kann; beginnt mit https://.",
        "en": "A page where the solution can be tried out; starts with https://.",
    },
    "hackathon.page.submission.hint.licence": {
        "de": "Eine offene Lizenz, unter der alle Ihre Lösung nutzen dürfen. Die Rechte bleiben bei Ihnen; die Stadt "
        "verlangt keine Übertragung.",
        "en": "An open licence under which everyone may use your solution. The rights stay with you; the city asks for "
        "no transfer.",
    },
    "hackathon.page.vote.title": {"de": "Publikumspreis", "en": "Community award"},
    "hackathon.page.vote.legend": {
        "de": "Welche Einreichung eines anderen Teams überzeugt Sie am meisten?",
        "en": "Which submission of another team convinces you most?",
    },
    "hackathon.page.vote.hint": {
        "de": "Sie haben eine Stimme und können sie bis zum Ende der Jurierung ändern. Für ein Team, in dem Sie sind "
        "oder waren, können Sie nicht abstimmen.",
        "en": "You have one vote and can change it until judging ends. You cannot vote for a team you are or were in.",
    },
    "hackathon.page.vote.submit": {"de": "Stimme abgeben", "en": "Cast the vote"},
    "hackathon.page.vote.none": {
        "de": "Es gibt noch keine Einreichungen anderer Teams.",
        "en": "There are no submissions of other teams yet.",
    },
    "hackathon.page.link.title": {"de": "Ihr persönlicher Link", "en": "Your personal link"},
    "hackathon.page.link.intro": {
        "de": "Mit diesem Link kommen Sie auf jedem Gerät in Ihren Teilnahmebereich; er gilt bis {until}. Bewahren "
        "Sie ihn auf und geben Sie ihn nicht weiter: Wer ihn hat, kann in Ihrem Namen handeln.",
        "en": "This link takes you to your participant area on any device; it is valid until {until}. Keep it and do "
        "not pass it on: whoever has it can act in your name.",
    },
    "hackathon.page.data.title": {"de": "Meine Daten", "en": "My data"},
    "hackathon.page.data.intro": {
        "de": "Gespeichert sind Ihr Name, Ihre E-Mail-Adresse, Ihr Team, die Einreichungen Ihres Teams und Ihre Stimme "
        "im Publikumspreis.",
        "en": "Stored are your name, your e-mail address, your team, your team's submissions and your community vote.",
    },
    "hackathon.page.data.download": {"de": "Meine Daten herunterladen (JSON)", "en": "Download my data (JSON)"},
    "hackathon.page.data.erase": {"de": "Meine Daten löschen", "en": "Delete my data"},
    "hackathon.page.sign_out": {"de": "Abmelden", "en": "Sign out"},
    "hackathon.page.sign_out.hint": {
        "de": "Abmelden, zum Beispiel an einem geteilten Computer: Ihr persönlicher Link gilt danach auf keinem Gerät "
        "mehr. Wieder hinein kommen Sie mit einem neuen Link, den wir Ihnen per E-Mail schicken.",
        "en": "Sign out, for example on a shared computer: your personal link then stops working on every device. A "
        "new link, which we send you by e-mail, takes you back in.",
    },
    "hackathon.page.erase.title": {"de": "Meine Daten löschen", "en": "Delete my data"},
    "hackathon.page.erase.intro": {
        "de": "{name}, wenn Sie Ihre Daten löschen, endet Ihre Teilnahme an „{title}“:",
        "en": "{name}, if you delete your data, your participation in “{title}” ends:",
    },
    "hackathon.page.erase.what.person": {
        "de": "Ihr Name und Ihre E-Mail-Adresse werden gelöscht; Ihr persönlicher Link gilt nicht mehr.",
        "en": "Your name and e-mail address are deleted; your personal link no longer works.",
    },
    "hackathon.page.erase.what.team": {"de": "Sie verlassen Ihr Team.", "en": "You leave your team."},
    "hackathon.page.erase.what.vote": {
        "de": "Ihre Stimme im Publikumspreis wird entfernt.",
        "en": "Your community vote is removed.",
    },
    "hackathon.page.erase.what.submissions": {
        "de": "Die Einreichungen Ihres Teams bleiben dem Team erhalten.",
        "en": "Your team's submissions stay with the team.",
    },
    "hackathon.page.erase.download": {"de": "Vorher eine Kopie sichern?", "en": "Keep a copy first?"},
    "hackathon.page.erase.confirm": {"de": "Meine Daten endgültig löschen", "en": "Delete my data for good"},
    "hackathon.page.erase.cancel": {
        "de": "Abbrechen und zurück zum Teilnahmebereich",
        "en": "Cancel and go back to the participant area",
    },
    "hackathon.page.licence.MIT": {"de": "MIT-Lizenz (MIT)", "en": "MIT License (MIT)"},
    "hackathon.page.licence.Apache-2.0": {
        "de": "Apache-Lizenz 2.0 (Apache-2.0)",
        "en": "Apache License 2.0 (Apache-2.0)",
    },
    "hackathon.page.licence.BSD-3-Clause": {
        "de": "BSD-Lizenz mit drei Klauseln (BSD-3-Clause)",
        "en": "BSD 3-Clause License (BSD-3-Clause)",
    },
    "hackathon.page.licence.MPL-2.0": {
        "de": "Mozilla Public License 2.0 (MPL-2.0)",
        "en": "Mozilla Public License 2.0 (MPL-2.0)",
    },
    "hackathon.page.licence.LGPL-3.0-or-later": {
        "de": "GNU Lesser General Public License 3.0 oder neuer (LGPL-3.0-or-later)",
        "en": "GNU Lesser General Public License 3.0 or later (LGPL-3.0-or-later)",
    },
    "hackathon.page.licence.GPL-3.0-or-later": {
        "de": "GNU General Public License 3.0 oder neuer (GPL-3.0-or-later)",
        "en": "GNU General Public License 3.0 or later (GPL-3.0-or-later)",
    },
    "hackathon.page.licence.AGPL-3.0-or-later": {
        "de": "GNU Affero General Public License 3.0 oder neuer (AGPL-3.0-or-later)",
        "en": "GNU Affero General Public License 3.0 or later (AGPL-3.0-or-later)",
    },
    "hackathon.page.licence.EUPL-1.2": {
        "de": "Europäische Union Public Licence 1.2 (EUPL-1.2)",
        "en": "European Union Public Licence 1.2 (EUPL-1.2)",
    },
    "hackathon.page.licence.CC-BY-4.0": {
        "de": "Creative Commons Namensnennung 4.0 (CC-BY-4.0)",
        "en": "Creative Commons Attribution 4.0 (CC-BY-4.0)",
    },
    "hackathon.page.licence.CC-BY-SA-4.0": {
        "de": "Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0 (CC-BY-SA-4.0)",
        "en": "Creative Commons Attribution-ShareAlike 4.0 (CC-BY-SA-4.0)",
    },
    "hackathon.page.licence.CC0-1.0": {
        "de": "Creative Commons Zero 1.0, gemeinfrei (CC0-1.0)",
        "en": "Creative Commons Zero 1.0, public domain (CC0-1.0)",
    },
    # ---- Budgets: the hackathon ledger (expenses and prizes) and the measure's programmes (issue 18) ----
    "hackathon.refused.programme_budget": {
        "de": "Das übersteigt das Budget {year} des Programms „{programme}“: es sind noch {left} übrig.",
        "en": "That exceeds the {year} budget of the programme “{programme}”: {left} are left.",
    },
    "hackathon.refused.budget_below_spent": {
        "de": "Das Budget {year} des Programms „{programme}“ kann nicht unter die bereits ausgegebenen {spent} sinken.",
        "en": "The {year} budget of the programme “{programme}” cannot go below the {spent} already spent.",
    },
    "hackathon.refused.expense_year": {
        "de": "Das Datum muss im Jahr {year} liegen: jede Ausgabe zählt für das Jahr, in dem sie anfällt.",
        "en": "The date must lie in {year}: every expense counts for the year it falls in.",
    },
    "hackathon.refused.expense_exists": {
        "de": "Diese Ausgabe ist schon gebucht.",
        "en": "This expense is booked already.",
    },
    "hackathon.refused.unknown_expense": {
        "de": "Diese Ausgabe gibt es in diesem Jahr nicht.",
        "en": "There is no such expense in this year.",
    },
    "hackathon.refused.expense_cancelled": {
        "de": "Diese Ausgabe ist schon storniert.",
        "en": "This expense is cancelled already.",
    },
    "hackathon.refused.cancel_reason": {
        "de": "Bitte nennen Sie den Grund des Stornos.",
        "en": "Please give the reason for the cancellation.",
    },
    "hackathon.refused.expense_hackathon": {
        "de": "Eine Ausgabe kann nur einem Hackathon des Jahres {year} zugeordnet werden.",
        "en": "An expense can only be assigned to a hackathon of {year}.",
    },
    "hackathon.refused.unknown_programme": {
        "de": "Dieses Programm gibt es nicht.",
        "en": "There is no such programme.",
    },
    "budget.programme.feedback": {"de": "Digitales Feedback", "en": "Digital feedback"},
    "budget.programme.hackathons": {"de": "Hackathon-Veranstaltungen", "en": "Hackathon events"},
    "budget.category.venue": {"de": "Veranstaltungsort", "en": "Venue"},
    "budget.category.catering": {"de": "Verpflegung", "en": "Catering"},
    "budget.category.material": {"de": "Material", "en": "Material"},
    "budget.category.services": {"de": "Dienstleistungen", "en": "Services"},
    "budget.category.other": {"de": "Sonstiges", "en": "Other"},
    "budget.kind.expense": {"de": "Ausgabe", "en": "Expense"},
    "budget.kind.cancellation": {"de": "Storno", "en": "Cancellation"},
    "budget.kind.prize": {"de": "Preis", "en": "Prize"},
    "budget.kind.cancelled": {"de": "storniert", "en": "cancelled"},
    "budget.csv.day": {"de": "Datum", "en": "Date"},
    "budget.csv.kind": {"de": "Art", "en": "Kind"},
    "budget.csv.category": {"de": "Kategorie", "en": "Category"},
    "budget.csv.description": {"de": "Beschreibung", "en": "Description"},
    "budget.csv.receipt": {"de": "Beleg", "en": "Receipt"},
    "budget.csv.hackathon": {"de": "Hackathon", "en": "Hackathon"},
    "budget.csv.amount": {"de": "Betrag (EUR)", "en": "Amount (EUR)"},
    "budget.csv.reference": {"de": "Kennung", "en": "Reference"},
    "budget.csv.item": {"de": "Posten", "en": "Item"},
    "budget.summary.prizes": {"de": "Preise", "en": "Prizes"},
    "budget.summary.total": {"de": "Gesamt", "en": "Total"},
    "budget.summary.budget": {"de": "Budget", "en": "Budget"},
    "budget.summary.left": {"de": "Übrig", "en": "Left"},
    "budget.console.nav": {"de": "Budgets", "en": "Budgets"},
    "budget.console.title": {"de": "Budgets der Maßnahme", "en": "Budgets of the measure"},
    "budget.console.intro": {
        "de": "Die Maßnahme hat zwei Programme. Das Budget des Programms „Hackathon-Veranstaltungen“ ist je Jahr "
        "das Hackathon-Budget (ohne Eintrag 10.000 €); es zahlt die Ausgaben der Veranstaltungen und die Preise. "
        "Das Programm „Digitales Feedback“ zahlt seine eigenen Ausgaben.",
        "en": "The measure has two programmes. The budget of the programme “Hackathon events” is each year's "
        "hackathon budget (10,000 € unless entered); it pays the events' expenses and the prizes. The programme "
        "“Digital feedback” pays its own expenses.",
    },
    "budget.console.programme.caption": {
        "de": "Programm „{programme}“: Budget, ausgegeben und übrig je Jahr",
        "en": "Programme “{programme}”: budget, spent and left per year",
    },
    "budget.console.col.year": {"de": "Jahr", "en": "Year"},
    "budget.console.col.budget": {"de": "Budget", "en": "Budget"},
    "budget.console.col.spent": {"de": "Ausgegeben", "en": "Spent"},
    "budget.console.col.left": {"de": "Übrig", "en": "Left"},
    "budget.console.col.ledger": {"de": "Kassenbuch", "en": "Ledger"},
    "budget.console.total": {"de": "Summe", "en": "Total"},
    "budget.console.not_set": {"de": "nicht eingetragen", "en": "not entered"},
    "budget.console.ledger_link": {"de": "Kassenbuch {year}", "en": "Ledger {year}"},
    "budget.console.none": {"de": "Noch keine Jahre mit Budget.", "en": "No years with a budget yet."},
    "budget.console.set.title": {"de": "Budget eines Jahres eintragen", "en": "Enter a year's budget"},
    "budget.console.set.programme": {"de": "Programm", "en": "Programme"},
    "budget.console.set.year": {"de": "Jahr", "en": "Year"},
    "budget.console.set.amount": {"de": "Budget in Euro", "en": "Budget in euros"},
    "budget.console.set.amount_hint": {
        "de": "Zum Beispiel 10.000 oder 10000,00; nicht weniger als schon ausgegeben.",
        "en": "E.g. 10.000 or 10000,00; not less than already spent.",
    },
    "budget.console.set.submit": {"de": "Budget speichern", "en": "Save budget"},
    "budget.console.ledger.title": {"de": "Kassenbuch {year}: {programme}", "en": "Ledger {year}: {programme}"},
    "budget.console.ledger.hackathons_hint": {
        "de": "Das Hackathon-Budget gilt für alle Hackathons des Jahres zusammen: Ausgaben und Preise.",
        "en": "The hackathon budget is shared by all hackathons of the year: expenses and prizes.",
    },
    "budget.console.ledger.back": {"de": "Zurück zu den Budgets", "en": "Back to the budgets"},
    "budget.console.ledger.previous": {"de": "Vorjahr {year}", "en": "Previous year {year}"},
    "budget.console.ledger.next": {"de": "Folgejahr {year}", "en": "Next year {year}"},
    "budget.console.ledger.figures": {"de": "Stand {year}", "en": "Status {year}"},
    "budget.console.ledger.expenses": {"de": "Ausgaben", "en": "Expenses"},
    "budget.console.summary.caption": {
        "de": "Zusammenfassung {year} nach Kategorie",
        "en": "Summary {year} by category",
    },
    "budget.console.entries.caption": {
        "de": "Kassenbuch {year}: Ausgaben, Stornos und Preise",
        "en": "Ledger {year}: expenses, cancellations and prizes",
    },
    "budget.console.entries.none": {"de": "Noch keine Buchungen.", "en": "Nothing booked yet."},
    "budget.console.csv.ledger": {"de": "Kassenbuch {year} als CSV", "en": "Ledger {year} as CSV"},
    "budget.console.csv.summary": {"de": "Zusammenfassung {year} als CSV", "en": "Summary {year} as CSV"},
    "budget.console.book.title": {"de": "Ausgabe buchen", "en": "Book an expense"},
    "budget.console.book.category": {"de": "Kategorie", "en": "Category"},
    "budget.console.book.day": {"de": "Datum", "en": "Date"},
    "budget.console.book.day_hint": {"de": "TT.MM.JJJJ, im Jahr {year}", "en": "DD.MM.YYYY, in {year}"},
    "budget.console.book.amount": {"de": "Betrag in Euro", "en": "Amount in euros"},
    "budget.console.book.amount_hint": {"de": "Zum Beispiel 1.250 oder 89,90", "en": "E.g. 1.250 or 89,90"},
    "budget.console.book.description": {"de": "Beschreibung", "en": "Description"},
    "budget.console.book.receipt": {"de": "Belegnummer", "en": "Receipt reference"},
    "budget.console.book.hackathon": {"de": "Hackathon (freiwillig)", "en": "Hackathon (optional)"},
    "budget.console.book.no_hackathon": {"de": "– keiner –", "en": "– none –"},
    "budget.console.book.submit": {"de": "Ausgabe buchen", "en": "Book the expense"},
    "budget.console.cancel.title": {"de": "Ausgabe stornieren", "en": "Cancel an expense"},
    "budget.console.cancel.hint": {
        "de": "Eine Buchung wird nie geändert: ein Storno nimmt sie zurück, danach buchen Sie sie richtig neu.",
        "en": "A booking is never changed: a cancellation takes it back, then you book it anew, correctly.",
    },
    "budget.console.cancel.expense": {"de": "Ausgabe", "en": "Expense"},
    "budget.console.cancel.option": {
        "de": "{day}: {description} ({amount}, Beleg {receipt})",
        "en": "{day}: {description} ({amount}, receipt {receipt})",
    },
    "budget.console.cancel.reason": {"de": "Grund des Stornos", "en": "Reason for the cancellation"},
    "budget.console.cancel.submit": {"de": "Stornieren", "en": "Cancel the expense"},
    "budget.console.done.booked": {"de": "Die Ausgabe ist gebucht.", "en": "The expense is booked."},
    "budget.console.done.cancelled": {"de": "Die Ausgabe ist storniert.", "en": "The expense is cancelled."},
    "budget.console.done.budget": {"de": "Das Budget ist gespeichert.", "en": "The budget is saved."},
    "budget.console.error.category": {"de": "Bitte wählen Sie eine Kategorie.", "en": "Please choose a category."},
    "budget.console.error.day": {
        "de": "Bitte geben Sie das Datum als TT.MM.JJJJ an, zum Beispiel 14.03.{year}.",
        "en": "Please give the date as DD.MM.YYYY, e.g. 14.03.{year}.",
    },
    "budget.console.error.amount": {
        "de": "Bitte geben Sie den Betrag in Euro an, zum Beispiel 1.250 oder 89,90 (mehr als 0, höchstens 1.000.000).",
        "en": "Please give the amount in euros, e.g. 1.250 or 89,90 (more than 0, at most 1.000.000).",
    },
    "budget.console.error.budget": {
        "de": "Bitte geben Sie das Budget in Euro an, zum Beispiel 10.000 oder 10000,00 (höchstens 1.000.000).",
        "en": "Please give the budget in euros, e.g. 10.000 or 10000,00 (at most 1.000.000).",
    },
    "budget.console.error.description": {
        "de": "Bitte beschreiben Sie die Ausgabe (höchstens 500 Zeichen).",
        "en": "Please describe the expense (at most 500 characters).",
    },
    "budget.console.error.receipt": {
        "de": "Bitte geben Sie die Belegnummer an (höchstens 100 Zeichen).",
        "en": "Please give the receipt reference (at most 100 characters).",
    },
    "budget.console.error.hackathon": {
        "de": "Bitte wählen Sie einen Hackathon des Jahres.",
        "en": "Please choose a hackathon of the year.",
    },
    "budget.console.error.programme": {"de": "Bitte wählen Sie ein Programm.", "en": "Please choose a programme."},
    "budget.console.error.year": {
        "de": "Bitte geben Sie ein Jahr zwischen 2000 und 2100 an.",
        "en": "Please give a year between 2000 and 2100.",
    },
    "budget.console.error.expense": {"de": "Bitte wählen Sie eine Ausgabe.", "en": "Please choose an expense."},
}

# The citizen widget's texts ("widget.*") live in one JSON file that the widget's build bundles and the server's
# form without JavaScript uses too, so both say exactly the same.
CATALOGUE.update(json.loads((Path(__file__).with_name("widget_messages.json")).read_text(encoding="utf-8")))

LANGUAGES = ("de", "en")


def pick_language(accept_language: str | None) -> str:
    """First supported language in an Accept-Language header (weights ignored: order is good enough here)."""
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return "de"


def text(key: str, lang: str = "de", **values: object) -> str:
    entry = CATALOGUE[key]
    return entry.get(lang, entry["de"]).format(**values)
