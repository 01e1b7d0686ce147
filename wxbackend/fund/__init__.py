"""The fund ledger: employers, accounts, deposits, interest, loans and the journal."""
