"""``python -m services.cards serve|migrate``."""

from callsheet_kit.cli import main
from services.cards.bootstrap import MIGRATIONS, NAME, TABLES, build_parts

main(name=NAME, tables=TABLES, migrations=MIGRATIONS, parts=build_parts)
