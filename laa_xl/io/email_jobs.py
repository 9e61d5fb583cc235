"""Whole email jobs: the GO return email (``laa-xl email``, the Email GOSE button, the demo) and chasing.

Order of work, so that a failure never loses anything: read the workbook,
build the message, write the ``.eml`` draft to disk, then (if asked) send it or
open it in Outlook. Every error names what is still on disk and what to do next.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.email_content import MessageContent, chase_messages, go_message
from ..core.issues import Issue, Location, error
from .files import atomic_path
from .go_summary import read_chase_input, read_go_summary
from .mailer import (
    DEFAULT_DELAYS,
    EmailError,
    RecipientsRefused,
    SendFailed,
    SmtpSettings,
    addresses,
    build_message,
    check_attachment,
    max_attachment,
    outlook_draft,
    send_smtp,
    with_next_step,
    write_eml,
)


@dataclass
class EmailResult:
    eml: Path | None = None  # the draft left on disk (None when it was only a temporary step of a send)
    sent_to: list[str] = field(default_factory=list)
    outlook: bool = False
    subject: str = ""


def default_eml_path(workbook: Path) -> Path:
    """``GO.xlsx`` -> ``GO.eml`` beside it."""
    return workbook.with_suffix(".eml")


def write_draft(go_path: str | Path, to: Sequence[str] | str, eml_path: str | Path | None = None) -> Path:
    """Write the GO return email as an .eml draft (``X-Unsent: 1``) with the workbook attached; return its path."""
    result = email_go_return(go_path, to, eml=eml_path)
    assert result.eml is not None
    return result.eml


def email_go_return(
    go_path: str | Path,
    to: Sequence[str] | str,
    *,
    smtp: str | None = None,
    eml: str | Path | None = None,
    outlook: bool = False,
    environ: Mapping[str, str] | None = None,
    delays: Sequence[float] = DEFAULT_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> EmailResult:
    """Email GO.xlsx to the GO, or leave it as a draft.

    With none of ``smtp``, ``eml`` and ``outlook``: write ``GO.eml`` beside the
    workbook. With ``smtp``: write the draft first, send, and keep the draft
    only if ``eml`` was asked for (or the send failed).
    """
    go_path = Path(go_path)
    if smtp and outlook:
        raise EmailError("Choose one of --smtp (send now) and --outlook (a draft to review), not both.")
    recipients = addresses(to)
    if not recipients:
        raise EmailError("No recipient: give --to the GO contact's email address.")
    limit = max_attachment(environ)
    if go_path.is_file():  # too big to send: said before the workbook is read (a national one takes seconds)
        check_attachment(go_path, limit)
    summary = read_go_summary(go_path)
    content = go_message(summary, recipients, go_path.name)
    settings = SmtpSettings.from_env(smtp, environ) if smtp else None
    msg = build_message(content, go_path, settings.from_addr if settings else "", limit)
    eml_path = Path(eml) if eml else default_eml_path(go_path)
    if eml_path.suffix.lower() != ".eml" or eml_path.resolve() == go_path.resolve():
        raise EmailError(f"The draft {eml_path.name} must be an .eml file other than the workbook: give --eml a name "
                         "ending in .eml. Nothing was changed.")  # fmt: skip
    write_eml(msg, eml_path)
    result = EmailResult(eml=eml_path, subject=content.subject)
    if settings is not None:
        try:
            result.sent_to = send_smtp(msg, settings, delays=delays, sleep=sleep)
        except RecipientsRefused as e:
            if e.delivered:  # the draft kept is for the others only: sent as it was, some would have it twice
                del msg["To"]
                msg["To"] = ", ".join(e.refused)
                write_eml(msg, eml_path)
            raise with_next_step(e, _keep_note(go_path, eml_path)) from e
        except EmailError as e:
            raise with_next_step(e, _keep_note(go_path, eml_path)) from e
        if eml is None:  # the draft was only a safety copy: a sent message must not linger "ready to send"
            eml_path.unlink(missing_ok=True)
            result.eml = None
    if outlook:
        try:
            outlook_draft(content, go_path)
        except EmailError as e:
            raise with_next_step(e, f"The draft {eml_path} is written and the workbook {go_path} is unchanged.") from e
        result.outlook = True
    return result


def _keep_note(workbook: Path, eml: Path) -> str:
    return (
        f"Nothing is lost: the workbook {workbook} and the draft {eml} are on disk. Open the draft in your mail "
        "program and send it, or run the command again."
    )


# --- chasing -------------------------------------------------------------------------------------------------


@dataclass
class ChaseResult:
    drafts: list[Path] = field(default_factory=list)
    messages: list[MessageContent] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)  # subjects sent
    issues: list[Issue] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # subjects sent by an earlier run, not sent again


SENT_RECORD = "sent.json"  # in the drafts folder: what chase has sent, so that running it again soon resends nothing
RESEND_AFTER = dt.timedelta(hours=12)  # a run after a failure comes within minutes; a reminder chased days later


def _fingerprint(m: MessageContent) -> str:
    """The same message to the same people (not its date or message id)."""
    return hashlib.sha256("\0".join((*sorted(a.lower() for a in m.to), m.subject, m.text)).encode()).hexdigest()


def _sent_record(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / SENT_RECORD).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _sent_lately(entry: Any) -> bool:
    try:
        return bool(dt.datetime.now() - dt.datetime.fromisoformat(entry["sent"]) < RESEND_AFTER)
    except (TypeError, KeyError, ValueError):
        return False


def _record_sent(folder: Path, record: dict[str, Any], m: MessageContent) -> None:
    when = dt.datetime.now().isoformat(timespec="seconds")
    record[_fingerprint(m)] = {"subject": m.subject, "to": list(m.to), "sent": when}
    with atomic_path(folder / SENT_RECORD) as tmp:
        tmp.write_text(json.dumps(record, indent=2, ensure_ascii=False) + os.linesep, encoding="utf-8")


def _slug(text: str) -> str:
    """A draft's file name from a code or a name: 'Zoë Brontë' -> 'zoe-bronte' (accents dropped, not the letters)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or "message"


def _set_aside_old_drafts(folder: Path) -> None:
    """Drafts of an earlier chase move to ``old/`` so none is sent by mistake to someone who has since replied."""
    old = list(folder.glob("*.eml"))
    if old:
        (folder / "old").mkdir(exist_ok=True)
        for p in old:
            os.replace(p, folder / "old" / p.name)


def chase(
    consolidated: str | Path,
    *,
    smtp: str | None = None,
    eml_dir: str | Path | None = None,
    period: str | None = None,
    environ: Mapping[str, str] | None = None,
    delays: Sequence[float] = DEFAULT_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> ChaseResult:
    """One draft per partnership with a missing, late or unusable return, or with entries to correct, and one per
    sponsor of repeated Reds.

    Drafts go to ``eml_dir`` (default: ``chase/`` beside the workbook). With
    ``smtp`` each addressed message is then sent; a sent draft is removed
    unless ``eml_dir`` was given. A message with no address in the register is
    left as a draft and reported as an issue.
    """
    consolidated = Path(consolidated)
    inp = read_chase_input(consolidated, period)
    messages = chase_messages(inp)
    folder = Path(eml_dir) if eml_dir else consolidated.parent / "chase"
    folder.mkdir(parents=True, exist_ok=True)
    _set_aside_old_drafts(folder)
    settings = SmtpSettings.from_env(smtp, environ) if smtp else None
    result = ChaseResult(messages=messages)
    names: set[str] = set()
    to_send: list[tuple[MessageContent, Path]] = []
    for m in messages:
        name = f"{m.kind}-{_slug(m.key)}"
        while name in names:
            name += "-2"
        names.add(name)
        path = write_eml(build_message(m, None, settings.from_addr if settings else ""), folder / f"{name}.eml")
        result.drafts.append(path)
        for p in m.problems:
            sheet = "Targets" if m.kind == "red" else "Partnerships"
            result.issues.append(error("no-contact-email", f"{p} The draft {path.name} has no recipient.",
                                       Location(consolidated.name, sheet)))  # fmt: skip
        if m.to:
            to_send.append((m, path))
    if settings is None:
        return result
    failures: list[str] = []
    record = _sent_record(folder)
    for i, (m, path) in enumerate(to_send):
        if _sent_lately(record.get(_fingerprint(m))):  # an earlier run (stopped by a failure, say) sent it
            result.already.append(m.subject)
            _set_sent_aside(path, folder, eml_dir is None, result)
            continue
        try:
            send_smtp(build_message(m, None, settings.from_addr), settings, delays=delays, sleep=sleep)
        except RecipientsRefused as e:
            failures.append(f"{path.name}: {str(e).rstrip('.')}")  # joined by '; ': no '.;'
            continue
        except SendFailed as e:  # the server or login is at fault: the rest would fail the same way
            failures.append(f"{path.name}: {str(e).rstrip('.')}")
            failures += [f"{p.name}: not tried" for _, p in to_send[i + 1 :]]
            break
        result.sent.append(m.subject)
        _record_sent(folder, record, m)
        _set_sent_aside(path, folder, eml_dir is None, result)
    if failures:
        earlier = f" ({len(result.already)} sent by an earlier run were not sent again.)" if result.already else ""
        raise EmailError(
            f"Sent {len(result.sent)} of {len(to_send) - len(result.already)} chase emails.{earlier} Not sent: "
            f"{'; '.join(failures)}. The unsent drafts are in {folder}: open them in your mail program and send "
            "them, or run again (what was sent is not sent again)."
        )  # fmt: skip
    return result


def _set_sent_aside(path: Path, folder: Path, remove: bool, result: ChaseResult) -> None:
    """A sent draft goes (from the default folder) or moves to ``sent/`` (from one given): it is not left beside
    the unsent ones, ready to be sent by hand a second time."""
    if remove:
        path.unlink(missing_ok=True)
    else:
        (folder / "sent").mkdir(exist_ok=True)
        os.replace(path, folder / "sent" / path.name)
    result.drafts.remove(path)


def demo_drafts(go_path: str | Path, consolidated: str | Path, to: str, directory: str | Path) -> dict[str, Path]:
    """The demo's email step: the GO return draft and the chase drafts (nothing is sent)."""
    directory = Path(directory)
    eml = write_draft(go_path, to, directory / "GO.eml")
    chased = chase(consolidated, eml_dir=directory / "chase")
    return {"email draft": eml, "chase drafts": directory / "chase", **{f"chase {p.stem}": p for p in chased.drafts}}
