"""`python -m pipeline.cli`: the `corpus` command, as the benchmark runs it."""

from pipeline.cli import entry

if __name__ == "__main__":  # a spawned worker imports this module under another name
    entry()
