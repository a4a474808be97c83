"""Records what PyTorch Ignite does at the engine's edges (run() arguments, handler
signature checks, max_iters) in the trace grammar of tests/fixtures/ignite-traces.json
(shared/conformance/README.md), for tests/conformance_edges_test.cpp to replay.

Run with the project's venv (Ignite 0.5.3), once for 0.5.3 and once with Ignite 0.5.5's
sources first on PYTHONPATH (max_iters exists only there):

    python tests/conformance/record_engine_edges.py 0.5.3 > /tmp/a.json
    git -C <ignite checkout> archive v0.5.5 ignite | tar -x -C /tmp/ign055
    PYTHONPATH=/tmp/ign055 python tests/conformance/record_engine_edges.py 0.5.5 > /tmp/b.json
    python -c 'import json,sys; print(json.dumps(json.load(open("/tmp/a.json")) + json.load(open("/tmp/b.json")), indent=1))' \
        > tests/fixtures/ignite-engine-edges.json
"""
import json
import math
import sys
import warnings

import ignite
from ignite.engine import Engine, EventEnum, Events


def fmt(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = "%.6g" % v
        return s if any(c in s for c in ".en") else s + ".0"
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(fmt(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k)) + ":" + fmt(x) for k, x in v.items()) + "}"
    if isinstance(v, BaseException):
        return f"{type(v).__name__}({json.dumps(str(v))})"
    return f"<{type(v).__name__}>"


def fmt_state(s):
    times = {k: ("num" if s.times.get(k) is not None else None) for k in ("EPOCH_COMPLETED", "COMPLETED")}
    line = (
        f"epoch={s.epoch} iteration={s.iteration} max_epochs={fmt(s.max_epochs)} "
        f"epoch_length={fmt(s.epoch_length)} output={fmt(s.output)} batch={fmt(s.batch)} "
        f'times={{"EPOCH_COMPLETED":{fmt(times["EPOCH_COMPLETED"])},"COMPLETED":{fmt(times["COMPLETED"])}}}'
    )
    if hasattr(s, "max_iters"):
        line += f" max_iters={fmt(s.max_iters)}"
    return line


class Trace:
    def __init__(self):
        self.lines = []

    def add(self, line):
        self.lines.append(line)

    def observe(self, engine):
        fire = engine._fire_event

        def observed(event_name, *args, **kwargs):
            extra = ""
            if args:
                extra += " args=" + fmt(list(args))
            if kwargs:
                extra += " kw=" + fmt(kwargs)
            self.add(f"EV {event_name.name} e={engine.state.epoch} i={engine.state.iteration}{extra}")
            return fire(event_name, *args, **kwargs)

        engine._fire_event = observed

    def echo(self):
        def pf(engine, batch):
            self.add(f"PF b={fmt(batch)} e={engine.state.epoch} i={engine.state.iteration}")
            return batch

        return pf

    def h(self, engine, label, suffix=""):
        self.add(f"H {label} e={engine.state.epoch} i={engine.state.iteration}{suffix}")

    def handler(self, label):
        return lambda engine: self.h(engine, label)

    def run(self, engine, data, label, **kw):
        self.add("RUN data=" + label + "".join(f" {k}={fmt(v)}" for k, v in kw.items()))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                s = engine.run(data, **kw)
                ok = True
            except Exception as e:  # noqa: BLE001 - the trace records it
                ok, err = False, e
        for w in caught:
            self.add(f"WARN {w.category.__name__}: {w.message}")
        if ok:
            self.add("RET " + fmt_state(s))
        else:
            self.add(f"RAISE {type(err).__name__}: {err}")
            self.add("STATE " + fmt_state(engine.state))

    def call(self, what, f):
        try:
            r = f()
            self.add(f"CALL {what} -> {fmt(r)}")
        except Exception as e:  # noqa: BLE001
            self.add(f"CALL {what} -> RAISE {type(e).__name__}: {e}")


def on_iteration(t, e, iteration, label, action):
    """A handler on ITERATION_COMPLETED(once=iteration) that writes "H label" then acts."""

    def handler(engine):
        t.h(engine, label)
        action(engine)

    e.add_event_handler(Events.ITERATION_COMPLETED(once=iteration), handler)


def lst(n):
    return list(range(n)), f"list(range({n}))"


class Unsized:
    """A re-iterable without __len__ (a DataLoader over an IterableDataset)."""

    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))


# ---- run() arguments (0.5.3) --------------------------------------------------------------


def run_args_nonpositive_accepted(t):
    for kw in ({"max_epochs": 0}, {"max_epochs": -1}, {"epoch_length": 0}, {"max_epochs": 2, "epoch_length": -2}):
        e = Engine(t.echo())
        t.observe(e)
        t.run(e, *lst(2), **kw)
    e = Engine(t.echo())
    t.observe(e)
    t.run(e, None, "None", epoch_length=0)


def data_none_after(t, label):
    e = Engine(t.echo())
    t.observe(e)
    on_iteration(t, e, 3, label, lambda engine: getattr(engine, label)())
    t.run(e, *lst(4), max_epochs=2)
    t.run(e, None, "None")


def run_args_data_none_after_terminate(t):
    data_none_after(t, "terminate")


def run_args_data_none_after_interrupt(t):
    data_none_after(t, "interrupt")


def run_args_epoch_length_unknown_on_resume(t):
    e = Engine(t.echo())
    t.observe(e)

    on_iteration(t, e, 2, "interrupt", lambda engine: engine.interrupt())

    t.run(e, iter(range(4)), "iter(range(4))", max_epochs=2)
    t.run(e, None, "None", epoch_length=4)
    t.run(e, None, "None")
    t.run(e, *lst(3))


def run_args_resume_overrides(t):
    e = Engine(t.echo())
    t.observe(e)

    on_iteration(t, e, 3, "interrupt", lambda engine: engine.interrupt())

    t.run(e, *lst(2), max_epochs=3)
    t.run(e, *lst(2), max_epochs=1)
    t.run(e, *lst(2), epoch_length=3)
    t.run(e, *lst(2), max_epochs=2, epoch_length=2)
    t.run(e, *lst(3), max_epochs=1, epoch_length=3)
    t.run(e, *lst(3), max_epochs=1)


def run_args_resume_without_epoch_length(t):
    e = Engine(t.echo())
    t.observe(e)
    t.call("load_state_dict({iteration:2,max_epochs:2,epoch_length:None})",
           lambda: e.load_state_dict({"iteration": 2, "max_epochs": 2, "epoch_length": None}))
    t.run(e, *lst(4))


def run_args_one_pass_two_epochs(t):
    e = Engine(t.echo())
    t.observe(e)
    t.run(e, iter(range(3)), "iter(range(3))", max_epochs=2)


# ---- handler signatures (0.5.3) -----------------------------------------------------------


class EdgeEvents(EventEnum):
    EDGE_EVENT = "edge_event"


def handler_signature_event_args(t):
    def pf(engine, batch):
        t.add(f"PF b={fmt(batch)} e={engine.state.epoch} i={engine.state.iteration}")
        if engine.state.iteration == 2:
            engine.terminate_epoch()
        if engine.state.iteration == 4:
            raise ValueError("boom at iteration 4")
        return batch

    e = Engine(pf)
    t.observe(e)
    e.register_events(*EdgeEvents)

    def takes_exception(engine, exc):
        t.h(e, "takes_exception", " args=[" + fmt(exc) + "]")

    def takes_nothing():
        t.h(e, "takes_nothing")

    def takes_engine(engine):
        t.h(e, "takes_engine")

    def takes_iter_counter(engine, iter_counter):
        t.h(e, "takes_iter_counter", f" kw={{\"iter_counter\":{iter_counter}}}")

    def add(what, event, handler):
        t.call(f"add_event_handler({what}, {handler.__name__})", lambda: e.add_event_handler(event, handler) and None)

    add("ITERATION_COMPLETED", Events.ITERATION_COMPLETED, takes_exception)
    add("ITERATION_COMPLETED(every=2)", Events.ITERATION_COMPLETED(every=2), takes_exception)
    add("EDGE_EVENT", EdgeEvents.EDGE_EVENT, takes_exception)
    add("EXCEPTION_RAISED", Events.EXCEPTION_RAISED, takes_nothing)
    add("TERMINATE_SINGLE_EPOCH", Events.TERMINATE_SINGLE_EPOCH, takes_nothing)
    add("EDGE_EVENT", EdgeEvents.EDGE_EVENT, takes_nothing)
    add("EXCEPTION_RAISED", Events.EXCEPTION_RAISED, takes_exception)
    add("EXCEPTION_RAISED", Events.EXCEPTION_RAISED, takes_engine)
    add("TERMINATE_SINGLE_EPOCH", Events.TERMINATE_SINGLE_EPOCH, takes_iter_counter)
    add("EPOCH_COMPLETED", Events.EPOCH_COMPLETED, takes_engine)
    t.run(e, *lst(3), max_epochs=2)


# ---- max_iters (0.5.5) --------------------------------------------------------------------


def add_lifecycle(t, e):
    for ev, label in ((Events.EPOCH_COMPLETED, "epoch_completed"), (Events.TERMINATE, "terminate"),
                      (Events.COMPLETED, "completed")):
        e.add_event_handler(ev, t.handler(label))


def max_iters_mid_epoch(t):
    e = Engine(t.echo())
    t.observe(e)
    add_lifecycle(t, e)
    t.run(e, *lst(3), max_iters=5)
    t.call("state_dict()", lambda: dict(e.state_dict()))
    t.run(e, *lst(3), max_iters=2)


def max_iters_at_epoch_end(t):
    e = Engine(t.echo())
    t.observe(e)
    add_lifecycle(t, e)
    t.run(e, *lst(3), max_iters=6)


def max_iters_unknown_length(t):
    e = Engine(t.echo())
    t.observe(e)
    add_lifecycle(t, e)
    t.run(e, Unsized(4), "Unsized(4)", max_iters=6)
    e2 = Engine(t.echo())
    t.observe(e2)
    t.run(e2, iter(range(4)), "iter(range(4))", max_iters=6)


def max_iters_with_epoch_length(t):
    e = Engine(t.echo())
    t.observe(e)
    add_lifecycle(t, e)
    t.run(e, *lst(5), max_iters=5, epoch_length=2)
    e2 = Engine(t.echo())
    t.observe(e2)
    t.run(e2, None, "None", max_iters=3, epoch_length=2)


def max_iters_errors_and_resume(t):
    e = Engine(t.echo())
    t.observe(e)

    on_iteration(t, e, 2, "interrupt", lambda engine: engine.interrupt())

    t.run(e, *lst(3), max_epochs=2, max_iters=3)
    t.run(e, *lst(3), max_iters=4)
    t.run(e, *lst(3), max_epochs=1)
    t.run(e, *lst(3), max_iters=1)
    t.run(e, *lst(3), max_iters=0)
    t.run(e, *lst(3), max_iters=4, epoch_length=2)
    t.run(e, *lst(3), max_iters=5)
    t.run(e, *lst(3), max_epochs=3)

    def reset_max_iters():
        e.state.max_iters = None

    t.call("state.max_iters = None", reset_max_iters)
    t.run(e, *lst(3), max_epochs=1)


def max_iters_state_dict(t):
    e = Engine(t.echo())
    t.observe(e)
    t.call("load_state_dict({iteration:2,max_iters:5,epoch_length:3})",
           lambda: e.load_state_dict({"iteration": 2, "max_iters": 5, "epoch_length": 3}))
    t.add("STATE " + fmt_state(e.state))
    t.run(e, *lst(3))
    t.call("state_dict()", lambda: dict(e.state_dict()))
    e2 = Engine(t.echo())
    t.call("load_state_dict({iteration:4,max_iters:3,epoch_length:3})",
           lambda: e2.load_state_dict({"iteration": 4, "max_iters": 3, "epoch_length": 3}))
    t.call("load_state_dict({iteration:1,max_iters:0,epoch_length:3})",
           lambda: e2.load_state_dict({"iteration": 1, "max_iters": 0, "epoch_length": 3}))
    t.call("load_state_dict({epoch:1,max_iters:7,epoch_length:3})",
           lambda: e2.load_state_dict({"epoch": 1, "max_iters": 7, "epoch_length": 3}))
    t.add("STATE " + fmt_state(e2.state))
    t.run(e2, *lst(3))


SCENARIOS = {
    "0.5.3": [
        (run_args_nonpositive_accepted,
         "max_epochs <= 0 and epoch_length <= 0 are accepted by run(): the run fires STARTED and COMPLETED only."),
        (run_args_data_none_after_terminate,
         "run(None) after a terminated run does not reuse the previous data: state.dataloader becomes None and "
         "the remaining epoch runs on None batches without GET_BATCH_* events."),
        (run_args_data_none_after_interrupt,
         "run(None) after interrupt() keeps the suspended data iterator: the run continues on the same data."),
        (run_args_epoch_length_unknown_on_resume,
         "Resuming with epoch_length while the state's is still unknown (None) is a ValueError (given vs None); "
         "run(None) needs an epoch_length then; run(data) continues the suspended iterator."),
        (run_args_resume_overrides,
         "Resuming: a max_epochs below the current epoch is a ValueError, an epoch_length different from the "
         "state's is a ValueError (also on a finished engine), a valid max_epochs overrides the state's."),
        (run_args_resume_without_epoch_length,
         "load_state_dict with epoch_length None, then run(list): the epoch counter starts at the loaded "
         "iteration and the first StopIteration defines epoch_length."),
        (run_args_one_pass_two_epochs,
         "A one-pass iterator and max_epochs=2: epoch_length is inferred in epoch 1, epoch 2 finds no data and "
         "warns."),
        (handler_signature_event_args,
         "Ignite checks a handler's signature against what its event passes (_check_signature with event args): "
         "EXCEPTION_RAISED passes the exception, TERMINATE_SINGLE_EPOCH passes iter_counter, other events "
         "(filtered or custom) pass nothing."),
    ],
    "0.5.5": [
        (max_iters_mid_epoch,
         "run(max_iters=5) over 3-batch epochs: reaching max_iters mid-epoch terminates (TERMINATE, COMPLETED, "
         "no EPOCH_COMPLETED for the cut epoch); state_dict() holds max_iters instead of max_epochs."),
        (max_iters_at_epoch_end,
         "max_iters reached on an epoch's last iteration: EPOCH_COMPLETED and COMPLETED, no TERMINATE."),
        (max_iters_unknown_length,
         "max_iters with data of unknown length: when the first epoch ends, max_epochs = ceil(max_iters / "
         "epoch_length)."),
        (max_iters_with_epoch_length,
         "max_iters together with epoch_length, over a list and over no data."),
        (max_iters_errors_and_resume,
         "max_epochs and max_iters together, switching mode on resume, a max_iters below the current iteration, "
         "max_iters < 1, and overriding max_iters on resume."),
        (max_iters_state_dict,
         "load_state_dict with max_iters (instead of max_epochs), its checks, and state_dict() afterwards."),
    ],
}


def main():
    version = sys.argv[1]
    assert ignite.__version__ == version, (ignite.__version__, version)
    out = []
    for fn, description in SCENARIOS[version]:
        t = Trace()
        fn(t)
        out.append({"name": fn.__name__, "ignite": version, "description": description, "trace": t.lines})
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
