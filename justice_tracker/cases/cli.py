"""`flask cases import|export`: case files on the command line."""

from flask.cli import AppGroup

cases_cli = AppGroup("cases", help="Import and export case files.")
