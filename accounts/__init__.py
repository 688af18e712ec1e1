"""People and partner organisations: who may do what is decided in portal.permissions."""
