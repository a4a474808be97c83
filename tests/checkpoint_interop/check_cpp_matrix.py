"""check_cpp_matrix.py IN OUT: IN (written by C++) loads with torch.load(weights_only=True)
as the plain dict matrix.make_matrix() builds, bit for bit; then it is saved again by
Python's torch.save to OUT for the C++ side to compare (C++ -> Python -> C++)."""
import collections
import sys

import torch

from common import same
from matrix import make_matrix

obj = torch.load(sys.argv[1], weights_only=True)
assert type(obj) is dict, type(obj)
assert type(obj["model"]) is collections.OrderedDict, type(obj["model"])
assert type(obj["nested"]) is dict
expected = make_matrix()
# shared_b is a view of shared_a's storage in the C++ value; Python's matrix has only shared_a.
shared_b = obj.pop("shared_b")
assert shared_b.untyped_storage().data_ptr() == obj["shared_a"].untyped_storage().data_ptr(), "storage not shared"
assert shared_b.storage_offset() == 2 and obj["slice"].storage_offset() == 5 and obj["slice"].stride() == (2,)
assert not obj["noncontig"].is_contiguous()
same(expected, obj)
obj["shared_b"] = shared_b
torch.save(obj, sys.argv[2])
print("ok")
