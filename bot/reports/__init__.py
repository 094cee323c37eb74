"""The bureau's figures for a month or any range of days: what the county's work report
(`shared/bureau-report.md`) used to count by hand, counted from what vetbot records.

    period    a month or a range of county days, and its bounds in UTC
    sql       the few expressions that differ between SQLite and PostgreSQL (days, durations,
              medians)
    rows      what a report holds (typed rows) and what counts as a question, as contained
    figures   every figure, by SQL aggregates (GROUP BY), for all stations or a station and
              those under it
    clock     working hours between many pairs of moments at once (tickets' times)
    scope     which stations a report counts (a station and those under it, what a member
              sees), and the report itself for the CLI and the console
    tables    the figures as titled tables with headers in the reader's language
    charts    the charts (daily questions, containment over time, tickets per station) as SVG
    export    the tables as CSV, XLSX (one sheet per section) or JSON
"""
