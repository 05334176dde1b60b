"""`make bench`, in modules with one job each; bench/run.py is its entry point."""
