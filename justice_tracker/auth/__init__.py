"""Users, roles, sessions, API tokens and the access rules every route declares."""
