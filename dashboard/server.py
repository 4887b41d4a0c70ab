"""The app's server: Streamlit's own ASGI app (``st.App``) running ``app.py``, plus the two routes of
the login cookie. Start it with ``streamlit run dashboard/server.py`` from the repository root.

A Streamlit script speaks to the browser over a websocket and cannot set a cookie that scripts in the
page cannot read (Streamlit has no API to write cookies; streamlit/streamlit#861 and #14730), so:

- ``POST /api/session`` takes the one-time ticket that :mod:`dashboard.auth` handed the page after a
  login, and answers with the session's token in an HttpOnly, SameSite=Lax cookie (``Secure`` when
  the page came over HTTPS). The token is never in an address or in the page.
- ``POST /api/logout`` clears the cookie (the session itself was ended in the warehouse already).

And a middleware: a file made for a download button is served from ``/media/…`` only to a request
that carries a valid session cookie, so that its address, copied or left in a history, gives nothing
to someone else or after the session ended. Other media (images) are served as Streamlit serves
them. Telling a download from an image reads Streamlit's media storage (``media_file_mgr._storage``,
not a public API): if that ever fails, the file is served as before, and the data callables'
own check (``auth.download_button``) still stands.

Both want the ``X-Mentorship`` header, which a page of another site cannot send without the
browser asking this server first (CORS), and this server never agrees. The cookie has no
``Max-Age``: it lives until the browser closes, and the warehouse decides how long the session does
(``accounts.SESSION_MINUTES`` since the last script run).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.starlette import App

from dashboard import auth
from dashboard.state import cursor
from warehouse import accounts

HEADER = "x-mentorship"


async def _ticket_json(request: Request) -> str | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    ticket = body.get("ticket") if isinstance(body, dict) else None
    return ticket if isinstance(ticket, str) and len(ticket) < 200 else None


def _valid(token: str) -> bool:
    with cursor() as cur:
        return accounts.check_session(cur, accounts.token_hash(token), touch=False).user is not None


async def session(request: Request) -> Response:
    if request.headers.get(HEADER) != "1":
        return Response(status_code=403)
    ticket = await _ticket_json(request)
    token = auth.redeem_ticket(ticket) if ticket else None
    if token is None or not await run_in_threadpool(_valid, token):
        return Response(status_code=403)
    response = Response(status_code=204)
    response.set_cookie(auth.COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")
    return response


async def logout(request: Request) -> Response:
    if request.headers.get(HEADER) != "1":
        return Response(status_code=403)
    response = Response(status_code=204)
    response.delete_cookie(auth.COOKIE, path="/", httponly=True, samesite="lax")
    return response


def _downloadable(file_id: str) -> bool:
    """Is ``file_id`` a file made for a download button (not an image)?"""
    try:
        from streamlit import runtime
        from streamlit.runtime.media_file_storage import MediaFileKind

        storage = runtime.get_instance().media_file_mgr._storage
        return storage.get_file(file_id).kind == MediaFileKind.DOWNLOADABLE
    except Exception:  # noqa: BLE001 - unknown file (Streamlit answers 404) or storage changed: as before
        return False


class DownloadsNeedSession:
    """ASGI middleware: ``/media/<file>`` of a download answers 403 without a valid session cookie."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/media/"):
            file_id = scope["path"].rsplit("/", 1)[-1]
            if _downloadable(file_id):
                token = Request(scope).cookies.get(auth.COOKIE)
                if not token or not await run_in_threadpool(_valid, token):
                    await Response("Сеанс завершён: войдите снова.", status_code=403,
                                   media_type="text/plain; charset=utf-8")(scope, receive, send)
                    return
        await self.app(scope, receive, send)


app = App("app.py", routes=[Route(auth.SESSION_ROUTE, session, methods=["POST"]),
                            Route(auth.LOGOUT_ROUTE, logout, methods=["POST"])],
          middleware=[Middleware(DownloadsNeedSession)])
