import sys

from citybot.cli import main

sys.exit(main())
