"""The WeChat gateway: official-account and mini-program APIs behind small protocols."""
