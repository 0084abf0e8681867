"""Evaluation: the scorer (`scoring`), the harness that scores output against gold (`harness`)."""
