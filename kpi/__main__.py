"""`python -m kpi ...`"""
import sys

from kpi.admin.cli import main

sys.exit(main())
