"""Withdrawals (提取): bank cards, rules as data, review, payment exactly once."""
