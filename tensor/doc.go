// Package tensor provides n-dimensional arrays on a device with PyTorch's semantics, and the
// reverse-mode automatic differentiation engine that records and differentiates their operations.
//
// # Tensors
//
// A Tensor is a view of a storage: shape, strides (in elements) and an offset into a flat typed
// buffer that lives on one device. View operations (Reshape, View, T, Transpose, Permute, Squeeze,
// Unsqueeze, Expand, Index, Slice, Narrow, Flatten, Detach) return tensors that share their
// input's storage; everything else returns a tensor with fresh storage. DTypes are Float32,
// Float64, Int64, Int32 and Bool, combined by PyTorch's type promotion rules (see ResultType).
//
// Go float64 values play the role of Python floats: New(5.0) and New([]float64{1, 2}) give
// Float32 tensors, PyTorch's default dtype; pass the Float64 option for float64 storage.
// A Go number works wherever an operand tensor does (x.Pow(3).Add(5)); like a Python number it
// never widens a dimensioned tensor's dtype.
//
// # Inputs are never modified
//
// Operations never modify their inputs. The single exception is the in-place family, whose
// names carry PyTorch's trailing underscore (Add_, Mul_, Zero_, Fill_, Clamp_, ...): a method
// ending in "_" overwrites its receiver and returns it. Add_, AddScaled_ (PyTorch's
// add_(other, alpha=)), Sub_, Mul_, Div_, Zero_, Fill_ and Copy_ write straight into the
// receiver's storage, without a temporary, whenever autograd need not record them. Every
// in-place op bumps the storage's version counter, and under grad mode refuses a leaf that
// requires grad, like PyTorch. Slices returned by Float64s, Float32s,
// Int64s and Bools are copies.
//
// # Errors
//
// Programmer mistakes (mismatched shapes, dtypes or devices, bad indices, a CUDA tensor without a
// GPU) panic with a *Error whose message reads like PyTorch's, the way a notebook cell expects.
// Library code that prefers error values wraps a call in Maybe:
//
//	err := tensor.Maybe(func() { z = x.Add(y) })
//
// # Autograd
//
// A tensor created with the RequiresGrad option (or SetRequiresGrad(true)) is a leaf whose
// operations are recorded while grad mode is on: each result holds a *Node (GradFn) naming the
// backward rule, like PyTorch's grad_fn. Backward walks the graph in an iterative topological
// order, accumulating gradients into leaves with +=. Every op's backward rule sits next to its
// forward code and is itself written with differentiable ops, so CreateGraph gives higher-order
// gradients. A rule computes gradients only for the inputs that need one (those whose Next
// entry is not nil), so the input batch of a layer costs no gradient GEMM. Grad mode
// (SetGradEnabled) is process-wide, not per goroutine; a backward pass without CreateGraph
// does not depend on it, so backward of separate graphs may run from separate goroutines.
//
// # Performance
//
// Elementwise kernels, reductions and strided copies split large work across all cores. Result
// buffers of 64Ki elements or more are allocated without zeroing, since every kernel writes each
// element. Float32 Exp, Sigmoid and Tanh run AVX2/FMA assembly eight lanes at a time where the
// CPU has it (pure Go elsewhere). Matrix products go to package blas (OpenBLAS when
// installed, else gonum; see Backend).
//
// # Devices
//
// Storage is dispatched per device. The CPU is always present; To("cuda") asks package gpu and
// fails with a clear error on a host without a usable GPU. To("cpu") of a device view copies
// back only the span of storage the view reads. Ops on CUDA tensors run on the GPU (package
// gpu's strided kernels and GEMM, see cuda_ops.go): elementwise ops with broadcasting, compares,
// casts, reductions, softmax, matmul, in-place ops and their backward rules. An op without a
// CUDA kernel fails with a device error rather than computing on the host.
//
// # Concurrency
//
// Distinct tensors may be used from distinct goroutines. A single tensor may be read
// concurrently, but not written (in-place ops, backward into it) while others use it.
package tensor
