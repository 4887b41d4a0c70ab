"""The sidebar filters every page shares: reporting year, municipality, organization type, organization.

The entry script draws them before running the page, so their values persist from page to page;
pages read the result with :func:`current`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import data
from dashboard.text import plain
from warehouse import russian
from warehouse.labels import ORG_TYPE_SHORT
from warehouse.queries import Scope

ALL = "Все"
ALL_ORGS = "все организации"


@dataclass(frozen=True)
class Filters:
    year: int
    scope: Scope                    # organization codes after the filters, within what the user may see
    org_type: str | None
    org_code: str | None
    as_of: date
    names: dict                     # org_code -> short name, for the organizations in scope
    municipality: str | None = None

    @property
    def label_text(self) -> str:
        """The filters in words as they are, for titles inside exported files: «2025 год, СОШ № 1»."""
        return f"{self.year} год, {self.scope_label}"

    @property
    def scope_label(self) -> str:
        """Whose figures, in words: the organization, the municipality and type, or «все организации»
        (every organization the user may see). Export file names carry it (``export.file_name``)."""
        if self.org_code:
            return self.names.get(self.org_code, self.org_code)
        parts = [p for p in (self.municipality, ORG_TYPE_SHORT.get(self.org_type, self.org_type)) if p]
        return ", ".join(parts) or ALL_ORGS

    @property
    def label(self) -> str:
        """The filters in words for a page's captions: Markdown-escaped, since organization and
        municipality names come from the registry file (:func:`dashboard.text.plain`)."""
        return plain(self.label_text)


# The filters in the page's address («?year=2026&org=СОШ1»), so that a link shows exactly what its sender saw.
BOX = "sidebar_filters"   # drawn first in the sidebar, above the account (dashboard/theme.py)
URL_KEYS = {"flt_year": "year", "flt_muni": "muni", "flt_type": "type", "flt_org": "org"}


def sidebar(allowed: Scope) -> Filters:
    """Draw the filters in the sidebar; ``allowed`` is the user's own scope.

    A municipality filter appears when the registry holds more than one municipality (the real city
    has one, a region or the nation thousands). The organization list is offered once the other
    filters leave at most ``data.ORG_CHOICES_MAX`` organizations: a list of 42,000 cannot be read, and
    sending it to the browser on every rerun cost more than the page itself.

    The filters live in the address as well (:data:`URL_KEYS`): a new session (a link sent by someone,
    a reload) starts from the address's filters, and every run writes the current ones back. A value
    the address names but the user may not see, or that no longer exists, falls back to the default.
    """
    _from_url()
    years = data.reporting_years()
    today = data.today()
    default_year = today.year if today.year in years else years[-1]
    if st.session_state.get("flt_year") not in years:
        st.session_state["flt_year"] = default_year
    if len(allowed) == 1:  # a coordinator: their organization, nothing to choose
        with st.sidebar.container(key=BOX):
            year = _remembered("Отчётный год", years, "flt_year")
            names = data.pool(allowed).names
            st.caption(f"Организация: **{plain(names.get(allowed[0], allowed[0]))}**")
        _to_url(year=year, muni=None, type=None, org=None)   # a link of theirs names only the year
        return Filters(year=year, scope=allowed, org_type=None, org_code=allowed[0], as_of=today, names=names)
    with st.sidebar.container(key=BOX):
        year = _remembered("Отчётный год", years, "flt_year")
        facets = data.facets(allowed)
        municipalities = sorted(facets["municipality"].unique())
        municipality = ALL
        if len(municipalities) > 1:
            municipality = _choice("Муниципалитет", [ALL, *municipalities], "flt_muni")
        muni = None if municipality == ALL else municipality
        types = [ALL, *sorted(facets.loc[facets["municipality"] == muni, "org_type"].unique()
                              if muni else facets["org_type"].unique())]
        org_type = _choice("Тип организации", types, "flt_type",
                           format_func=lambda t: t if t == ALL else ORG_TYPE_SHORT.get(t, t))
        kind = None if org_type == ALL else org_type
        pool = data.pool(allowed, muni, kind)
        if len(pool.scope) <= data.ORG_CHOICES_MAX:
            # By name as people read them («СОШ № 2» before «СОШ № 10»): the order of ``pool.names``.
            org = _choice("Организация", [ALL, *(pool.names or pool.scope)], "flt_org",
                          format_func=lambda c: c if c == ALL else f"{pool.names[c]} ({c})")
        else:
            st.session_state["flt_org"] = ALL
            org = st.selectbox("Организация", [ALL], key="flt_org", disabled=True,
                               help=f"Организаций: {russian.number(len(pool.scope))}"
                                    + ". Выберите муниципалитет или тип, чтобы выбрать одну.")
    _to_url(year=year, muni=muni, type=kind, org=None if org == ALL else org)
    scope = pool.scope if org == ALL else Scope([org])
    return Filters(year=year, scope=scope, org_type=kind, org_code=None if org == ALL else org, as_of=today,
                   names=pool.names, municipality=muni)


def _from_url() -> None:
    """Once per session, before the widgets exist: take the filters the address names."""
    if st.session_state.get("flt_from_url"):
        return
    st.session_state["flt_from_url"] = True
    params = st.query_params
    for key, name in URL_KEYS.items():
        value = params.get(name)
        if value:
            st.session_state[key] = int(value) if key == "flt_year" and value.isdigit() else value


def _to_url(**values) -> None:
    """Write the filters into the address (only what changed: each write is a message to the browser)."""
    params = st.query_params
    for name, value in values.items():
        text = None if value is None else str(value)
        if params.get(name) != text:
            if text is None:
                del params[name]
            else:
                params[name] = text


def _choice(label: str, options: list, key: str, **kwargs):
    """A selectbox whose remembered value falls back to «Все» when another filter removed it."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = ALL
    return _remembered(label, options, key, **kwargs)


def _remembered(label: str, options: list, key: str, **kwargs):
    """A selectbox showing the value kept in ``st.session_state[key]`` (from the address or an earlier page).
    The default ``index`` is that value too: with only the state set, the browser could draw the first
    option and send it back on the next click (a busy machine showed «2025» under a page of 2026)."""
    return st.selectbox(label, options, key=key, index=options.index(st.session_state[key]), **kwargs)


def current() -> Filters:
    return st.session_state["filters"]
