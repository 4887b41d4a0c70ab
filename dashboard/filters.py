"""The sidebar filters every page shares: reporting year, municipality, organization type, organization.

The entry script draws them before running the page, so their values persist from page to page;
pages read the result with :func:`current`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard import data
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
    def label(self) -> str:
        """The filters in words, for titles of exports and captions: «2025 год, СОШ № 1»."""
        return f"{self.year} год, {self.scope_label}"

    @property
    def scope_label(self) -> str:
        """Whose figures, in words: the organization, the municipality and type, or «все организации»
        (every organization the user may see). Export file names carry it (``export.file_name``)."""
        if self.org_code:
            return self.names.get(self.org_code, self.org_code)
        parts = [p for p in (self.municipality, ORG_TYPE_SHORT.get(self.org_type, self.org_type)) if p]
        return ", ".join(parts) or ALL_ORGS


def sidebar(allowed: Scope) -> Filters:
    """Draw the filters in the sidebar; ``allowed`` is the user's own scope.

    A municipality filter appears when the registry holds more than one municipality (the real city
    has one, a region or the nation thousands). The organization list is offered once the other
    filters leave at most ``data.ORG_CHOICES_MAX`` organizations: a list of 42,000 cannot be read, and
    sending it to the browser on every rerun cost more than the page itself.
    """
    years = data.reporting_years()
    today = data.today()
    default_year = today.year if today.year in years else years[-1]
    if len(allowed) == 1:  # a coordinator: their organization, nothing to choose
        with st.sidebar:
            year = st.selectbox("Отчётный год", years, index=years.index(default_year), key="flt_year")
            names = data.pool(allowed).names
            st.caption(f"Организация: **{names.get(allowed[0], allowed[0])}**")
        return Filters(year=year, scope=allowed, org_type=None, org_code=allowed[0], as_of=today, names=names)
    with st.sidebar:
        year = st.selectbox("Отчётный год", years, index=years.index(default_year), key="flt_year")
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
            org = _choice("Организация", [ALL, *pool.scope], "flt_org",
                          format_func=lambda c: c if c == ALL else f"{pool.names[c]} ({c})")
        else:
            st.session_state["flt_org"] = ALL
            org = st.selectbox("Организация", [ALL], key="flt_org", disabled=True,
                               help=f"Организаций: {russian.number(len(pool.scope))}"
                                    + ". Выберите муниципалитет или тип, чтобы выбрать одну.")
    scope = pool.scope if org == ALL else Scope([org])
    return Filters(year=year, scope=scope, org_type=kind, org_code=None if org == ALL else org, as_of=today,
                   names=pool.names, municipality=muni)


def _choice(label: str, options: list, key: str, **kwargs):
    """A selectbox whose remembered value falls back to «Все» when another filter removed it."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = ALL
    return st.selectbox(label, options, key=key, **kwargs)


def current() -> Filters:
    return st.session_state["filters"]
