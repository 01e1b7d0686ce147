"""Deposit certificates (住房公积金缴存证明): issued as PDF, verified on a public page."""
