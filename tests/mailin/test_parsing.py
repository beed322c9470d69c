"""Reading an incoming mail: who wrote it, its text (HTML read as text only), its photos, and
whether a person wrote it at all."""

from email.message import EmailMessage

from mailin.parsing import html_to_text, mail_parse
from tests.mailin.conftest import citizen_mail, jpeg


def test_the_sender_subject_and_text_are_read_with_their_vietnamese_intact():
    message = citizen_mail(
        subject="Đèn đường hỏng ở bản Him Lam",
        text="Ba bóng đèn không sáng.\n\n> Trích thư trước\n-- \nLò Văn Dân\n0912345678",
        sender="=?utf-8?b?TMOyIFbEg24gRMOibg==?= <dan@example.test>",
    )
    mail = mail_parse(message.as_bytes())
    assert (mail.display_name, mail.address) == ("Lò Văn Dân", "dan@example.test")
    assert mail.subject == "Đèn đường hỏng ở bản Him Lam"
    # Neither the quoted history nor the signature (with its phone number) is the report.
    assert mail.text == "Ba bóng đèn không sáng."
    assert mail.message_id == message["Message-ID"] and not mail.automatic


def test_an_html_only_mail_gives_its_visible_text_and_never_its_scripts():
    text = html_to_text(
        "<html><head><style>p{}</style></head><body><p>Cống tắc</p>"
        "<script>alert('x')</script><div>trước&nbsp;chợ &amp; trường</div></body></html>"
    )
    assert "alert" not in text and "p{}" not in text
    assert text.split() == ["Cống", "tắc", "trước", "chợ", "&", "trường"]


def test_photos_attached_or_inline_are_found_and_other_files_are_not():
    message = citizen_mail(photos=[("a.jpg", jpeg())])
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="d.pdf")
    mail = mail_parse(message.as_bytes())
    assert [a.filename for a in mail.attachments] == ["a.jpg"]
    assert mail.attachments[0].content.startswith(b"\xff\xd8")


def test_a_mail_without_a_message_id_is_named_by_its_bytes():
    message = EmailMessage()
    message["From"] = "dan@example.test"
    message.set_content("Cột điện nghiêng")
    raw = message.as_bytes()
    assert mail_parse(raw).message_id == mail_parse(raw).message_id
    assert mail_parse(raw).message_id != mail_parse(raw + b"x").message_id


def test_delivery_reports_and_lists_are_recognised_as_automatic():
    report = EmailMessage()
    report["From"] = "postmaster@example.test"
    report.set_content("undeliverable")
    assert mail_parse(report.as_bytes()).automatic == "bounce"
    listed = citizen_mail(headers={"List-Id": "<tin-tuc.example.test>"})
    assert mail_parse(listed.as_bytes()).automatic == "mailing-list"
    assert mail_parse(citizen_mail(headers={"Auto-Submitted": "no"}).as_bytes()).automatic == ""
