"""Feeds score tables to pytorch-ignite's own EarlyStopping (the venv's, 0.5.3) and prints
what it did after each score, for tests/stop_handlers_test.cpp.

argv[1]: a file holding a JSON list of cases {"scores": [...], "patience": P, "min_delta": D,
"cumulative_delta": bool, "state_after": K (optional)}; a score null is NaN.
stdout: JSON list, per case {"trace": [[counter, best, stopped], ...], "state": {...}}:
best is a number, "nan" or null (None); "state" is state_dict() after the first K scores.
Importable: run(case) is one case.
"""
import json
import math
import sys

from ignite.engine import Engine
from ignite.handlers import EarlyStopping


def number(x):
    if x is None:
        return None
    return "nan" if math.isnan(x) else float(x)


def run(case):
    trainer = Engine(lambda e, b: None)
    scores = [math.nan if s is None else s for s in case["scores"]]
    it = iter(scores)
    h = EarlyStopping(
        patience=case["patience"],
        score_function=lambda _: next(it),
        trainer=trainer,
        min_delta=case.get("min_delta", 0.0),
        cumulative_delta=case.get("cumulative_delta", False),
    )
    evaluator = Engine(lambda e, b: None)
    trace, state = [], None
    for k in range(len(scores)):
        h(evaluator)
        trace.append([h.counter, number(h.best_score), bool(trainer.should_terminate)])
        if case.get("state_after") == k + 1:
            state = {key: number(v) if key == "best_score" else v for key, v in h.state_dict().items()}
    return {"trace": trace, "state": state}


if __name__ == "__main__":
    print(json.dumps([run(c) for c in json.load(open(sys.argv[1]))]))
