"""A confirmation dialog for the changes a click must not make by accident: restoring an earlier version
of a snapshot, disabling an account (issue 16: a restore went through with no question asked).

The dialog names what will change in plain sentences (file names and people's names are shown as text,
never as Markdown); «Отмена» or the close button leaves everything as it was. After the change the
whole page runs again and says what was done (``flash``), with the forms keeping their selection:
their widgets have stable keys.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard import auth
from dashboard.text import plain

FLASH = "confirm_flash"


def ask(title: str, lines: list[str], button: str, action: Callable[[], str | None],
        refusals: tuple[type[Exception], ...] = ()) -> None:
    """Open a dialog titled ``title`` with ``lines`` (Markdown: the caller passes what a file or a person
    wrote through :func:`dashboard.text.plain`, and our own words stay as written) and the buttons
    ``button`` and «Отмена».

    ``action()`` makes the change and returns what to tell the person (shown on the page after the
    dialog closes); an exception of ``refusals`` (the service's Russian refusals) is shown in the dialog."""
    st.dialog(title, width="medium")(_body)(lines, button, action, refusals)


def _body(lines: list[str], button: str, action: Callable[[], str | None],
          refusals: tuple[type[Exception], ...]) -> None:
    auth.still_logged_in()      # a dialog's click runs only the dialog, not the entry script's check
    for line in lines:
        st.markdown(line)
    go, cancel, _ = st.columns([2, 1, 1])
    if go.button(button, type="primary", key="confirm_go", width="stretch"):
        try:
            said = action()
        except refusals as exc:         # a refusal of the service: said in its own words, nothing changed
            st.error(plain(getattr(exc, "message", None) or str(exc)))
            return
        st.session_state[FLASH] = said
        st.rerun()
    if cancel.button("Отмена", key="confirm_cancel", width="stretch"):
        st.rerun()


def flash() -> None:
    """Say what the last confirmed change did (once, at the top of the page)."""
    if said := st.session_state.pop(FLASH, None):
        st.success(said)
