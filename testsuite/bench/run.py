#!/usr/bin/env python3
"""`make bench`: run every other script of testsuite/bench/ in name order
(or the ones named on the command line), each printing its own figures.
Exit 1 if any of them failed."""

import glob
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
scripts = sys.argv[1:] or sorted(
    p for p in glob.glob(os.path.join(here, "*.py"))
    if os.path.basename(p) != "run.py")
status = 0
for script in scripts:
    print("==== %s" % os.path.basename(script))
    sys.stdout.flush()
    r = subprocess.run([sys.executable, script])
    if r.returncode != 0:
        print("==== %s FAILED (status %d)" % (os.path.basename(script),
                                             r.returncode))
        status = 1
    print()
sys.exit(status)
