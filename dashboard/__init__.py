"""The Streamlit app: entry script, shared state, charts, labels."""
