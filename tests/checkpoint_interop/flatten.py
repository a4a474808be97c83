"""flatten.py FILE OUT: writes common.flatten of torch.load(FILE, weights_only=True) to OUT."""
import sys

import torch

from common import flatten

with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write("\n".join(flatten(torch.load(sys.argv[1], weights_only=True))) + "\n")
