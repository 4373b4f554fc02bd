"""``python -m services.support serve|migrate``."""

from callsheet_kit.cli import main
from services.support.bootstrap import MIGRATIONS, NAME, TABLES, build_parts

main(name=NAME, tables=TABLES, migrations=MIGRATIONS, parts=build_parts)
