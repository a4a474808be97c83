"""compare.py A B: both load with torch.load(weights_only=True) and are equal bit for bit."""
import sys

import torch

from common import same

a = torch.load(sys.argv[1], weights_only=True)
b = torch.load(sys.argv[2], weights_only=True)
same(a, b)
print("same")
