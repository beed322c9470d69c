"""Log filters: secrets that clients put in URLs never reach a log line."""

import logging
import re

# Query-string parameters whose values are credentials.
SECRET_PARAMETER = re.compile(r"(?i)\b(api_key|token|password)=[^&\s\"']*")


def redact(text: str) -> str:
    return SECRET_PARAMETER.sub(lambda m: f"{m.group(1)}=[redacted]", text)


class RedactSecrets(logging.Filter):
    """Masks credentials in a record's message and arguments (the request line included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True
