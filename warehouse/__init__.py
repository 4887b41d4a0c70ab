"""The DuckDB warehouse of the Kogalym mentorship roadmap: connection, migrations, queries."""
