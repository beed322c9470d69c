"""Text written into a case's record (timeline reasons, audit entries, names standing in for
erased people) stays in the portal's official language, Vietnamese, whoever reads it later: a
record is evidence and is not re-worded per reader. Wrapping such text in `record_text` says
so, and lets the hard-coded-text check (scripts/_messages_scan.py) tell it from UI text."""


def record_text(text: str) -> str:
    return text
