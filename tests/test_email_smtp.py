"""Sending through a real SMTP server on localhost (aiosmtpd, STARTTLS with a throwaway CA, AUTH login)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from email_fixtures import write_consolidated, write_go
from smtp_server import PASSWORD, USER, free_port, make_certs, start

from laa_xl.cli import main
from laa_xl.io.email_jobs import chase, email_go_return
from laa_xl.io.mailer import (
    XLSX_MAINTYPE,
    XLSX_SUBTYPE,
    AttachmentTooLarge,
    EmailError,
    PermanentSendFailure,
    RecipientsRefused,
    SmtpSettings,
    TemporarySendFailure,
    addresses,
    parse_hostport,
)

ROOT = Path(__file__).resolve().parents[1]
SENDER = "performance@shire.example"
GO_ADDR = "laa-returns@gose.example"


class Sleeps(list):
    """Stands in for time.sleep: records each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def server(certs):
    s = start(certs)
    yield s
    s.controller.stop()


@pytest.fixture
def env(server):
    return {"LAA_XL_SMTP_USER": USER, "LAA_XL_SMTP_PASSWORD": PASSWORD, "LAA_XL_SMTP_FROM": SENDER,
            "LAA_XL_SMTP_CAFILE": str(server.certs.ca), "LAA_XL_SMTP_TIMEOUT": "5"}  # fmt: skip


@pytest.fixture
def go(tmp_path):
    return write_go(tmp_path / "GO.xlsx")


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def test_sent_attachment_is_byte_identical_to_the_workbook(server, env, go):
    sleeps = Sleeps()
    res = email_go_return(go, [GO_ADDR], smtp=server.hostport, environ=env, delays=(0, 0), sleep=sleeps)
    assert res.sent_to == [GO_ADDR] and sleeps == [] and server.auth.calls == 1
    [got] = server.handler.received
    assert (got.mail_from, got.rcpt_tos) == (SENDER, [GO_ADDR])
    msg = parse(got.data)
    assert msg["Subject"] == "Demoshire (demo data) LAA performance return 2008/09 H1"
    assert msg["X-Unsent"] is None  # only drafts carry it
    [att] = list(msg.iter_attachments())
    assert (att.get_content_maintype(), att.get_content_subtype()) == (XLSX_MAINTYPE, XLSX_SUBTYPE)
    assert att.get_filename() == "GO.xlsx"
    assert att.get_content() == go.read_bytes()
    assert {p.get_content_type() for p in msg.walk()} >= {"text/plain", "text/html"}
    # a sent message's safety draft is not left lying about "ready to send"
    assert res.eml is None and not (go.parent / "GO.eml").exists()


def test_bad_login_fails_once_without_retry_and_keeps_the_files(server, env, go):
    before, sleeps = sha(go), Sleeps()
    with pytest.raises(PermanentSendFailure) as e:
        email_go_return(go, GO_ADDR, smtp=server.hostport, environ={**env, "LAA_XL_SMTP_PASSWORD": "wrong"},
                        delays=(0, 0), sleep=sleeps)  # fmt: skip
    assert server.auth.calls == 1 and sleeps == [] and server.handler.received == []
    eml = go.parent / "GO.eml"
    assert eml.exists() and sha(go) == before
    assert "LAA_XL_SMTP_PASSWORD" in str(e.value) and str(eml) in str(e.value)


def test_a_password_with_a_pound_sign_logs_in(server, env, go):
    """smtplib sends a login as ASCII only: a council password holding a £ failed with a bare Python error. PLAIN
    carries it as UTF-8 (RFC 4616), as the real server here checks."""
    server.auth.password = "£ecret pässwörd"
    try:
        res = email_go_return(go, GO_ADDR, smtp=server.hostport, environ={**env, "LAA_XL_SMTP_PASSWORD": "£ecret pässwörd"},
                              delays=(0, 0), sleep=Sleeps())  # fmt: skip
    finally:
        server.auth.password = PASSWORD
    assert res.sent_to == [GO_ADDR] and len(server.handler.received) == 1


def test_a_sender_with_a_name_is_sent_from_its_address(server, env, go):
    email_go_return(go, GO_ADDR, smtp=server.hostport, environ={**env, "LAA_XL_SMTP_FROM": f"Performance Team <{SENDER}>"},
                    delays=(0, 0), sleep=Sleeps())  # fmt: skip
    [got] = server.handler.received
    assert got.mail_from == SENDER and parse(got.data)["From"].addresses[0].display_name == "Performance Team"


def test_451_then_success_is_retried(server, env, go):
    server.handler.defer_data = 1
    sleeps = Sleeps()
    res = email_go_return(go, GO_ADDR, smtp=server.hostport, environ=env, delays=(0.01, 0.02), sleep=sleeps)
    assert sleeps == [0.01] and server.handler.data_calls == 2
    assert len(server.handler.received) == 1 and res.sent_to == [GO_ADDR]


def test_a_refused_recipient_among_several_is_reported(server, env, go):
    server.handler.refuse = {"nobody@gose.example"}
    sleeps = Sleeps()
    to = ["a@gose.example", "nobody@gose.example", "b@gose.example"]
    with pytest.raises(RecipientsRefused) as e:
        email_go_return(go, to, smtp=server.hostport, environ=env, delays=(0, 0), sleep=sleeps)
    assert set(e.value.refused) == {"nobody@gose.example"} and e.value.refused["nobody@gose.example"][0] == 550
    assert e.value.delivered == ["a@gose.example", "b@gose.example"]
    [got] = server.handler.received  # delivered once to the others, not re-sent
    assert got.rcpt_tos == ["a@gose.example", "b@gose.example"] and sleeps == []
    assert (go.parent / "GO.eml").exists() and "nobody@gose.example" in str(e.value)
    # the draft kept, to send by hand, is for the one who did not get it: sent as written, a and b had it twice
    kept = email.message_from_bytes((go.parent / "GO.eml").read_bytes(), policy=email.policy.default)
    assert [a.addr_spec for a in kept["To"].addresses] == ["nobody@gose.example"]
    assert kept.get_content_type() == "multipart/mixed" and kept["X-Unsent"] == "1"


def test_a_server_that_is_down_fails_after_one_retry_and_loses_nothing(env, go):
    """Refused twice running: nothing listens there, and 40 s more of retries (a frozen terminal) would not help."""
    before, sleeps = sha(go), Sleeps()
    port = free_port()
    with pytest.raises(TemporarySendFailure) as e:
        email_go_return(go, GO_ADDR, smtp=f"127.0.0.1:{port}", environ=env, delays=(0.01, 0.02), sleep=sleeps)
    assert sleeps == [0.01] and e.value.attempts == 2
    assert f"nothing accepts mail at 127.0.0.1:{port}" in str(e.value) and "--smtp" in str(e.value)
    eml = go.parent / "GO.eml"
    assert eml.exists() and sha(go) == before
    draft = parse(eml.read_bytes())
    assert draft["X-Unsent"] == "1" and next(draft.iter_attachments()).get_content() == go.read_bytes()
    assert str(eml) in str(e.value) and "refused" in str(e.value)


def test_a_server_refusing_once_then_up_again_is_sent_to(certs, env, go):
    """A mail server restarting refuses a connection for a moment: the retry after the first wait sends."""
    port, started = free_port(), []

    def sleep_while_it_starts(seconds: float) -> None:
        started.append(start(certs, port=port))

    try:
        res = email_go_return(go, GO_ADDR, smtp=f"127.0.0.1:{port}", environ=env, delays=(0.01, 0.02),
                              sleep=sleep_while_it_starts)  # fmt: skip
        assert res.sent_to == [GO_ADDR] and len(started) == 1 and len(started[0].handler.received) == 1
    finally:
        for s in started:
            s.controller.stop()


def test_a_server_that_never_answers_times_out_and_is_retried(env, go):
    with socket.socket() as silent:  # listens, never accepts: the greeting never comes
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        sleeps = Sleeps()
        with pytest.raises(TemporarySendFailure) as e:
            email_go_return(go, GO_ADDR, smtp=f"127.0.0.1:{silent.getsockname()[1]}",
                            environ={**env, "LAA_XL_SMTP_TIMEOUT": "0.3"}, delays=(0,), sleep=sleeps)  # fmt: skip
    assert sleeps == [0] and e.value.attempts == 2
    assert "no answer from 127.0.0.1" in str(e.value) and "within 0.3 s" in str(e.value)  # not "closed"


def test_an_untrusted_certificate_is_rejected(server, env, go):
    sleeps = Sleeps()
    untrusting = {k: v for k, v in env.items() if k != "LAA_XL_SMTP_CAFILE"}
    with pytest.raises(PermanentSendFailure) as e:
        email_go_return(go, GO_ADDR, smtp=server.hostport, environ=untrusting, delays=(0, 0), sleep=sleeps)
    assert sleeps == [] and server.auth.calls == 0 and server.handler.received == []
    assert "LAA_XL_SMTP_CAFILE" in str(e.value)


def test_the_attachment_cap_stops_before_anything_is_sent(server, env, go):
    with pytest.raises(AttachmentTooLarge) as e:
        email_go_return(go, GO_ADDR, smtp=server.hostport, environ={**env, "LAA_XL_MAX_ATTACHMENT_MB": "0.001"})
    assert server.handler.received == [] and "GO.xlsx" in str(e.value) and go.exists()
    # said before the workbook is read: a file too big is refused for its size, whatever it holds
    big = go.parent / "big" / "GO.xlsx"
    big.parent.mkdir()
    big.write_bytes(b"not read" * 1000)
    with pytest.raises(AttachmentTooLarge):
        email_go_return(big, GO_ADDR, environ={"LAA_XL_MAX_ATTACHMENT_MB": "0.001"})
    assert list(big.parent.iterdir()) == [big]  # no draft


def test_cli_email_sends(server, env, go):
    res = CliRunner().invoke(main, ["email", str(go), "--to", GO_ADDR, "--smtp", server.hostport], env=env)
    assert res.exit_code == 0, res.output
    assert len(server.handler.received) == 1


def test_cli_email_failure_is_one_line_exit_2_without_traceback(server, env, go):
    proc = subprocess.run(
        [sys.executable, "-m", "laa_xl", "email", str(go), "--to", GO_ADDR, "--smtp", server.hostport],
        cwd=ROOT, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env, "LAA_XL_SMTP_PASSWORD": "no"},
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert (go.parent / "GO.eml").exists() and str(go.parent / "GO.eml") in proc.stderr


def test_chase_sends_the_addressed_messages_and_keeps_the_rest_as_drafts(server, env, tmp_path):
    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    res = chase(cons, smtp=server.hostport, environ=env, delays=(0,), sleep=Sleeps())
    got = sorted((r.rcpt_tos[0], parse(r.data)["Subject"].split(": ")[-1]) for r in server.handler.received)
    assert got == sorted([
        ("cyp.partnership@demoshire.example", "Children's Trust Board return received late"),
        ("stronger.partnership@demoshire.example", "Stronger Communities Partnership return not received"),
        ("health.partnership@demoshire.example", "Health and Wellbeing Partnership return could not be used"),
        ("cyp.partnership@demoshire.example", "targets Red two quarters running (Director for Children)"),
    ])  # fmt: skip
    # the two without an address stay as drafts and are reported
    assert sorted(p.name for p in res.drafts) == ["missing-env.eml", "red-director-of-environment.eml"]
    assert all(p.exists() for p in res.drafts)
    assert [(i.code, i.location.sheet) for i in res.issues] == [("no-contact-email", "Partnerships"),
                                                                ("no-contact-email", "Targets")]


def test_running_chase_again_after_a_failure_sends_only_what_was_not_sent(server, env, tmp_path):
    """'run again' was the advice after a refused recipient, and running again sent every message a second time.
    Each message sent is recorded beside the drafts (sent.json): the second run sends only the one refused; a
    sent draft leaves the folder given (moves to sent/), not to be sent by hand again."""
    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    server.handler.refuse = {"stronger.partnership@demoshire.example"}
    drafts = tmp_path / "drafts"
    with pytest.raises(EmailError, match="Sent 3 of 4 chase emails"):
        chase(cons, smtp=server.hostport, eml_dir=drafts, environ=env, delays=(0,), sleep=Sleeps())
    assert len(server.handler.received) == 3
    assert sorted(p.name for p in (drafts / "sent").glob("*.eml")) == ["late-cyp.eml", "red-director-for-children.eml",
                                                                       "refused-hwb.eml"]  # fmt: skip
    server.handler.refuse = set()
    again = chase(cons, smtp=server.hostport, eml_dir=drafts, environ=env, delays=(0,), sleep=Sleeps())
    assert [r.rcpt_tos for r in server.handler.received[3:]] == [["stronger.partnership@demoshire.example"]]
    assert len(again.sent) == 1 and len(again.already) == 3


def test_a_server_without_starttls_is_refused_not_sent_to_in_clear(env, go):
    from aiosmtpd.controller import Controller
    from smtp_server import Handler

    handler = Handler()
    plain = Controller(handler, hostname="127.0.0.1", port=free_port())
    plain.start()
    try:
        sleeps = Sleeps()
        with pytest.raises(PermanentSendFailure) as e:
            email_go_return(go, GO_ADDR, smtp=f"127.0.0.1:{plain.port}", environ=env, delays=(0,), sleep=sleeps)
    finally:
        plain.stop()
    assert handler.received == [] and sleeps == [] and "STARTTLS" in str(e.value)


def test_chase_with_a_bad_login_stops_and_keeps_every_draft(server, env, tmp_path):
    from laa_xl.io.mailer import EmailError

    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    sleeps = Sleeps()
    with pytest.raises(EmailError) as e:
        chase(cons, smtp=server.hostport, environ={**env, "LAA_XL_SMTP_PASSWORD": "no"}, delays=(0,), sleep=sleeps)
    assert server.auth.calls == 1 and sleeps == [] and server.handler.received == []  # stopped after the first
    assert len(list((tmp_path / "chase").glob("*.eml"))) == 6
    assert "Sent 0 of 4" in str(e.value) and str(tmp_path / "chase") in str(e.value)


def test_a_server_without_starttls_is_never_sent_the_workbook(certs, env, go):
    plain = start(certs, tls=False)
    try:
        with pytest.raises(PermanentSendFailure, match="does not offer STARTTLS; laa-xl will not send"):
            email_go_return(go, GO_ADDR, smtp=plain.hostport, environ=env, delays=(0,), sleep=Sleeps())
        assert plain.handler.received == [] and plain.handler.data_calls == 0
    finally:
        plain.controller.stop()
    assert (go.parent / "GO.eml").exists()  # the draft stays, to send another way


def test_a_message_over_the_servers_size_limit_is_not_sent(certs, env, go):
    small = start(certs, size_limit=2000)
    try:
        with pytest.raises(PermanentSendFailure, match=r"takes at most 2 KB\. Send the workbook by secure file"):
            email_go_return(go, GO_ADDR, smtp=small.hostport, environ={**env, "LAA_XL_SMTP_CAFILE": str(certs.ca)},
                            delays=(0,), sleep=Sleeps())  # fmt: skip
        assert small.handler.received == []
    finally:
        small.controller.stop()


@pytest.mark.parametrize(("text", "want"), [
    ("smtp.example.gov.uk:25", ("smtp.example.gov.uk", 25)), ("smtp.example.gov.uk", ("smtp.example.gov.uk", 587)),
    (" mail:2525 ", ("mail", 2525)), ("[::1]:465", ("::1", 465)), ("[::1]", ("::1", 587)), ("::1", ("::1", 587)),
])  # fmt: skip
def test_smtp_host_and_port(text, want):
    assert parse_hostport(text) == want
    host, port = want  # and said back as it is written: an IPv6 address in brackets ('::1:465' read as a port)
    assert SmtpSettings(host, port).where == (f"[{host}]:{port}" if ":" in host else f"{host}:{port}")


@pytest.mark.parametrize("text", ["", "  ", "mail:port", "mail:0", "mail:70000", "[::1]:x", ":587", "[]:25"])
def test_a_bad_smtp_host_or_port_says_how_to_write_it(text):
    with pytest.raises(EmailError, match="smtp.example.gov.uk:587"):
        parse_hostport(text)


def test_bad_settings_in_the_environment_are_named(go):
    for bad in ("soon", "0", "-1", "nan"):  # the last three were bare Python errors from the socket
        with pytest.raises(EmailError, match=f"LAA_XL_SMTP_TIMEOUT must be a number of seconds above 0, not '{bad}'"):
            SmtpSettings.from_env("mail:587", {"LAA_XL_SMTP_TIMEOUT": bad})
    for bad in ("Performance Team", "a@x.gov.uk, b@x.gov.uk"):  # no address, or two: sent as they were
        with pytest.raises(EmailError, match="LAA_XL_SMTP_FROM must be one email address"):
            SmtpSettings.from_env("mail:587", {"LAA_XL_SMTP_FROM": bad})
    named = SmtpSettings.from_env("mail:587", {"LAA_XL_SMTP_FROM": "Performance Team <perf@x.gov.uk>"})
    assert named.from_addr == "Performance Team <perf@x.gov.uk>"
    with pytest.raises(EmailError, match="LAA_XL_MAX_ATTACHMENT_MB must be a number of megabytes, not 'ten'"):
        email_go_return(go, GO_ADDR, environ={"LAA_XL_MAX_ATTACHMENT_MB": "ten"})
    assert addresses(["a@x.gov.uk; B <b@x.gov.uk>", "a@x.gov.uk,"]) == ("a@x.gov.uk", "b@x.gov.uk")
    with pytest.raises(EmailError, match="'GOSE team' is not an email address"):
        addresses("go@x.gov.uk, GOSE team")
    with pytest.raises(EmailError, match="'zoë.bronte@gose.example' is not an email address"):
        addresses("zoë.bronte@gose.example")  # was sent to '.bronte@gose.example'
    assert addresses("jo@x.example jo2@y.example") == ("jo@x.example", "jo2@y.example")  # both, not the first
    # a comma inside a quoted name (as Outlook copies an address) is not a split: '"Bloggs' was refused
    assert addresses(['"Bloggs, Jo" <jo@x.gov.uk>; ann@y.gov.uk']) == ("jo@x.gov.uk", "ann@y.gov.uk")


def test_a_reminder_chased_days_later_is_sent(server, env, tmp_path):
    """The record only stops a resend soon after (a run after a failure): a chase a week later is a reminder."""
    import datetime as dt
    import json

    from laa_xl.io.email_jobs import RESEND_AFTER, SENT_RECORD

    cons = write_consolidated(tmp_path / "CONSOLIDATED.xlsx")
    first = chase(cons, smtp=server.hostport, environ=env, delays=(0,), sleep=Sleeps())
    record_path = tmp_path / "chase" / SENT_RECORD
    record = json.loads(record_path.read_text())
    assert len(record) == len(first.sent) == 4
    for entry in record.values():
        entry["sent"] = (dt.datetime.now() - RESEND_AFTER - dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    record_path.write_text(json.dumps(record))
    later = chase(cons, smtp=server.hostport, environ=env, delays=(0,), sleep=Sleeps())
    assert len(later.sent) == 4 and later.already == [] and len(server.handler.received) == 8
