"""Stage 5 (meaning): passages and questions as vectors, and how they join the words.

:mod:`~searcher.semantic.model` is the seam to the embedding model (which model,
embed passages, embed a query; the optional extra ``semantic``);
:mod:`~searcher.semantic.fusion` is the one rule that merges a lexical ranking with
the nearest passages in meaning, used by both backends.  Nothing here imports a
backend, and nothing here is imported by a plain word search.
"""
