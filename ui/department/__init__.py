"""The department's window: receive the communes' reports, see who is late, return a report, consolidate and chart."""
