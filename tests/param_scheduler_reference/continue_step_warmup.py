# Loads an ignite-host checkpoint's lr_scheduler (lr_schedule scheduler=step step_size=4
# gamma=0.7 warmup_duration=6 warmup_start_value=0.001, --lr 0.05) into pytorch-ignite's own
# create_lr_scheduler_with_warmup(StepLR) with Checkpoint.load_objects, sets the optimizer's lr
# from the checkpoint, and prints the next N values as JSON: Ignite continues the schedule.
import json
import sys
import warnings

import torch
from ignite.handlers import Checkpoint
from ignite.handlers.param_scheduler import create_lr_scheduler_with_warmup

warnings.simplefilter("ignore")
path, n = sys.argv[1], int(sys.argv[2])
ckpt = torch.load(path, weights_only=True)
optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.05)
scheduler = create_lr_scheduler_with_warmup(torch.optim.lr_scheduler.StepLR(optimizer, 4, 0.7), 0.001, 6)
Checkpoint.load_objects({"lr_scheduler": scheduler}, ckpt)
optimizer.param_groups[0]["lr"] = ckpt["optimizer"]["param_groups"][0]["lr"]
values = []
for _ in range(n):
    scheduler(None)
    values.append(optimizer.param_groups[0]["lr"])
print(json.dumps(values))
