"""``python -m services.notify serve|migrate``."""

from callsheet_kit.cli import main
from services.notify.bootstrap import MIGRATIONS, NAME, TABLES, build_parts
from services.notify.config import NotifySettings

main(name=NAME, tables=TABLES, migrations=MIGRATIONS, parts=build_parts, settings_type=NotifySettings)
