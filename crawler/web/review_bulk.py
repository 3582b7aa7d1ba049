"""Bulk actions of Granska: approve, or reject with a reason, every match of the filtered list.

A bulk action goes through a confirmation page that says how many matches of how many calls for
which municipalities, and lists them. The confirmation posts the ids it showed; on the POST the
set is computed again from the same filter, inside the write transaction, and when it is not
exactly the set shown (a match run added one, another tab approved one) nothing changes and the
confirmation is shown again. Matches already in the target state are left out: a bulk approve
never touches an approved match's time, a bulk reject never overwrites an earlier reason.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from crawler.match import review
from crawler.store import review_undo
from crawler.web import common
from crawler.web.review_filters import ReviewFilter, by_call
from digest import swedish

# The bulk actions: the form's value, the review state it sets, and its words.
ACTIONS = {"godkann": ("approved", "godkänd"), "avvisa": ("rejected", "avvisad")}


class _Changed(Exception):
    """The filtered set is no longer the one confirmed."""


def _request_action(values: Any) -> tuple[str, str | None] | None:
    """The action and (for a rejection) the stored reason; None, with a message, when either
    cannot be read."""
    action = values.get("atgard", "")
    if action not in ACTIONS:
        common.failed("Okänd åtgärd; inget ändrades.")
        return None
    if action == "godkann":
        return action, None
    try:
        return action, review.rejection_reason(values.get("orsak", ""), values.get("fritext", ""))
    except review.ReviewError:
        common.failed(
            "Välj en orsak i listan (och skriv varför om du väljer ”annat”); inget ändrades."
        )
        return None


def _targets(filters: ReviewFilter, action: str) -> tuple[list[dict[str, Any]], int]:
    """The matches the action would change, and how many of the list it leaves as they are."""
    state = ACTIONS[action][0]
    rows = filters.rows(common.db(), common.today())
    targets = [row for row in rows if (row["review"] or "pending") != state]
    return targets, len(rows) - len(targets)


def _summary(action: str, reason: str | None, targets: list[dict[str, Any]]) -> str:
    names = common.names_text([row["municipality"] for row in targets])
    calls = len({row["call_id"] for row in targets})
    amount = (
        f"{swedish.count(len(targets), 'matchning', 'matchningar')}"
        f" av {swedish.count(calls, 'utlysning', 'utlysningar')}"
    )
    words = ACTIONS[action][1]
    return f"{words} för {names} ({amount}{'; ' + reason if reason else ''})"


def confirm() -> Response | str:
    filters, _ = ReviewFilter.from_values(request.args)
    back = url_for("review.page", **filters.params())
    chosen = _request_action(request.args)
    if chosen is None:
        return redirect(back, code=303)
    action, reason = chosen
    targets, unchanged = _targets(filters, action)
    if not targets:
        common.failed("Inga matchningar i urvalet att ändra; inget ändrades.")
        return redirect(back, code=303)
    groups = [
        {"title": group[0]["title"], "deadline": group[0]["deadline"], "rows": group}
        for group in by_call(targets)
    ]
    return render_template(
        "review_confirm.html",
        action=action,
        words=ACTIONS[action][1],
        reason=reason,
        choice=request.args.get("orsak", ""),
        free_text=request.args.get("fritext", ""),
        form=filters.params(),
        back=back,
        described=filters.describe(common.today(), common.need_title),
        matches=len(targets),
        calls=len(groups),
        names=common.names_text([row["municipality"] for row in targets]),
        unchanged=unchanged,
        groups=groups,
        ids=[row["match_id"] for row in targets],
    )


def apply() -> Response:
    filters, _ = ReviewFilter.from_values(request.form)
    back = url_for("review.page", **filters.params())
    chosen = _request_action(request.form)
    if chosen is None:
        return redirect(back, code=303)
    action, reason = chosen
    try:
        posted = sorted({int(i) for i in request.form.getlist("id")})
    except ValueError:
        posted = []
    if not posted:
        common.failed("Inga matchningar i formuläret; inget ändrades.")
        return redirect(back, code=303)
    again = url_for(
        "review.bulk_confirm",
        **filters.params(),
        atgard=action,
        orsak=request.form.get("orsak", ""),
        fritext=request.form.get("fritext", ""),
    )
    targets, _ = _targets(filters, action)
    text = _summary(action, reason, targets)
    database = common.db()
    try:
        with review_undo.recorded(database, posted, text):
            # Again inside the transaction, so nothing can slip in between check and change.
            if sorted(row["match_id"] for row in _targets(filters, action)[0]) != posted:
                raise _Changed
            if action == "godkann":
                review.approve(database, posted)
            else:
                review.reject(database, posted, reason or "")
    except (_Changed, review.ReviewError):
        common.failed(
            "Urvalet har ändrats sedan du bekräftade (matchningar har tillkommit eller"
            " ändrats); inget ändrades. Kontrollera listan och bekräfta igen."
        )
        return redirect(again, code=303)
    common.done(text[:1].upper() + text[1:] + ".")
    return redirect(back, code=303)
