"""Turn message content into a real email and deliver it: SMTP (STARTTLS), an .eml draft, or an Outlook draft.

SMTP settings come from the command line (``--smtp HOST:PORT``) and the
environment, never from a workbook:

- ``LAA_XL_SMTP_USER`` / ``LAA_XL_SMTP_PASSWORD``: the login (none set: send without logging in);
- ``LAA_XL_SMTP_FROM``: the sender address (default: the user, when it is an address);
- ``LAA_XL_SMTP_CAFILE``: a CA certificate file to trust as well as the system's (an in-house CA);
- ``LAA_XL_SMTP_TIMEOUT``: seconds to wait for the server (default 30);
- ``LAA_XL_MAX_ATTACHMENT_MB``: the attachment cap (default 10).

Temporary failures (a 4xx answer, connection refused, a timeout, a dropped
connection) are retried with back-off; permanent ones (5xx, a refused login,
an unverifiable certificate) are not. A connection refused twice running stops
the retries: nothing is listening at that host and port (a wrong ``--smtp``, or
the server is down), which waiting 40 seconds more would not change. A server that refuses some recipients
but takes the rest is reported, never ignored.
"""

from __future__ import annotations

import base64
import copy
import email.policy
import math
import os
import re
import smtplib
import socket
import ssl
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path

from ..core.email_content import MessageContent, email_in, emails_in, not_addresses_in
from ..errors import LaaError
from .files import atomic_path

XLSX_MAINTYPE, XLSX_SUBTYPE = "application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_PORT = 587
DEFAULT_DELAYS: tuple[float, ...] = (2.0, 10.0, 30.0)  # three retries after the first attempt
DEFAULT_MAX_ATTACHMENT = 10 * 1024 * 1024


class EmailError(LaaError):
    """An email could not be built or delivered; the message says why and what to do next."""


class AttachmentTooLarge(EmailError):
    """The workbook is bigger than mail servers commonly accept."""


class SendFailed(EmailError):
    """The mail server did not take the message."""

    attempts: int = 1


class TemporarySendFailure(SendFailed):
    """The server or network failed in a way that may pass (4xx, refused, timeout); retried, still failing."""


class PermanentSendFailure(SendFailed):
    """The server refused for good (5xx, a bad login, a certificate that cannot be trusted): not retried."""


class RecipientsRefused(SendFailed):
    """The server refused some (or all) recipients."""

    def __init__(self, message: str, refused: Mapping[str, tuple[int, str]], delivered: Sequence[str]) -> None:
        super().__init__(message)
        self.refused = dict(refused)
        self.delivered = list(delivered)


class OutlookUnavailable(EmailError):
    """An Outlook draft needs Windows with Outlook (and pywin32, which xlwings installs there)."""


class BadAddress(EmailError):
    """Something given as an email address is not one."""


def with_next_step(e: EmailError, next_step: str) -> EmailError:
    """The same error, its message followed by what to do next."""
    e.args = (f"{e} {next_step}".strip(),)
    return e


# --- settings ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = DEFAULT_PORT
    user: str = ""
    password: str = ""
    from_addr: str = ""
    cafile: str = ""
    timeout: float = 30.0

    @property
    def where(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"  # IPv6 as typed

    @classmethod
    def from_env(cls, hostport: str, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        env = os.environ if environ is None else environ
        host, port = parse_hostport(hostport)
        user = env.get("LAA_XL_SMTP_USER", "")
        raw_timeout = env.get("LAA_XL_SMTP_TIMEOUT", "")
        try:
            timeout = float(raw_timeout or 30)
        except ValueError:
            timeout = math.nan
        if not 0 < timeout < math.inf:  # 0, -1 or nan: bare Python errors from the socket
            raise EmailError(f"LAA_XL_SMTP_TIMEOUT must be a number of seconds above 0, not '{raw_timeout}'.")
        sender = env.get("LAA_XL_SMTP_FROM", "")
        if sender and (len(emails_in(sender)) != 1 or not_addresses_in(sender)):  # 'Performance Team' was sent as is
            raise EmailError(f"LAA_XL_SMTP_FROM must be one email address (a name may go with it: 'Performance Team "
                             f"<perf@council.gov.uk>'), not '{sender}'.")  # fmt: skip
        return cls(host, port, user, env.get("LAA_XL_SMTP_PASSWORD", ""), sender or email_in(user),
                   env.get("LAA_XL_SMTP_CAFILE", ""), timeout)  # fmt: skip


def parse_hostport(text: str) -> tuple[str, int]:
    """``smtp.example.gov.uk:587`` -> (host, 587); no port means 587 (submission with STARTTLS)."""
    t = (text or "").strip()
    if not t:
        raise EmailError("--smtp needs HOST:PORT, e.g. smtp.example.gov.uk:587.")
    if t.startswith("["):  # [IPv6]:port
        host, _, rest = t[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif t.count(":") == 1:
        host, _, port = t.partition(":")
    else:  # a name, or a bare IPv6 address
        host, port = t, ""
    if not host.strip():  # ':587' would be tried for 42 s and end 'please run connect() first'
        raise EmailError(f"--smtp '{text}' has no server name: give HOST:PORT, e.g. smtp.example.gov.uk:587.")
    if not port:
        return host, DEFAULT_PORT
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise EmailError(f"--smtp '{text}': the port must be a number from 1 to 65535, like smtp.example.gov.uk:587.")
    return host, int(port)


def max_attachment(environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    raw = env.get("LAA_XL_MAX_ATTACHMENT_MB", "")
    try:
        return int(float(raw) * 1024 * 1024) if raw else DEFAULT_MAX_ATTACHMENT
    except ValueError as e:
        raise EmailError(f"LAA_XL_MAX_ATTACHMENT_MB must be a number of megabytes, not '{raw}'.") from e


_BETWEEN_ADDRESSES = re.compile(r'[;,](?=(?:[^"]*"[^"]*")*[^"]*$)')  # a comma or semicolon not inside quotes


def addresses(values: Sequence[str] | str) -> tuple[str, ...]:
    """Addresses from --to values (each may list several, separated by commas or semicolons; a comma inside quotes,
    as in '"Bloggs, Jo" <jo@x.gov.uk>', is part of a name)."""
    raw = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for v in raw:
        for part in _BETWEEN_ADDRESSES.split(v):
            if not part.strip():
                continue
            bad = not_addresses_in(part)
            found = emails_in(part)
            if bad:  # never cut down to something that looks like an address
                raise BadAddress(f"'{bad[0]}' is not an email address laa-xl can send to (letters with accents cannot "
                                 "be used in one).")  # fmt: skip
            if not found:
                raise BadAddress(f"'{part.strip()}' is not an email address.")
            out.extend(found)
    return tuple(dict.fromkeys(out))


# --- building --------------------------------------------------------------------------------------------------


def _size(n: int) -> str:
    """Bytes as a person reads them: 12.7 MB, 10 MB, 2 KB."""
    if n >= 1048576:
        return f"{n / 1048576:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(n / 1024))} KB"


def check_attachment(attachment: Path, max_bytes: int = DEFAULT_MAX_ATTACHMENT) -> None:
    """Raise AttachmentTooLarge for a workbook over ``max_bytes``."""
    size = attachment.stat().st_size
    if size > max_bytes:
        raise AttachmentTooLarge(
            f"{attachment.name} is {_size(size)}, over the {_size(max_bytes)} limit for an "
            "email attachment (most mail servers refuse larger). Send it by your secure file transfer service "
            "instead, or raise the limit with LAA_XL_MAX_ATTACHMENT_MB if your mail server accepts more."
        )


def build_message(
    content: MessageContent,
    attachment: Path | None = None,
    from_addr: str = "",
    max_bytes: int = DEFAULT_MAX_ATTACHMENT,
) -> EmailMessage:
    """A multipart message: plain text and HTML alternatives, the workbook attached as .xlsx."""
    msg = EmailMessage()
    if from_addr:
        msg["From"] = from_addr
    if content.to:
        msg["To"] = ", ".join(content.to)
    msg["Subject"] = " ".join(content.subject.split())  # a line break typed in a register cell (Alt+Enter)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=(email_in(from_addr).rpartition("@")[2] or None))
    msg.set_content(content.text)
    msg.add_alternative(content.html, subtype="html")
    if attachment is not None:
        check_attachment(attachment, max_bytes)
        msg.add_attachment(attachment.read_bytes(), maintype=XLSX_MAINTYPE, subtype=XLSX_SUBTYPE,
                           filename=attachment.name)  # fmt: skip
    return msg


def write_eml(msg: EmailMessage, path: str | Path) -> Path:
    """Save the message as an .eml draft marked ``X-Unsent: 1`` (Outlook opens it ready to send)."""
    path = Path(path)
    draft = copy.deepcopy(msg)
    if "X-Unsent" not in draft:
        draft["X-Unsent"] = "1"
    with atomic_path(path) as tmp:
        tmp.write_bytes(draft.as_bytes(policy=email.policy.SMTP))
    return path


def recipients(msg: EmailMessage) -> list[str]:
    return [a for _, a in getaddresses([str(v) for f in ("To", "Cc", "Bcc") for v in msg.get_all(f, [])]) if a]


# --- SMTP ------------------------------------------------------------------------------------------------------


class _Retry(Exception):
    """Internal: one attempt failed in a way that may pass; ``refused``: the connection itself was refused."""

    def __init__(self, reason: str, *, refused: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.refused = refused


def _answer(code: int, text: bytes | str) -> str:
    t = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {t}".strip()


def send_smtp(
    msg: EmailMessage,
    settings: SmtpSettings,
    *,
    delays: Sequence[float] = DEFAULT_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    context: ssl.SSLContext | None = None,
) -> list[str]:
    """Send over SMTP with STARTTLS and certificate checks; return the recipients the server took.

    Retries after each delay in ``delays`` on a temporary failure. Raises
    :class:`PermanentSendFailure`, :class:`TemporarySendFailure` (after the
    retries) or :class:`RecipientsRefused`.
    """
    if not settings.from_addr:
        raise PermanentSendFailure(
            "No sender address: set LAA_XL_SMTP_FROM (or LAA_XL_SMTP_USER to an email address)."
        )
    if settings.user and not settings.password:
        raise PermanentSendFailure("LAA_XL_SMTP_USER is set but LAA_XL_SMTP_PASSWORD is not: set both.")
    to = recipients(msg)
    if not to:
        raise PermanentSendFailure("The message has no recipient.")
    if context is None:
        context = ssl.create_default_context()
        if settings.cafile:
            try:
                context.load_verify_locations(cafile=settings.cafile)
            except (OSError, ssl.SSLError) as e:
                raise PermanentSendFailure(f"LAA_XL_SMTP_CAFILE={settings.cafile} cannot be loaded ({e}).") from e
    msg = copy.deepcopy(msg)
    del msg["From"]
    msg["From"] = settings.from_addr
    data = msg.as_bytes(policy=email.policy.SMTP)
    last = ""
    refusals = 0  # connections refused in a row
    attempt = 0
    for attempt in range(len(delays) + 1):
        try:
            return _send_once(data, to, settings, context)
        except _Retry as r:
            last = r.reason
            refusals = refusals + 1 if r.refused else 0
            if refusals == 2:  # refused again after a wait: nothing listens there (a restarting server is back by now)
                err = TemporarySendFailure(
                    f"Could not send: nothing accepts mail at {settings.where} (the connection was refused twice, "
                    f"{delays[0]:g} s apart). Check the server name and port given to --smtp with your IT team; if "
                    "they are right, the mail server is down: try again later."
                )  # fmt: skip
                err.attempts = attempt + 1
                raise err from r
            if attempt < len(delays):
                if sys.stderr.isatty():  # not a silent wait of up to 42 s at a terminal
                    print(f"laa-xl: could not send yet ({last}); trying again in {delays[attempt]:g} s.", file=sys.stderr)
                sleep(delays[attempt])
    err = TemporarySendFailure(f"Could not send through {settings.where} after {attempt + 1} attempts; last: {last}.")
    err.attempts = attempt + 1
    raise err


def _send_once(data: bytes, to: list[str], s: SmtpSettings, context: ssl.SSLContext) -> list[str]:
    where = s.where
    try:
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout) as server:
            server.ehlo()
            if not server.has_extn("starttls"):
                raise PermanentSendFailure(
                    f"The mail server {where} does not offer STARTTLS; laa-xl will not send the workbook unencrypted. "
                    "Use your organisation's submission server (usually port 587)."
                )
            server.starttls(context=context)
            server.ehlo()
            if s.user:
                if not server.has_extn("auth"):
                    raise PermanentSendFailure(f"The mail server {where} does not accept a login (no AUTH after STARTTLS).")
                _login_once(server, s)
            limit = server.esmtp_features.get("size", "").strip()
            if limit.isdigit() and 0 < int(limit) < len(data):
                raise PermanentSendFailure(
                    f"The message is {_size(len(data))}; the mail server {where} takes at most "
                    f"{_size(int(limit))}. Send the workbook by secure file transfer instead."
                )
            refused = server.sendmail(email_in(s.from_addr) or s.from_addr, to, data)
    except smtplib.SMTPAuthenticationError as e:
        raise PermanentSendFailure(
            f"The mail server {where} refused the login for '{s.user}' ({_answer(e.smtp_code, e.smtp_error)}). "
            "Check LAA_XL_SMTP_USER and LAA_XL_SMTP_PASSWORD."
        ) from e
    except smtplib.SMTPRecipientsRefused as e:
        refused_all = {a: (c, _answer(c, m)) for a, (c, m) in e.recipients.items()}
        if all(400 <= c < 500 for c, _ in refused_all.values()):
            raise _Retry("every recipient was deferred: " + _list_refused(refused_all)) from e
        raise RecipientsRefused(
            f"The mail server {where} refused every recipient: {_list_refused(refused_all)}. Nothing was sent.",
            refused_all, [],
        ) from e  # fmt: skip
    except smtplib.SMTPResponseException as e:
        answer = _answer(e.smtp_code, e.smtp_error)
        if 400 <= e.smtp_code < 500:
            raise _Retry(f"the server answered {answer}") from e
        hint = " The server wants a login: set LAA_XL_SMTP_USER and LAA_XL_SMTP_PASSWORD." if e.smtp_code == 530 else ""
        raise PermanentSendFailure(f"The mail server {where} refused the message ({answer}).{hint}") from e
    except ssl.SSLCertVerificationError as e:
        raise PermanentSendFailure(
            f"The certificate of the mail server {where} cannot be trusted ({e.verify_message}). Check the host "
            "name; if your organisation uses its own certificate authority, set LAA_XL_SMTP_CAFILE to its CA file."
        ) from e
    except ssl.SSLError as e:
        raise PermanentSendFailure(f"A secure (TLS) connection to {where} failed ({e}).") from e
    except socket.gaierror as e:
        raise PermanentSendFailure(f"Cannot find the mail server '{s.host}' ({e.strerror}). Check --smtp.") from e
    except smtplib.SMTPServerDisconnected as e:
        if "timed out" in str(e):  # smtplib's word for a server that stopped answering
            raise _Retry(f"no answer from {where} within {s.timeout:g} s") from e
        raise _Retry(f"the server closed the connection ({e})") from e
    except ConnectionRefusedError as e:
        raise _Retry(f"connection to {where} refused (is the server running?)", refused=True) from e
    except TimeoutError as e:
        raise _Retry(f"no answer from {where} within {s.timeout:g} s") from e
    except smtplib.SMTPException as e:
        raise PermanentSendFailure(f"The mail server {where} failed: {e}.") from e
    except OSError as e:
        raise _Retry(f"network error reaching {where} ({e})") from e
    if refused:
        bad = {a: (c, _answer(c, m)) for a, (c, m) in refused.items()}
        delivered = [a for a in to if a not in bad]
        raise RecipientsRefused(
            f"Sent to {', '.join(delivered)}, but the mail server {where} refused {_list_refused(bad)}.",
            bad, delivered,
        )  # fmt: skip
    return to


def _login_once(server: smtplib.SMTP, s: SmtpSettings) -> None:
    """One login attempt with the best mechanism offered (smtplib's login() tries each in turn: a wrong password
    would then count as several failed logins against the account)."""
    offered = server.esmtp_features.get("auth", "").upper().split()
    mech = next((m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m in offered), None)
    if mech is None:
        raise PermanentSendFailure(f"The mail server {s.where} offers no login method laa-xl knows ({' '.join(offered)}).")
    if mech == "PLAIN":  # by hand: smtplib sends credentials as ASCII only, and a password may well hold a £ (RFC
        token = base64.b64encode(f"\0{s.user}\0{s.password}".encode()).decode("ascii")  # 4616: PLAIN is UTF-8)
        code, answer = server.docmd("AUTH", f"PLAIN {token}")
        if code not in (235, 503):  # 503: already logged in
            raise smtplib.SMTPAuthenticationError(code, answer)
        return
    server.user, server.password = s.user, s.password
    try:
        server.auth(mech, getattr(server, "auth_" + mech.lower().replace("-", "_")))
    except UnicodeEncodeError as e:
        raise PermanentSendFailure(f"The mail server {s.where} offers only {mech} logins, which cannot carry the "
                                   f"character '{e.object[e.start:e.end]}' in LAA_XL_SMTP_USER or LAA_XL_SMTP_PASSWORD."
                                   ) from e  # fmt: skip


def _list_refused(refused: Mapping[str, tuple[int, str]]) -> str:
    return ", ".join(f"{a} ({answer})" for a, (_, answer) in refused.items())


# --- Outlook ---------------------------------------------------------------------------------------------------


def outlook_draft(content: MessageContent, attachment: Path | None) -> None:
    """Open the message in Outlook for a person to review and send (Windows only); never sends it."""
    if sys.platform != "win32":
        raise OutlookUnavailable(
            "An Outlook draft needs Windows with Outlook. Here, use --eml FILE and open the draft in your mail "
            "program (it opens ready to send), or --smtp HOST:PORT."
        )
    try:
        import win32com.client  # pywin32: installed with xlwings on Windows
    except ImportError as e:
        raise OutlookUnavailable("An Outlook draft needs pywin32 (pip install pywin32); use --eml FILE instead.") from e
    try:
        outlook = win32com.client.Dispatch("Outlook.Application")
        mail = outlook.CreateItem(0)  # olMailItem
        mail.To = "; ".join(content.to)
        mail.Subject = content.subject
        mail.HTMLBody = content.html
        if attachment is not None:
            mail.Attachments.Add(str(attachment.resolve()))
        mail.Display(False)
    except Exception as e:  # COM errors have no useful common type
        raise OutlookUnavailable(f"Outlook could not open the draft ({e}). Use --eml FILE instead.") from e
