"""Invented sample careers for trying the portal: the generator and its words."""
