"""What a person sees when a page fails: a Russian message, never a traceback (issue 15).

Streamlit's ``client.showErrorDetails`` decides what an uncaught exception shows in the browser.
``.streamlit/config.toml`` sets it to ``"none"`` for the app as served: no exception type, message,
file path or code reaches a user. Left at that, Streamlit would still print an English sentence in
the page, so the entry script runs each page inside :func:`failures`, which writes the exception with
its traceback to the server's log (a logger under Streamlit's own handler, stderr of the server) and
shows a Russian message with the time and a short code to find the log entry by.

Developers and the tests see everything: with ``showErrorDetails`` at ``"full"`` (the tests set
``STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=full`` in ``tests/conftest.py``; a developer may set it too),
:func:`failures` lets the exception through, so Streamlit shows it, AppTest reports it in
``at.exception`` and the browser tests fail on its box.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import streamlit as st
from streamlit import config
from streamlit.logger import get_logger

LOG = get_logger(__name__)   # Streamlit's handler and format: the server's log

MESSAGE = ("Не удалось показать страницу: внутренняя ошибка приложения. Подробности записаны в журнал сервера. "
           "Если ошибка повторяется, сообщите администратору время ({moment}) и код ошибки {code}.")


def shows_details() -> bool:
    """Whether Streamlit is configured to show the exception itself (``client.showErrorDetails`` at
    ``"full"`` or the legacy ``true``)."""
    value = config.get_option("client.showErrorDetails")
    return value in ("full", True, "true", "True")


@contextmanager
def failures() -> Iterator[None]:
    """Run a page; an exception it raises is logged on the server and said in Russian (or let through
    when details are shown). ``st.stop()`` and ``st.rerun()`` are no exceptions here (BaseException)."""
    try:
        yield
    except Exception:
        if shows_details():
            raise
        code = secrets.token_hex(3)
        LOG.exception("Page failed (code %s)", code)
        st.error(MESSAGE.format(moment=f"{datetime.now():%d.%m.%Y %H:%M}", code=code), icon=":material/error:")
