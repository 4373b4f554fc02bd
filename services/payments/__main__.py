"""``python -m services.payments serve|migrate|seed-dev``."""

from callsheet_kit.cli import main
from services.payments.bootstrap import MIGRATIONS, NAME, TABLES, build_parts
from services.payments.config import PaymentsSettings
from services.payments.seed import seed_dev

main(name=NAME, tables=TABLES, migrations=MIGRATIONS, parts=build_parts, seed=seed_dev, settings_type=PaymentsSettings)
