"""``python -m services.support serve|migrate|seed-dev``."""

from callsheet_kit.cli import main
from services.support.bootstrap import MIGRATIONS, NAME, TABLES, build_parts, seed_dev
from services.support.entrypoints.help_api import seed_help_centre

main(name=NAME, tables=TABLES, migrations=MIGRATIONS, parts=build_parts, seed=seed_dev, reference=seed_help_centre)
