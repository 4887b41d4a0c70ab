"""Text cells that a spreadsheet would run as formulas, made inert (OWASP «CSV injection»).

The one rule for every export, the app's (``dashboard/export.py``) and the command line's
(``python -m warehouse kpi --format csv``): a text cell that starts with = + - @, a tab or a carriage
return gets a leading apostrophe, which Excel and LibreOffice read as «this is text» and do not show.
Numbers are never touched, so -5 stays the number -5. It lives here, without Streamlit, so that the
command line uses the same function as the app.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert."""
    return "'" + text if text.startswith(FORMULA_START) else text


def neutralize_text(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are neutralized; numbers, dates and booleans as they are
    (call it before numbers are turned into text, or «-5» would become «'-5»)."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            out[col] = s.map(lambda v: neutralize(v) if isinstance(v, str) else v)
    return out
