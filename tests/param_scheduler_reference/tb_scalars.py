# Prints the scalars of one tag of a TensorBoard log folder as JSON [[step, value], ...],
# read by TensorBoard's own EventAccumulator (the venv's tensorboard package).
import json
import sys

from tensorboard.backend.event_processing import event_accumulator

logdir, tag = sys.argv[1:3]
acc = event_accumulator.EventAccumulator(logdir, size_guidance={event_accumulator.SCALARS: 0})
acc.Reload()
print(json.dumps([[e.step, e.value] for e in acc.Scalars(tag)]))
