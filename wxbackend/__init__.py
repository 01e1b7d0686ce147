"""wxbackend: the WeChat backend of a housing provident fund centre."""
