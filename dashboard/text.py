"""Text that came from a file or a person, shown as text (issue 15, «Text that people uploaded»).

Streamlit reads Markdown in ``st.markdown``, ``st.write`` of a string, ``st.caption``, ``st.title``,
``st.subheader``, the alerts (``st.info``/``st.success``/``st.warning``/``st.error``), ``st.metric``'s
label and help, expander and tab labels, and widget labels — including its own extensions:
``:red[…]``, ``$…$`` (LaTeX), ``:material/…:`` icons and bare URLs that turn into links (GFM). A file
named ``[СРОЧНО: войдите заново](http://…/phish).csv`` would be a live link there, and an image in a
registry name would make every viewer's browser fetch it.

The rule: everything a file or a user wrote (file names, sheet names, registry names, logins, full
names, titles, comments) goes through :func:`plain` before it is put into such a string; our own words
around it keep their Markdown. Tables (``st.dataframe``), selectbox and multiselect options, text
inputs and Altair charts (Vega sets text, never HTML) show text as it is and need nothing.

Module without Streamlit, so that it is tested as a pure function.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character that opens or closes a construct of CommonMark, GFM or Streamlit's
# extensions: emphasis and code (* _ ` ~), links and images ([ ] !), HTML and autolinks (< >),
# headings, lists and quotes (# + - . >), tables (|), entities (&), GFM's bare «www.»/«http://»/e-mail
# links (. : @), directives such as ``:red[…]`` and icons (:), LaTeX ($), and the backslash itself. Each
# may be backslash-escaped, and CommonMark then renders the character itself (spec 2.4). Commas,
# semicolons, quotes and the like start nothing and are left as they are, so that the text stays readable;
# so are parentheses, which make a link only after a «]» (escaped here).
_PUNCTUATION = re.compile(r"([\\`*_{}\[\]<>#+\-.!|~:$&@])")
# GFM's literal autolinks (``http://…``, ``www.…``, ``a@b.ru``) and Streamlit's emoji and icon shortcodes
# (``:smile:``, ``:material/home:``) are found in the text after the escapes are resolved, so a backslash
# does not stop them (seen in Chromium: «http\\://evil» still became a link). A WORD JOINER (U+2060,
# invisible, no width, no line break) after each colon, after «www» and after «@» breaks their patterns.
_JOINER = "\u2060"
_LINK_POINTS = re.compile(r"(?<=:)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
# A line break would let the text open a block (a heading, a list, a code block) after it.
_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]+")


def plain(text: object) -> str:
    """``text`` to put inside Markdown so that it shows as the characters it is, on one line."""
    one_line = _BREAKS.sub(" ", str(text))
    return _PUNCTUATION.sub(r"\\\1", _LINK_POINTS.sub(_JOINER, one_line))
