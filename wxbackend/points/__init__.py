"""Service points (服务网点): where employees can go in person."""
