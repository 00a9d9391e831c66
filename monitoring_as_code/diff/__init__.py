"""mac diff: what changed between two revisions, compared as compiled objects, not text.

snapshot.py turns loaded definitions into a neutral, comparable form; compare.py lists the
changes with risk flags; render.py writes them for terminals, pull requests or tools;
revisions.py materializes a git revision to compile."""
