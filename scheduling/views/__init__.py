"""Scheduling pages, one module per part: week, sessions, hours, tracks, feeds."""
