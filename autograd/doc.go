// Package autograd is the user-facing layer of gotensor's reverse-mode automatic
// differentiation: grad-mode scopes (NoGrad, EnableGrad), the functional Grad, a public
// finite-difference GradCheck, and Graph, which exports the recorded computation graph as plain
// data that renders itself in a notebook. Its subpackages nn and optim hold just enough
// modules, losses and optimizers to train small networks.
//
// # Where the engine lives
//
// The engine is not here. Package tensor owns each tensor's autograd metadata (requires-grad,
// grad, grad_fn, retained grads, version counter), the backward engine (an iterative topological
// walk that accumulates with +=) and every differentiable op's backward rule, written next to
// that op's forward code (STYLE #11). Keeping the rules beside the forward math means an op
// cannot be added without its gradient, and tensor needs no import of autograd. This package
// imports tensor and adds what a user reaches for on top:
//
//   - NoGrad(f) and EnableGrad(f) run f with recording off or on and restore the previous mode,
//     even when f panics (PyTorch's torch.no_grad() and torch.enable_grad()).
//   - Grad(outputs, inputs, opts...) returns gradients without touching any tensor's Grad
//     (torch.autograd.grad); CreateGraph gives differentiable gradients for higher orders.
//   - GradCheck compares backward against central finite differences in float64
//     (torch.autograd.gradcheck) and names the input and element that differ.
//   - Graph(y) walks y's grad_fn graph into a GraphData value: op nodes, leaves, saved tensors and
//     edges in a deterministic order, shown as an SVG drawing in a notebook and as an op tree by
//     String.
//
// # Grad mode is process-wide
//
// The grad mode is one switch for the whole process (tensor.SetGradEnabled), not per goroutine
// as in PyTorch: a NoGrad in one goroutine also stops recording in every other goroutine while
// it runs. Code meant to run concurrently with training (such as an optimizer step) should
// therefore not toggle the mode; optim's optimizers update parameters through detached views
// (tensor.Detach), which are never recorded, and leave the mode alone. Backward itself does not
// depend on the mode, so backward passes of separate graphs may run in separate goroutines.
//
// # Errors
//
// Like package tensor, the notebook-facing calls (Grad, NoGrad, the nn modules) panic with a
// *tensor.Error on misuse, the way a cell expects; GradCheck and GraphData's renderers return
// errors as values. Use tensor.Maybe to turn a panic into an error.
package autograd
