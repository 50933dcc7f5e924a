"""Prefect flows and the command-line entry point of Ofsted Watch."""
