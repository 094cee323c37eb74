"""Repositories: the queries the application runs, one module per area, each over one session.

A repository never commits; the caller's `Database.transaction()` decides what is one unit.
"""
