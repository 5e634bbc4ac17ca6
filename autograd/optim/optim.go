package optim

import (
	"fmt"
	"math"

	"gotensor/tensor"
)

// Optimizer updates parameters from their accumulated gradients (torch.optim.Optimizer).
type Optimizer interface {
	// ZeroGrad resets every parameter's gradient to zeros.
	ZeroGrad()
	// Step applies one update; parameters without a gradient are left alone.
	Step()
}

var (
	_ Optimizer = (*SGD)(nil)
	_ Optimizer = (*Adam)(nil)
)

// checkParams panics with a clear error unless params are non-empty floating leaves.
func checkParams(op string, params []*tensor.Tensor) []*tensor.Tensor {
	if len(params) == 0 {
		fail(op, "optimizer got an empty parameter list")
	}
	for i, p := range params {
		switch {
		case p == nil:
			fail(op, "parameter %d is nil", i)
		case !p.DType().IsFloat():
			fail(op, "parameter %d has dtype %v; only floating-point tensors can be optimized", i, p.DType())
		case !p.IsLeaf():
			fail(op, "parameter %d is not a leaf tensor (it has grad_fn %v); can't optimize a non-leaf Tensor", i, p.GradFn())
		}
	}
	return append([]*tensor.Tensor(nil), params...)
}

func fail(op, format string, args ...any) {
	panic(&tensor.Error{Kind: tensor.ErrValue, Op: op, Msg: op + ": " + fmt.Sprintf(format, args...)})
}

// decayedGrad returns p detached (a view its update writes through) and the step direction
// d = grad + weightDecay·p, also detached; d is nil when p has no gradient yet.
func decayedGrad(p *tensor.Tensor, weightDecay float64) (pd, d *tensor.Tensor) {
	g := p.Grad()
	if g == nil {
		return nil, nil
	}
	pd, d = p.Detach(), g.Detach()
	if weightDecay != 0 {
		d = d.Add(pd.Mul(weightDecay))
	}
	return pd, d
}

func zeroGrads(params []*tensor.Tensor) {
	for _, p := range params {
		p.ZeroGrad()
	}
}

// SGDOptions configures NewSGD. The zero value is plain SGD with learning rate 0.001.
type SGDOptions struct {
	LR          float64 // learning rate; 0 means 0.001
	Momentum    float64 // momentum factor; 0 turns momentum off
	Dampening   float64 // dampening of the momentum
	WeightDecay float64 // L2 penalty added to the gradient
	Nesterov    bool    // Nesterov momentum (needs Momentum > 0 and Dampening 0)
}

// SGD is stochastic gradient descent (torch.optim.SGD). Its fields may be changed between
// steps, for example to schedule the learning rate.
type SGD struct {
	SGDOptions
	Params []*tensor.Tensor // the parameters updated, in order
	bufs   []*tensor.Tensor // momentum buffers, created at the first step with a gradient
}

// NewSGD returns an SGD optimizer for params.
func NewSGD(params []*tensor.Tensor, opts SGDOptions) *SGD {
	params = checkParams("SGD", params)
	if opts.LR == 0 {
		opts.LR = 1e-3
	}
	switch {
	case opts.LR < 0:
		fail("SGD", "Invalid learning rate: %v", opts.LR)
	case opts.Momentum < 0:
		fail("SGD", "Invalid momentum value: %v", opts.Momentum)
	case opts.WeightDecay < 0:
		fail("SGD", "Invalid weight_decay value: %v", opts.WeightDecay)
	case opts.Nesterov && (opts.Momentum <= 0 || opts.Dampening != 0):
		fail("SGD", "Nesterov momentum requires a momentum and zero dampening")
	}
	return &SGD{SGDOptions: opts, Params: params, bufs: make([]*tensor.Tensor, len(params))}
}

// ZeroGrad resets every parameter's gradient to zeros.
func (o *SGD) ZeroGrad() { zeroGrads(o.Params) }

// Step applies p -= LR·d with d = grad + WeightDecay·p, passed through the momentum buffer
// b = Momentum·b + (1 - Dampening)·d when Momentum is set (PyTorch's update, where the first
// step's buffer is d itself).
func (o *SGD) Step() {
	for i, p := range o.Params {
		pd, d := decayedGrad(p, o.WeightDecay)
		if d == nil {
			continue
		}
		if o.Momentum != 0 {
			if o.bufs[i] == nil {
				o.bufs[i] = d.Clone()
			} else {
				o.bufs[i].Mul_(o.Momentum).AddScaled_(d, 1-o.Dampening)
			}
			if o.Nesterov {
				d = d.Add(o.bufs[i].Mul(o.Momentum))
			} else {
				d = o.bufs[i]
			}
		}
		pd.AddScaled_(d, -o.LR) // in place, no temporary of p's size
	}
}

// AdamOptions configures NewAdam. The zero value gives PyTorch's defaults.
type AdamOptions struct {
	LR           float64 // learning rate; 0 means 0.001
	Beta1, Beta2 float64 // decay rates of the moment estimates; 0 means 0.9 and 0.999
	Eps          float64 // added to the denominator; 0 means 1e-8
	WeightDecay  float64 // L2 penalty added to the gradient
}

// Adam is the Adam optimizer (torch.optim.Adam, without amsgrad). Its fields may be changed
// between steps.
type Adam struct {
	AdamOptions
	Params []*tensor.Tensor // the parameters updated, in order
	m, v   []*tensor.Tensor // first and second moment estimates
	steps  []int            // per parameter, steps taken with a gradient
}

// NewAdam returns an Adam optimizer for params.
func NewAdam(params []*tensor.Tensor, opts AdamOptions) *Adam {
	params = checkParams("Adam", params)
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&opts.LR, 1e-3)
	def(&opts.Beta1, 0.9)
	def(&opts.Beta2, 0.999)
	def(&opts.Eps, 1e-8)
	switch {
	case opts.LR < 0:
		fail("Adam", "Invalid learning rate: %v", opts.LR)
	case opts.Eps < 0:
		fail("Adam", "Invalid epsilon value: %v", opts.Eps)
	case opts.Beta1 < 0 || opts.Beta1 >= 1:
		fail("Adam", "Invalid beta parameter at index 0: %v", opts.Beta1)
	case opts.Beta2 < 0 || opts.Beta2 >= 1:
		fail("Adam", "Invalid beta parameter at index 1: %v", opts.Beta2)
	case opts.WeightDecay < 0:
		fail("Adam", "Invalid weight_decay value: %v", opts.WeightDecay)
	}
	n := len(params)
	return &Adam{AdamOptions: opts, Params: params, m: make([]*tensor.Tensor, n), v: make([]*tensor.Tensor, n), steps: make([]int, n)}
}

// ZeroGrad resets every parameter's gradient to zeros.
func (o *Adam) ZeroGrad() { zeroGrads(o.Params) }

// Step applies PyTorch's Adam update: m = β1·m + (1-β1)·g, v = β2·v + (1-β2)·g², then
// p -= LR/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + Eps).
func (o *Adam) Step() {
	for i, p := range o.Params {
		pd, d := decayedGrad(p, o.WeightDecay)
		if d == nil {
			continue
		}
		if o.m[i] == nil {
			o.m[i] = tensor.ZerosLike(pd)
			o.v[i] = tensor.ZerosLike(pd)
		}
		o.steps[i]++
		t := float64(o.steps[i])
		o.m[i].Mul_(o.Beta1).AddScaled_(d, 1-o.Beta1)
		o.v[i].Mul_(o.Beta2).AddScaled_(d.Mul(d), 1-o.Beta2)
		bc1 := 1 - math.Pow(o.Beta1, t)
		bc2 := 1 - math.Pow(o.Beta2, t)
		denom := o.v[i].Sqrt().Div(math.Sqrt(bc2)).Add(o.Eps)
		pd.AddScaled_(o.m[i].Div(denom), -o.LR/bc1)
	}
}
