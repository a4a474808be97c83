"""Helpers the checkpoint interop scripts share (run by tests/checkpoint_file_test.cpp)."""
import collections
import struct
import sys

import torch

# c10's names of the dtypes (c10::toString), so C++ and Python print the same text.
DTYPE = {
    torch.float32: "Float", torch.float64: "Double", torch.float16: "Half", torch.bfloat16: "BFloat16",
    torch.int64: "Long", torch.int32: "Int", torch.int16: "Short", torch.int8: "Char", torch.uint8: "Byte",
    torch.bool: "Bool", torch.complex64: "ComplexFloat", torch.complex128: "ComplexDouble",
}


def tensor_bytes(t):
    return t.detach().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def flatten(obj, path="", out=None):
    """One line per node, 'path<TAB>type<TAB>value'; the C++ test prints the same for its value."""
    out = [] if out is None else out
    if isinstance(obj, dict):
        out.append(f"{path}\tdict\t{len(obj)}")
        for k, v in obj.items():
            flatten(v, f"{path}/{k!r}" if isinstance(k, str) else f"{path}/{k}", out)
    elif isinstance(obj, (tuple, list)):
        out.append(f"{path}\t{'tuple' if isinstance(obj, tuple) else 'list'}\t{len(obj)}")
        for i, v in enumerate(obj):
            flatten(v, f"{path}[{i}]", out)
    elif isinstance(obj, bool):
        out.append(f"{path}\tbool\t{obj}")
    elif isinstance(obj, int):
        out.append(f"{path}\tint\t{obj}")
    elif isinstance(obj, float):
        out.append(f"{path}\tfloat\t{struct.pack('<d', obj).hex()}")
    elif isinstance(obj, str):
        out.append(f"{path}\tstr\t{obj.encode('utf-8').hex()}")
    elif obj is None:
        out.append(f"{path}\tNone\t")
    elif isinstance(obj, torch.Tensor):
        shape = ",".join(str(s) for s in obj.shape)
        out.append(f"{path}\ttensor\t{DTYPE[obj.dtype]}\t{shape}\t{tensor_bytes(obj).hex()}")
    else:
        raise TypeError(f"{path}: unexpected {type(obj)}")
    return out


def same(a, b, path="", strict_types=True):
    """Deep equality, tensors bit for bit (dtype, shape, strides, bytes); a tensor-valued
    OrderedDict (a state_dict) must stay one. Raises AssertionError naming the path."""
    if isinstance(a, dict):
        assert isinstance(b, dict), f"{path}: {type(b)} is not a dict"
        if isinstance(a, collections.OrderedDict) and all(isinstance(v, torch.Tensor) for v in a.values()):
            assert isinstance(b, collections.OrderedDict), f"{path}: a state_dict came back as {type(b)}"
        assert list(a.keys()) == list(b.keys()), f"{path}: keys {list(a.keys())} != {list(b.keys())}"
        for k in a:
            same(a[k], b[k], f"{path}/{k!r}", strict_types)
    elif isinstance(a, (tuple, list)):
        # torch.Size is a tuple to the value model.
        assert isinstance(b, (tuple, list)) and isinstance(a, tuple) == isinstance(b, tuple) and len(a) == len(b), (
            f"{path}: {type(a)}[{len(a)}] != {type(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{path}[{i}]", strict_types)
    elif isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor), f"{path}: {type(b)} is not a tensor"
        assert a.dtype == b.dtype and a.shape == b.shape, f"{path}: {a.dtype}{list(a.shape)} != {b.dtype}{list(b.shape)}"
        assert a.stride() == b.stride(), f"{path}: strides {a.stride()} != {b.stride()}"
        assert tensor_bytes(a) == tensor_bytes(b), f"{path}: tensor bytes differ"
    elif isinstance(a, float):
        assert isinstance(b, float) and struct.pack("<d", a) == struct.pack("<d", b), f"{path}: {a!r} != {b!r}"
    else:
        assert type(a) is type(b) and a == b, f"{path}: {a!r} != {b!r}"


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)
