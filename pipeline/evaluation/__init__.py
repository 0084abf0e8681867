"""Evaluation: the scorer (`scoring`), the harness that scores output against gold (`harness`) and the
gold compiler (`gold`: hand-written `.labels` files into the JSON of ANNOTATION.md)."""
