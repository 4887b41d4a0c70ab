"""Организации и пользователи: being written (see the accounts-and-uploads issue)."""

import streamlit as st

st.title("Организации и пользователи")
