"""Signing (签约), face-verified binding of WeChat identities to fund accounts, passwords."""
