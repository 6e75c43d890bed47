"""The department's side: receive the communes' reports, see who is late, return, remind and consolidate."""
