"""checkpointer_state.py PATH [--drop-worst]: Python Ignite reads the `checkpointer` entry (include_self) of
an ignite-host checkpoint into its own Checkpoint with load_objects, prints
"last_checkpoint NAME saved P:F,P:F,...", then writes the file back with torch.save and
the entry replaced by that Checkpoint's state_dict() (an OrderedDict of tuples), as a
Python Ignite run would have saved it; --drop-worst first removes the worst item from
`_saved` (so a resume shows whether the list was restored from the file)."""
import os
import sys

import torch
from ignite.handlers import Checkpoint, DiskSaver

path = sys.argv[1]
ckpt = torch.load(path, weights_only=True)
assert isinstance(ckpt["checkpointer"], dict), type(ckpt["checkpointer"])
net = torch.nn.Linear(1, 1)
saver = DiskSaver(os.path.dirname(path), create_dir=False, require_empty=False)
checkpointer = Checkpoint({"model": net}, saver, n_saved=None, include_self=True)
Checkpoint.load_objects({"checkpointer": checkpointer}, ckpt)
saved = ",".join(f"{p}:{f}" for p, f in checkpointer._saved)
print("last_checkpoint", os.path.basename(str(checkpointer.last_checkpoint)), "saved", saved)
if "--drop-worst" in sys.argv[2:]:
    checkpointer._saved.pop(0)
ckpt["checkpointer"] = checkpointer.state_dict()
assert isinstance(ckpt["checkpointer"]["_saved"][0], tuple)
torch.save(ckpt, path)
