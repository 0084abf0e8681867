"""The extraction stages: spaCy components over one report, and `extract()` that runs them.

layout → sections → clauses → quantities → deadlines → commitments → indicators → outcomes
(→ spans, for `build_nlp()` users); each stage is a module with its factory. These modules
import `gwr.schemas` and each other only.
"""
