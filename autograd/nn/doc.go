// Package nn holds the few neural-network building blocks a notebook needs to train a small
// model on gotensor's autograd: a Module interface, Linear layers, ReLU/Tanh/Sigmoid
// activations, Sequential, and the MSELoss and CrossEntropyLoss functions. Optimizers live in
// package autograd/optim.
//
// Modules and losses are composites of differentiable tensor ops, so they need no backward
// code of their own: their gradients come from the ops' rules in package tensor.
//
// The API avoids generics and variadic interface parameters, which the notebook interpreter
// (yaegi) cannot pass cell-defined types through: Sequential takes a []Module, and a cell may
// define its own Module type and put it in that slice.
//
// Modules move to a device like PyTorch's model.to(device): Linear.To, Sequential.To, and To for
// any Module (a cell's own included) move the parameters in place, so they stay the same leaf
// tensors, and an optimizer holding them keeps working.
//
// Parameters are created with float32 elements (PyTorch's default dtype) from tensor's
// seeded generator: call tensor.Seed first for reproducible weights.
package nn
