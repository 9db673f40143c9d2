"""Analysis of result tables: pure functions of saved tables, never of a live model."""
