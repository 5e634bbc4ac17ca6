package nn

import (
	"fmt"
	"math"
	"strings"

	"gotensor/tensor"
)

// Module is a layer or a network: it maps an input batch to an output and owns trainable
// parameters (PyTorch's nn.Module).
type Module interface {
	// Forward computes the module's output for x (PyTorch's model(x)).
	Forward(x *tensor.Tensor) *tensor.Tensor
	// Parameters returns the module's trainable tensors, in a fixed order; empty when it has none.
	Parameters() []*tensor.Tensor
}

// ZeroGrad resets the accumulated gradient of every parameter of m to zeros (PyTorch 1.13's
// model.zero_grad()). Parameters without a gradient keep none.
func ZeroGrad(m Module) {
	for _, p := range m.Parameters() {
		p.ZeroGrad()
	}
}

// NumParameters returns how many scalar parameters m has.
func NumParameters(m Module) int {
	n := 0
	for _, p := range m.Parameters() {
		n += p.Numel()
	}
	return n
}

// Linear is a fully connected layer, y = x·Wᵀ + b (PyTorch's nn.Linear). Weight has shape
// (Out, In) and Bias (Out); set Bias to nil for a layer without bias.
type Linear struct {
	In, Out int            // feature counts of the input and the output
	Weight  *tensor.Tensor // (Out, In), a leaf that requires grad
	Bias    *tensor.Tensor // (Out), or nil
}

var _ Module = (*Linear)(nil)

// NewLinear returns a Linear layer from in to out features, initialised as PyTorch does:
// weights and bias uniform in ±1/√in (Kaiming-uniform with a = √5), drawn from tensor's seeded
// generator.
func NewLinear(in, out int) *Linear {
	if in <= 0 || out <= 0 {
		panic(&tensor.Error{Kind: tensor.ErrValue, Op: "Linear", Msg: fmt.Sprintf("Linear(in_features=%d, out_features=%d): sizes must be positive", in, out)})
	}
	bound := 1 / math.Sqrt(float64(in))
	uniform := func(shape ...int) *tensor.Tensor {
		return tensor.Rand(shape).Mul(2 * bound).Sub(bound).SetRequiresGrad(true)
	}
	w := uniform(out, in).SetName("weight")
	b := uniform(out).SetName("bias")
	return &Linear{In: in, Out: out, Weight: w, Bias: b}
}

// Forward returns x·Wᵀ + b for x of shape (..., In).
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor {
	if n := x.Dim(); n == 0 || x.Shape()[n-1] != l.In {
		panic(&tensor.Error{Kind: tensor.ErrShape, Op: "Linear", Msg: fmt.Sprintf("Linear(in_features=%d): input of shape %v must end in %d features", l.In, x.Shape(), l.In)})
	}
	y := x.Matmul(l.Weight.T())
	if l.Bias != nil {
		y = y.Add(l.Bias)
	}
	return y
}

// Parameters returns Weight and, if present, Bias.
func (l *Linear) Parameters() []*tensor.Tensor {
	if l.Bias == nil {
		return []*tensor.Tensor{l.Weight}
	}
	return []*tensor.Tensor{l.Weight, l.Bias}
}

// String prints the layer as PyTorch does: "Linear(in_features=2, out_features=3, bias=True)".
func (l *Linear) String() string {
	bias := "True"
	if l.Bias == nil {
		bias = "False"
	}
	return fmt.Sprintf("Linear(in_features=%d, out_features=%d, bias=%s)", l.In, l.Out, bias)
}

// ReLU applies max(x, 0) elementwise (PyTorch's nn.ReLU).
type ReLU struct{}

// Forward returns x.ReLU().
func (ReLU) Forward(x *tensor.Tensor) *tensor.Tensor { return x.ReLU() }

// Parameters returns nil: ReLU has none.
func (ReLU) Parameters() []*tensor.Tensor { return nil }

// String returns "ReLU()".
func (ReLU) String() string { return "ReLU()" }

// Tanh applies tanh elementwise (PyTorch's nn.Tanh).
type Tanh struct{}

// Forward returns x.Tanh().
func (Tanh) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Tanh() }

// Parameters returns nil: Tanh has none.
func (Tanh) Parameters() []*tensor.Tensor { return nil }

// String returns "Tanh()".
func (Tanh) String() string { return "Tanh()" }

// Sigmoid applies the logistic function elementwise (PyTorch's nn.Sigmoid).
type Sigmoid struct{}

// Forward returns x.Sigmoid().
func (Sigmoid) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Sigmoid() }

// Parameters returns nil: Sigmoid has none.
func (Sigmoid) Parameters() []*tensor.Tensor { return nil }

// String returns "Sigmoid()".
func (Sigmoid) String() string { return "Sigmoid()" }

// Sequential chains modules: the output of each is the input of the next (PyTorch's
// nn.Sequential).
type Sequential struct {
	Layers []Module // applied in order
}

var _ Module = (*Sequential)(nil)

// NewSequential returns a Sequential of layers, applied in order. It takes a slice rather than
// variadic arguments so cells can include their own Module types:
//
//	model := nn.NewSequential([]nn.Module{nn.NewLinear(2, 16), nn.ReLU{}, nn.NewLinear(16, 2)})
func NewSequential(layers []Module) *Sequential {
	for i, l := range layers {
		if l == nil {
			panic(&tensor.Error{Kind: tensor.ErrValue, Op: "Sequential", Msg: fmt.Sprintf("Sequential: layer %d is nil", i)})
		}
	}
	return &Sequential{Layers: append([]Module(nil), layers...)}
}

// Append adds a layer at the end and returns s.
func (s *Sequential) Append(m Module) *Sequential {
	s.Layers = append(s.Layers, m)
	return s
}

// Forward applies the layers in order.
func (s *Sequential) Forward(x *tensor.Tensor) *tensor.Tensor {
	for _, l := range s.Layers {
		x = l.Forward(x)
	}
	return x
}

// Parameters returns every layer's parameters, layer by layer.
func (s *Sequential) Parameters() []*tensor.Tensor {
	var ps []*tensor.Tensor
	for _, l := range s.Layers {
		ps = append(ps, l.Parameters()...)
	}
	return ps
}

// describe names a layer: its String method, else its type and parameter count. A Module
// defined in a notebook cell reaches compiled code inside an interpreter wrapper type (named
// with a leading underscore) whose String is lost, so it reads "Module(...)".
func describe(m Module) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	name := fmt.Sprintf("%T", m)
	name = strings.TrimLeft(name[strings.LastIndex(name, ".")+1:], "*")
	if strings.HasPrefix(name, "_") || name == "" {
		name = "Module"
	}
	return fmt.Sprintf("%s(parameters=%d)", name, NumParameters(m))
}

// String prints the layers as PyTorch does, one per line with its index.
func (s *Sequential) String() string {
	var b strings.Builder
	b.WriteString("Sequential(\n")
	for i, l := range s.Layers {
		inner := strings.ReplaceAll(describe(l), "\n", "\n  ")
		fmt.Fprintf(&b, "  (%d): %s\n", i, inner)
	}
	b.WriteString(")")
	return b.String()
}
