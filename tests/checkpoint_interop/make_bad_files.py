"""make_bad_files.py DIR: files that are not checkpoints we load, each wrong in one way."""
import datetime
import os
import sys
import zipfile

import torch

out = sys.argv[1]
p = lambda name: os.path.join(out, name)  # noqa: E731
torch.save({"w": torch.ones(2)}, p("legacy.pt"), _use_new_zipfile_serialization=False)
with zipfile.ZipFile(p("no_data_pkl.pt"), "w") as z:
    z.writestr("x/version", "3\n")
    z.writestr("x/data/0", b"\0" * 8)
torch.save({"when": datetime.date(2020, 1, 1)}, p("forbidden.pt"))
torch.save(torch.nn.Linear(2, 2), p("module.pt"))
torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), p("torchscript.pt"))
torch.save({"w": torch.ones(2)}, p("plain.pt"))
with zipfile.ZipFile(p("plain.pt")) as src, zipfile.ZipFile(p("deflated.pt"), "w", zipfile.ZIP_DEFLATED) as dst:
    for info in src.infolist():
        dst.writestr(info.filename, src.read(info.filename))
with zipfile.ZipFile(p("two_folders.pt"), "w") as z:
    z.writestr("a/data.pkl", b"\x80\x02N.")
    z.writestr("b/version", "3\n")
# Not bad: pickle protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL) loads too.
torch.save({"w": torch.arange(3.0), "n": [1]}, p("proto4.pt"), pickle_protocol=4)
print("ok")
