"""Editors for one value of a kind's field: text, amounts, dates, references, lists and tables."""
