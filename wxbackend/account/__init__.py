"""Account queries: the caller's own balance, deposits, interest, withdrawals, loans."""
