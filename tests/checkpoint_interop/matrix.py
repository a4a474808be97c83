"""The value matrix the C++ test also builds (tests/checkpoint_file_test.cpp, make_matrix):
every common dtype, 0-d, empty, non-contiguous, offset, shared and large tensors, and
every kind of Python value a checkpoint holds."""
import collections
import math

import torch


def make_matrix():
    base = torch.arange(20, dtype=torch.float32)
    model = collections.OrderedDict()
    model["0.weight"] = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 10
    model["0.bias"] = torch.zeros(3)
    return {
        "f32": torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 7,
        "f64": torch.arange(5, dtype=torch.float64) / 3,
        "f16": (torch.arange(10, dtype=torch.float32) / 3).to(torch.float16),
        "bf16": (torch.arange(10, dtype=torch.float32) / 3).to(torch.bfloat16),
        "i64": torch.arange(-5, 5, dtype=torch.int64) * 1000000007,
        "i32": torch.arange(-3, 3, dtype=torch.int32),
        "i16": torch.arange(-3, 3, dtype=torch.int16),
        "i8": torch.arange(-3, 3, dtype=torch.int8),
        "u8": torch.arange(256, dtype=torch.int64).to(torch.uint8),
        "bool": torch.arange(6) % 2 == 0,
        "c64": torch.complex(torch.arange(3, dtype=torch.float32), -torch.arange(3, dtype=torch.float32)),
        "special": torch.tensor([math.nan, -0.0, math.inf, -math.inf, 1e-45], dtype=torch.float32),
        "scalar0d": torch.tensor(3.25),
        "empty": torch.empty(0, 3),
        "noncontig": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(),
        "slice": base[5:15:2],
        "shared_a": base[0:4],
        "large": torch.arange(1 << 20, dtype=torch.float32) * 1.5,
        "model": model,
        "int_small": 7,
        "int_big": 2**40,
        "int_neg": -(2**40),
        "int_max": 2**63 - 1,
        "int_min": -(2**63),
        "float": 0.1,
        "float_nan": math.nan,
        "true": True,
        "none": None,
        "str": "h\u00e9llo \u2603",
        "empty_str": "",
        "list1": [1],
        "list_mixed": [1, "a", 2.5, None, [2, 3]],
        "tuple": (1, "x"),
        "tuple5": (1, 2, 3, 4, 5),
        "nested": {"a": {"b": [{"c": 1}]}},
        "intkeys": {0: "a", 5: "b"},
        "dict1": {"k": 1},
        "empty_dict": {},
        "empty_list": [],
    }
