"""Children, their cases, offences, assigned lawyers and the append-only event timeline."""
