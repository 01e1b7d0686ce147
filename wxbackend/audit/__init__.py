"""The audit trail: depositors' and staff members' actions, refused ones included."""
