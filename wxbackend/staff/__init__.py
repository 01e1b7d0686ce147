"""Centre staff: their own logins and roles, and the withdrawal review desk."""
