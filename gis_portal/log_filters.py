"""Log filters: credentials and contact details never reach a log line.

The portal logs no identity, token or key on purpose (README, "Logs"); this is the safety net
for what a library or a traceback writes anyway: credentials in URLs, form bodies and headers,
e-mail addresses and Vietnamese phone numbers. A reporter's name has no shape to recognise:
it is kept out by never logging personal records, which tests/operations/test_logs.py checks.
"""

import logging
import re

_FORMATTER = logging.Formatter()
# Query-string or form parameters whose values are credentials (api_key, otp_token, …).
SECRET_PARAMETER = re.compile(
    r"(?i)\b([\w-]*(?:api_key|apikey|token|password|passwd|secret|sessionid|csrftoken))"
    r"=[^&\s\"';,]*"
)
# An Authorization header's value, and headers that carry credentials, as text or in a dict.
AUTH_SCHEME = re.compile(r"(?i)\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}")
SECRET_HEADER = re.compile(
    r"(?i)\b(authorization|x-api-key|cookie|set-cookie)([\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]+"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 0 or +84, then 9 or 10 digits (mobile and landline), spaces or dots allowed between them.
PHONE = re.compile(r"(?<![\w+])(?:\+84|0)[1-9](?:[ .]?\d){7,9}(?!\w)")


def redact(text: str) -> str:
    text = SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}=[redacted]", text)
    text = AUTH_SCHEME.sub(lambda m: f"{m.group(1)} [redacted]", text)
    text = SECRET_HEADER.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = EMAIL.sub("[email]", text)
    return PHONE.sub("[phone]", text)


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's message, arguments and traceback (the request line too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The message is formatted here, so an argument that is an object (an exception, a
        # request) is masked as the text it becomes.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: logging reports it later
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        # Formatters reuse exc_text once set: the traceback is formatted here, then masked.
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
