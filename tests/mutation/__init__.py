"""Mutation testing groups (python -m tests.mutation); see __main__."""
