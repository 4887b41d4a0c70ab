"""The sidebar filters every page shares: reporting year, organization type, organization.

The entry script draws them before running the page, so their values persist from page to page;
pages read the result with :func:`current`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import data
from warehouse.labels import ORG_TYPE_SHORT

ALL = "Все"


@dataclass(frozen=True)
class Filters:
    year: int
    scope: tuple[str, ...]          # organization codes after the filters, within what the user may see
    org_type: str | None
    org_code: str | None
    as_of: date
    names: dict                     # org_code -> short name, for the organizations in scope

    @property
    def label(self) -> str:
        """The filters in words, for titles of exports and captions."""
        parts = [f"{self.year} год"]
        if self.org_code:
            parts.append(self.names.get(self.org_code, self.org_code))
        elif self.org_type:
            parts.append(self.org_type)
        return ", ".join(parts)


def sidebar(allowed: tuple[str, ...]) -> Filters:
    """Draw the filters in the sidebar; ``allowed`` is the user's own scope."""
    orgs = data.get("organizations", allowed)
    years = data.reporting_years()
    today = data.today()
    default_year = today.year if today.year in years else years[-1]
    names = dict(zip(orgs["org_code"], orgs["short_name"], strict=True))
    if len(allowed) == 1:  # a coordinator: their organization, nothing to choose
        with st.sidebar:
            year = st.selectbox("Отчётный год", years, index=years.index(default_year), key="flt_year")
            st.caption(f"Организация: **{names.get(allowed[0], allowed[0])}**")
        return Filters(year=year, scope=allowed, org_type=None, org_code=allowed[0], as_of=today, names=names)
    with st.sidebar:
        year = st.selectbox("Отчётный год", years, index=years.index(default_year), key="flt_year")
        types = [ALL, *sorted(orgs["org_type"].unique())]
        org_type = st.selectbox("Тип организации", types, key="flt_type",
                                format_func=lambda t: t if t == ALL else ORG_TYPE_SHORT.get(t, t))
        pool = orgs if org_type == ALL else orgs[orgs["org_type"] == org_type]
        codes = [ALL, *pool["org_code"]]
        if st.session_state.get("flt_org") not in codes:
            st.session_state["flt_org"] = ALL
        org = st.selectbox("Организация", codes, key="flt_org",
                           format_func=lambda c: c if c == ALL else f"{names[c]} ({c})")
    scope = tuple(pool["org_code"]) if org == ALL else (org,)
    return Filters(year=year, scope=scope, org_type=None if org_type == ALL else org_type,
                   org_code=None if org == ALL else org, as_of=today, names=names)


def current() -> Filters:
    return st.session_state["filters"]
