"""CSV pieces shared by every export."""


def spreadsheet_safe(value) -> str:
    """The cell as text; one a spreadsheet would run as a formula (= + - @) is kept as text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
