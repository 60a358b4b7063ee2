"""``python -m xlkpi``."""

from xlkpi.cli import main

main()
