"""make_python_matrix.py OUT: Python's torch.save of the matrix, plus the objects PyTorch
itself makes (a module state_dict with _metadata, SGD momentum and Adam state), for the C++
side to read and write again (Python -> C++ -> Python, checked by compare.py)."""
import sys

import torch

from matrix import make_matrix

torch.manual_seed(0)
obj = make_matrix()
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.Linear(3, 2))
sgd = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
adam = torch.optim.Adam(net.parameters(), lr=1e-3)
for opt in (sgd, adam):
    net(torch.randn(5, 4)).sum().backward()
    opt.step()
obj["net"] = net.state_dict()
obj["sgd"] = sgd.state_dict()
obj["adam"] = adam.state_dict()
obj["parameter"] = torch.nn.Parameter(torch.ones(2))
obj["size"] = torch.Size([2, 3])
torch.save(obj, sys.argv[1])
print("ok")
