"""The rules the numbers obey: periods, rollups, target evaluation; and who may do what (roles).

Plain Python only: nothing here imports Streamlit or the database, so each rule can be read and
tested on its own.
"""
