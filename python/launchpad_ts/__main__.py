"""``python -m launchpad_ts``: the entry of a Python node process started by a launcher."""
from .node import main

main()
