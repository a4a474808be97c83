"""Reference values for tests/core_metrics_test.cpp, from pytorch-ignite itself.

Writes one JSON file (argv[1]): the random predictions (fixed seeds) and what Ignite 0.5.3's
metrics compute on them, fed in two batches as an evaluator would. ROC_AUC, AveragePrecision
and CohenKappa call scikit-learn in Ignite 0.5.3, which the project's environment does not
have: for those the expected values come from sklearn's definitions written here in numpy
(ROC AUC as the Mann-Whitney statistic with tied ranks averaged, an independent route to the
trapezoidal area; average precision as sklearn's precision_recall_curve sum; kappa as
sklearn's cohen_kappa_score formula over the labels present).
"""
import json
import sys

import numpy as np
import torch
from ignite.engine import Engine, Events
from ignite.metrics import (ClassificationReport, ConfusionMatrix, DiceCoefficient, Fbeta, IoU, Precision, Recall,
                            RunningAverage, mIoU)
from ignite.metrics.confusion_matrix import cmAccuracy, cmPrecision, cmRecall
from ignite.metrics.metric import RunningBatchWise


def run(metric, batches):
    metric.reset()
    for b in batches:
        metric.update(b)
    return metric.compute()


def value(v):
    if isinstance(v, torch.Tensor):
        return v.double().tolist() if v.dim() > 0 else float(v)
    return v


def tensor_json(t):
    return {"shape": list(t.shape), "dtype": "long" if t.dtype == torch.long else "double",
            "values": t.flatten().tolist()}


def halves(y_pred, y):
    n = y_pred.shape[0] // 2
    return [(y_pred[:n], y[:n]), (y_pred[n:], y[n:])]


AVERAGES = {"false": False, "none": None, "true": True, "micro": "micro", "weighted": "weighted"}


def classification_case(name, y_pred, y, binary=False):
    batches = halves(y_pred, y)
    out = {"name": name, "y_pred": tensor_json(y_pred), "y": tensor_json(y), "expected": {}}
    e = out["expected"]
    for key, avg in AVERAGES.items():
        if binary and avg is not False and avg is not None and avg is not True and avg != "weighted" and avg != "micro":
            continue
        e[f"precision/{key}"] = value(run(Precision(average=avg), batches))
        e[f"recall/{key}"] = value(run(Recall(average=avg), batches))
    if not binary:
        for beta in (1.0, 2.0, 0.5):
            for avg in (True, False):
                e[f"fbeta/{beta}/{str(avg).lower()}"] = value(run(Fbeta(beta, average=avg), batches))
        e["report/dict"] = run(ClassificationReport(output_dict=True), batches)
        e["report/json"] = run(ClassificationReport(), batches)
        e["report/beta2"] = run(ClassificationReport(beta=2, output_dict=True), batches)
    return out


def cm_case(name, y_pred, y, num_classes):
    batches = halves(y_pred, y)
    out = {"name": name, "num_classes": num_classes, "y_pred": tensor_json(y_pred), "y": tensor_json(y),
           "expected": {}}
    e = out["expected"]

    def fresh():
        return ConfusionMatrix(num_classes=num_classes)

    e["cm"] = value(run(fresh(), batches))
    for ignore in (None, 0, num_classes - 1):
        k = "none" if ignore is None else str(ignore)
        e[f"iou/{k}"] = value(run(IoU(fresh(), ignore_index=ignore), batches))
        e[f"miou/{k}"] = value(run(mIoU(fresh(), ignore_index=ignore), batches))
        e[f"dice/{k}"] = value(run(DiceCoefficient(fresh(), ignore_index=ignore), batches))
    e["cm_accuracy"] = value(run(cmAccuracy(fresh()), batches))
    e["cm_precision"] = value(run(cmPrecision(fresh(), average=False), batches))
    e["cm_recall/mean"] = value(run(cmRecall(fresh(), average=True), batches))
    for avg in ("samples", "recall", "precision"):
        e[f"cm/{avg}"] = value(run(ConfusionMatrix(num_classes=num_classes, average=avg), batches))
    return out


def roc_auc(scores, y):
    # Mann-Whitney U with average ranks for ties.
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    s = scores[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def average_precision(scores, y):
    # sklearn: _binary_clf_curve, precision_recall_curve, -sum(diff(recall) * precision[:-1]).
    order = np.argsort(scores, kind="mergesort")[::-1]
    s, t = scores[order], y[order]
    distinct = np.where(np.diff(s))[0]
    idx = np.r_[distinct, t.size - 1]
    tps = np.cumsum(t)[idx]
    fps = 1 + idx - tps
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    precision = np.hstack((precision[::-1], 1))
    recall = np.hstack((recall[::-1], 0))
    return float(-np.sum(np.diff(recall) * np.array(precision)[:-1]))


def kappa(y_true, y_pred, weights):
    labels = np.unique(np.concatenate([y_true, y_pred]))
    k = len(labels)
    index = {v: i for i, v in enumerate(labels)}
    cm = np.zeros((k, k))
    for a, b in zip(y_true, y_pred):
        cm[index[a], index[b]] += 1
    sum0, sum1 = cm.sum(axis=0), cm.sum(axis=1)
    expected = np.outer(sum0, sum1) / np.sum(sum0)
    if weights is None:
        w = np.ones((k, k)) - np.eye(k)
    else:
        w = np.abs(np.arange(k)[:, None] - np.arange(k)[None, :]).astype(float)
        if weights == "quadratic":
            w = w ** 2
    return float(1 - np.sum(w * cm) / np.sum(w * expected))


def running_average(values, alpha):
    engine = Engine(lambda e, b: b)
    RunningAverage(output_transform=lambda x: x, alpha=alpha).attach(engine, "ra", RunningBatchWise())
    seen = []
    engine.add_event_handler(Events.ITERATION_COMPLETED, lambda e: seen.append(float(e.state.metrics["ra"])))
    engine.run(values, max_epochs=1)
    return seen


def main():
    torch.manual_seed(20)
    cases = []
    for c in (2, 3, 5, 10):
        y_pred = torch.randn(40, c, dtype=torch.float64)
        y = torch.randint(0, c, (40,))
        cases.append(classification_case(f"multiclass C={c}", y_pred, y))
    # A class never predicted nor present (0/0 entries).
    y_pred = torch.randn(30, 4, dtype=torch.float64)
    y_pred[:, 3] = -10
    y = torch.randint(0, 3, (30,))
    cases.append(classification_case("multiclass with an empty class", y_pred, y))
    yb = torch.randint(0, 2, (50,))
    pb = torch.randint(0, 2, (50,))
    cases.append(classification_case("binary", pb, yb, binary=True))

    cm_cases = []
    for c in (2, 3, 6):
        y_pred = torch.randn(8, c, 5, 5, dtype=torch.float64)
        y = torch.randint(0, c, (8, 5, 5))
        y[0, 0, :] = 255  # outside [0, C): ignored by the target mask
        cm_cases.append(cm_case(f"segmentation C={c}", y_pred, y, c))

    rng = np.random.default_rng(20)
    ranking = []
    for n, ties in ((60, False), (80, True), (7, True)):
        scores = rng.random(n)
        if ties:
            scores = np.round(scores, 1)
        y = rng.integers(0, 2, n)
        y[0], y[1] = 0, 1
        ranking.append({"name": f"n={n} ties={ties}", "scores": scores.tolist(), "y": y.tolist(),
                        "roc_auc": roc_auc(scores, y), "average_precision": average_precision(scores, y)})

    kappas = []
    for c in (2, 4, 7):
        y_true = rng.integers(0, c, 60)
        y_pred = np.where(rng.random(60) < 0.6, y_true, rng.integers(0, c, 60))
        if c == 7:
            y_true[y_true == 3] = 4  # label 3 absent from y_true
            y_pred[y_pred == 3] = 5  # and from y_pred: sklearn's distances skip it
        kappas.append({"name": f"C={c}", "num_classes": c, "y_true": y_true.tolist(), "y_pred": y_pred.tolist(),
                       "none": kappa(y_true, y_pred, None), "linear": kappa(y_true, y_pred, "linear"),
                       "quadratic": kappa(y_true, y_pred, "quadratic")})

    losses = [torch.tensor(v, dtype=torch.float32) for v in torch.rand(25).mul(3).tolist()]
    floats = torch.rand(12, dtype=torch.float64).tolist()
    running = {"float32_losses": [float(v) for v in losses], "float32_expected": running_average(losses, 0.98),
               "floats": floats, "floats_expected_0.9": running_average(floats, 0.9)}

    json.dump({"classification": cases, "confusion": cm_cases, "ranking": ranking, "kappa": kappas,
               "running": running}, open(sys.argv[1], "w"))


main()
