package autograd

import "gotensor/tensor"

// NoGrad runs f with gradient recording off and then restores the previous mode, even when f
// panics: operations inside f record no graph and their results do not require grad
// (PyTorch's `with torch.no_grad():`). Calls nest. The mode is process-wide; see the package
// documentation.
func NoGrad(f func()) { withGradMode(false, f) }

// EnableGrad runs f with gradient recording on and then restores the previous mode, even when
// f panics (PyTorch's `with torch.enable_grad():`), for example to build a graph inside a
// NoGrad scope.
func EnableGrad(f func()) { withGradMode(true, f) }

func withGradMode(enabled bool, f func()) {
	prev := tensor.SetGradEnabled(enabled)
	defer tensor.SetGradEnabled(prev)
	f()
}

// IsGradEnabled reports whether operations are being recorded (torch.is_grad_enabled()).
func IsGradEnabled() bool { return tensor.IsGradEnabled() }

// SetGradEnabled turns recording on or off for the whole process and returns the previous
// setting (torch.set_grad_enabled). Prefer NoGrad, which cannot forget to restore it.
func SetGradEnabled(enabled bool) (prev bool) { return tensor.SetGradEnabled(enabled) }

// Grad returns the gradients of outputs with respect to inputs, one per input in order,
// without accumulating into any tensor's Grad (torch.autograd.grad). Each output must be a
// scalar unless a Gradient option is given per output. An input the outputs do not depend on
// gets nil. With CreateGraph the returned gradients are themselves differentiable, for
// higher-order derivatives. Misuse (an input that does not require grad, a non-scalar output
// without a gradient) panics with a *tensor.Error.
func Grad(outputs, inputs []*tensor.Tensor, opts ...tensor.BackwardOption) []*tensor.Tensor {
	return tensor.Grad(outputs, inputs, opts...)
}

// RetainGraph keeps the saved tensors after a backward pass, so the graph can be walked again
// (retain_graph=True).
func RetainGraph() tensor.BackwardOption { return tensor.RetainGraph() }

// CreateGraph records the backward pass itself, so gradients can be differentiated again
// (create_graph=True); it implies RetainGraph.
func CreateGraph() tensor.BackwardOption { return tensor.CreateGraph() }

// Gradient supplies the gradient of one output (grad_outputs), needed for non-scalar outputs;
// pass one per output, in order.
func Gradient(g *tensor.Tensor) tensor.BackwardOption { return tensor.Gradient(g) }
