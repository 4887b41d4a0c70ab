"""Загрузка данных: being written (see the accounts-and-uploads issue)."""

import streamlit as st

st.title("Загрузка данных")
