package nn

import (
	"fmt"

	"gotensor/tensor"
)

// To moves the parameters of any module, including one defined in a notebook cell, to device
// ("cpu", "cuda", "cuda:0") and returns m, like PyTorch's model.to(device). Parameters move in
// place (tensor.SetData): they stay the same leaf tensors that require grad, so an optimizer
// made before the move keeps working, and their gradients move with them. Nothing moves unless
// everything can: on a host without a usable GPU, To(m, "cuda") panics with the
// "CUDA is not available: ..." *tensor.Error and leaves m as it was.
func To(m Module, device string) Module {
	moveParameters(m.Parameters(), device)
	return m
}

// To moves the layer's Weight and Bias to device and returns l (see the package-level To).
func (l *Linear) To(device string) *Linear {
	moveParameters(l.Parameters(), device)
	return l
}

// To moves every layer's parameters to device and returns s (see the package-level To).
func (s *Sequential) To(device string) *Sequential {
	moveParameters(s.Parameters(), device)
	return s
}

// moveParameters copies every parameter (and gradient) to device first, then swaps the copies
// in, so a copy that fails leaves all parameters where they were.
func moveParameters(ps []*tensor.Tensor, device string) {
	for i, p := range ps {
		if !p.IsLeaf() {
			panic(&tensor.Error{Kind: tensor.ErrAutograd, Op: "To", Msg: fmt.Sprintf("To(%q): parameter %d (%s) is computed, not a leaf; a module's parameters must be leaf tensors", device, i, p.GradFn().Name())})
		}
	}
	data := make([]*tensor.Tensor, len(ps))
	grads := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		data[i] = p.Detach().To(device)
		if g := p.Grad(); g != nil {
			grads[i] = g.To(device)
		}
	}
	for i, p := range ps {
		p.SetData(data[i])
		if grads[i] != nil {
			p.SetGrad(grads[i])
		}
	}
}
