package tensor

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Node is a recorded operation in the autograd graph (PyTorch's grad_fn): it knows how to turn
// the gradient of its output into gradients of its inputs. Leaves that require grad are reached
// through an "AccumulateGrad" node whose Variable is the leaf.
type Node struct {
	name     string
	next     []*Node // one per input, in argument order; nil where the input needs no gradient
	mu       sync.Mutex
	saved    []savedTensor
	released bool // saved tensors were freed by a backward without RetainGraph
	apply    func(c *bctx, g *Tensor) []*Tensor
	variable *Tensor   // the leaf of an AccumulateGrad node
	retained []*Tensor // outputs whose gradient RetainGrad asked to keep
}

type savedTensor struct {
	name    string // PyTorch's name for the slot, such as "self", "other" or "result"
	t       *Tensor
	st      *storage // t's storage when saved: SetData swapping it is caught like an in-place change
	version int64
	outOf   string // the grad_fn name of the saved tensor, for the version error
}

// Name returns the node's PyTorch name, such as "PowBackward0" or "AccumulateGrad".
func (n *Node) Name() string { return n.name }

// String returns the name, so a node prints like "<PowBackward0>".
func (n *Node) String() string {
	if n == nil {
		return "<nil>"
	}
	return "<" + n.name + ">"
}

// Next returns the nodes feeding this one, one per input in argument order; an entry is nil
// where that input does not require grad (PyTorch's next_functions).
func (n *Node) Next() []*Node { return append([]*Node(nil), n.next...) }

// Saved returns the tensors this node saved for its backward rule (nil once a backward pass
// without RetainGraph freed them).
func (n *Node) Saved() []*Tensor {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]*Tensor, len(n.saved))
	for i, s := range n.saved {
		out[i] = s.t
	}
	return out
}

// SavedNames returns the names of the slots Saved returns, in the same order: PyTorch's names
// for what a rule keeps ("self", "other", "mat2", "exponent", "result", "index", ...), so a
// graph renderer can label them, or hide a Go number the op wrapped as a tensor (see
// IsWrappedNumber).
func (n *Node) SavedNames() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, len(n.saved))
	for i, s := range n.saved {
		out[i] = s.name
	}
	return out
}

// Variable returns the leaf tensor of an AccumulateGrad node, or nil.
func (n *Node) Variable() *Tensor { return n.variable }

var gradEnabled atomic.Bool

func init() { gradEnabled.Store(true) }

// SetGradEnabled turns the recording of operations for autograd on or off and returns the
// previous setting. The mode is process-wide (not per goroutine); autograd.NoGrad wraps it.
func SetGradEnabled(enabled bool) (prev bool) { return gradEnabled.Swap(enabled) }

// IsGradEnabled reports whether operations are being recorded for autograd.
func IsGradEnabled() bool { return gradEnabled.Load() }

// needsGrad reports whether an op on ts must be recorded.
func needsGrad(ts ...*Tensor) bool {
	if !gradEnabled.Load() {
		return false
	}
	for _, t := range ts {
		if t != nil && t.grad.requiresGrad {
			return true
		}
	}
	return false
}

// slot is a tensor saved for a backward rule, under PyTorch's name for it.
type slot struct {
	name string
	t    *Tensor
}

// record makes out the result of a differentiable op named name on inputs, keeping saved for
// the backward rule apply (which reads them through c.saved in the same order).
func record(name string, out *Tensor, inputs []*Tensor, saved []slot, apply func(c *bctx, g *Tensor) []*Tensor) {
	n := &Node{name: name, apply: apply, next: make([]*Node, len(inputs))}
	for i, in := range inputs {
		if in != nil && in.grad.requiresGrad {
			checkView(name, in)
			n.next[i] = in.gradNode()
		}
	}
	out.grad.fn = n
	out.grad.requiresGrad = true
	for _, sl := range saved {
		s := sl.t
		st := savedTensor{name: sl.name, t: s, st: s.st, version: s.st.version.Load()}
		if s.grad.fn != nil {
			st.outOf = s.grad.fn.name
		}
		n.saved = append(n.saved, st)
	}
}

// gradNode returns the node a gradient for t flows into: its grad_fn, or a leaf's AccumulateGrad.
func (t *Tensor) gradNode() *Node {
	if t.grad.fn != nil {
		return t.grad.fn
	}
	t.grad.mu.Lock()
	defer t.grad.mu.Unlock()
	if t.grad.acc == nil {
		t.grad.acc = &Node{name: "AccumulateGrad", variable: t}
	}
	return t.grad.acc
}

// bctx is what a backward rule sees: the saved tensors and whether to build a graph.
type bctx struct {
	n      *Node
	create bool
}

const freedMsg = "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."

// saved returns the i-th saved tensor, detached unless a graph of the backward is being built,
// after checking it was not freed nor modified in place since it was saved.
func (c *bctx) saved(i int) *Tensor {
	c.n.mu.Lock()
	released, s := c.n.released, savedTensor{}
	if !released {
		s = c.n.saved[i]
	}
	c.n.mu.Unlock()
	if released {
		fail(ErrAutograd, "backward", freedMsg)
	}
	if v := s.t.st.version.Load(); v != s.version || s.t.st != s.st {
		if s.t.st != s.st {
			v = max(v, s.version+1) // a swapped storage reads as a later version
		}
		which := ""
		if s.outOf != "" {
			which = ", which is output 0 of " + s.outOf + ","
		}
		fail(ErrAutograd, "backward", "one of the variables needed for gradient computation has been modified by an inplace operation: [%s %v]%s is at version %d; expected version %d instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).",
			legacyTypeName(s.t.dtype()), shapeStr(s.t.shape), which, v, s.version)
	}
	if c.create {
		return s.t
	}
	return s.t.Detach()
}

// needs reports whether input i of the node being applied needs a gradient (its Next entry is
// not nil). Backward rules skip the work for inputs that need none and return nil there, so a
// layer's input batch costs no gradient GEMM.
func (c *bctx) needs(i int) bool { return i < len(c.n.next) && c.n.next[i] != nil }

func legacyTypeName(d DType) string { return "torch." + dtypeShort(d) + "Tensor" }

// BackwardOption configures Backward and Grad.
type BackwardOption interface{ applyBackward(*backwardConfig) }

type backwardConfig struct {
	retain, create bool
	grads          []*Tensor
}

type backwardFunc func(*backwardConfig)

func (f backwardFunc) applyBackward(c *backwardConfig) { f(c) }

// RetainGraph keeps the saved tensors, so the graph can be walked again (retain_graph=True).
func RetainGraph() BackwardOption { return backwardFunc(func(c *backwardConfig) { c.retain = true }) }

// CreateGraph records the backward pass itself, for higher-order gradients (create_graph=True).
// It implies RetainGraph.
func CreateGraph() BackwardOption {
	return backwardFunc(func(c *backwardConfig) { c.create, c.retain = true, true })
}

// Gradient gives the gradient of the output(s) for a non-scalar Backward (y.backward(g)); with
// several outputs (Grad), pass one Gradient per output, in order.
func Gradient(g *Tensor) BackwardOption {
	return backwardFunc(func(c *backwardConfig) { c.grads = append(c.grads, g) })
}

// Backward computes the gradient of t with respect to every leaf that requires grad and
// accumulates it into their Grad (PyTorch's y.backward()). t must be a scalar unless a Gradient
// option is given. Without RetainGraph, the saved tensors are freed and a second backward through
// the same nodes fails.
func (t *Tensor) Backward(opts ...BackwardOption) {
	var c backwardConfig
	for _, o := range opts {
		o.applyBackward(&c)
	}
	runBackward("backward", []*Tensor{t}, c, nil)
}

// Grad computes and returns the gradients of outputs with respect to inputs without touching
// any tensor's Grad (the engine behind autograd.Grad, PyTorch's torch.autograd.grad). An input
// the outputs do not depend on gets a nil gradient.
func Grad(outputs, inputs []*Tensor, opts ...BackwardOption) []*Tensor {
	var c backwardConfig
	for _, o := range opts {
		o.applyBackward(&c)
	}
	if len(inputs) == 0 {
		fail(ErrAutograd, "grad", "grad requires at least one input")
	}
	for i, in := range inputs {
		notNil("grad", fmt.Sprintf("inputs[%d]", i), in)
		if !in.grad.requiresGrad {
			fail(ErrAutograd, "grad", "One of the differentiated Tensors does not require grad (input %d)", i)
		}
	}
	return runBackward("grad", outputs, c, inputs)
}

// runBackward is the engine: a dependency count over the reachable graph, then nodes in
// topological order (Kahn's algorithm, iterative, so deep graphs cannot overflow the stack).
// With capture non-nil it returns the gradients reaching those tensors instead of accumulating.
func runBackward(op string, roots []*Tensor, c backwardConfig, capture []*Tensor) []*Tensor {
	if len(c.grads) != 0 && len(c.grads) != len(roots) {
		fail(ErrAutograd, op, "grad_outputs should be a sequence of length %d, got %d", len(roots), len(c.grads))
	}
	pending := map[*Node]*Tensor{}
	var starts []*Node
	for i, r := range roots {
		if op == "backward" {
			notNil(op, "self", r)
		} else {
			notNil(op, fmt.Sprintf("outputs[%d]", i), r)
		}
		checkView(op, r)
		if !r.grad.requiresGrad {
			fail(ErrAutograd, op, "element %d of tensors does not require grad and does not have a grad_fn", i)
		}
		var g *Tensor
		if len(c.grads) > 0 && c.grads[i] != nil {
			g = c.grads[i]
			if !sameShape(g.shape, r.shape) {
				fail(ErrShape, op, "Mismatch in shape: grad_output[%d] has a shape of %v and output[%d] has a shape of %v.", i, Shape(g.shape), i, Shape(r.shape))
			}
			g = g.castTo(r.dtype())
		} else {
			if r.Numel() != 1 {
				fail(ErrAutograd, op, "grad can be implicitly created only for scalar outputs")
			}
			g = OnesLike(r)
		}
		n := r.gradNode()
		starts = append(starts, n)
		pending[n] = addGrad(pending[n], g)
	}
	deps := countDeps(starts)
	var want map[*Node]int
	var got []*Tensor
	if capture != nil {
		want = map[*Node]int{}
		got = make([]*Tensor, len(capture))
		for i, in := range capture {
			want[in.gradNode()] = i
		}
	}
	var ready []*Node
	for _, n := range starts {
		if deps[n] == 0 {
			ready = append(ready, n)
			deps[n] = -1 // queued once even if it is a root twice
		}
	}
	ctxs := &bctx{create: c.create}
	for len(ready) > 0 {
		n := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		g := pending[n]
		delete(pending, n)
		if i, ok := want[n]; ok {
			got[i] = g
		}
		grads := runNode(n, g, capture != nil, ctxs, c)
		for i, next := range n.next {
			if next == nil {
				continue
			}
			if i < len(grads) && grads[i] != nil {
				pending[next] = addGrad(pending[next], grads[i])
			}
			deps[next]--
			if deps[next] == 0 {
				ready = append(ready, next)
			}
		}
	}
	return got
}

// runNode applies one node: accumulate into a leaf, keep a retained gradient, or run the
// backward rule, then free the saved tensors unless the graph is retained.
func runNode(n *Node, g *Tensor, capturing bool, c *bctx, cfg backwardConfig) []*Tensor {
	if g == nil {
		return nil
	}
	if !cfg.create {
		g = g.Detach()
	}
	if n.variable != nil {
		if !capturing {
			n.variable.accumulate(g, cfg.create)
		}
		return nil
	}
	if !capturing {
		n.mu.Lock()
		retained := append([]*Tensor(nil), n.retained...)
		n.mu.Unlock()
		for _, t := range retained {
			t.accumulate(g, cfg.create)
		}
	}
	c.n = n
	grads := n.apply(c, g)
	if !cfg.retain {
		n.mu.Lock()
		if len(n.saved) > 0 {
			n.saved, n.released = nil, true
		}
		n.mu.Unlock()
	}
	return grads
}

// countDeps counts, for each node reachable from starts, how many edges point to it.
func countDeps(starts []*Node) map[*Node]int {
	deps := map[*Node]int{}
	seen := map[*Node]bool{}
	stack := append([]*Node(nil), starts...)
	for _, s := range starts {
		seen[s] = true
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, next := range n.next {
			if next == nil {
				continue
			}
			deps[next]++
			if !seen[next] {
				seen[next] = true
				stack = append(stack, next)
			}
		}
	}
	return deps
}

func addGrad(acc, g *Tensor) *Tensor {
	if acc == nil {
		return g
	}
	return acc.Add(g)
}

// accumulate adds g into t's gradient: in place when no graph is built, else out of place so
// the sum stays differentiable.
func (t *Tensor) accumulate(g *Tensor, create bool) {
	t.grad.mu.Lock()
	defer t.grad.mu.Unlock()
	if g.dtype() != t.dtype() {
		g = g.castTo(t.dtype())
	}
	switch {
	case t.grad.grad == nil && create:
		t.grad.grad = g
	case t.grad.grad == nil:
		t.grad.grad = g.copyLayout()
	case create || t.grad.grad.grad.requiresGrad:
		t.grad.grad = t.grad.grad.Add(g)
	default:
		addInto(t.grad.grad, g)
	}
}

// RequiresGrad reports whether autograd records operations on t.
func (t *Tensor) RequiresGrad() bool { return t.grad.requiresGrad }

// SetRequiresGrad turns gradient recording for a leaf on or off and returns t, so
// x := tensor.Ones(3).SetRequiresGrad(true) reads like PyTorch's requires_grad_().
func (t *Tensor) SetRequiresGrad(requires bool) *Tensor {
	if t.grad.fn != nil && !requires {
		fail(ErrAutograd, "requires_grad_", "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
	}
	if requires && !t.dtype().IsFloat() {
		fail(ErrDType, "requires_grad_", "only Tensors of floating point and complex dtype can require gradients")
	}
	t.grad.requiresGrad = requires
	return t
}

// IsLeaf reports whether t was made by the user rather than by a recorded op: tensors that do
// not require grad are leaves by convention, like PyTorch's is_leaf.
func (t *Tensor) IsLeaf() bool { return t.grad.fn == nil }

// GradFn returns the node that produced t, or nil for a leaf (PyTorch's grad_fn).
func (t *Tensor) GradFn() *Node { return t.grad.fn }

// Grad returns the gradient accumulated into t by backward passes, or nil. For a non-leaf it
// is nil, with PyTorch's warning on stderr, unless RetainGrad was called. Like Python's default
// warning filter, the warning shows once per call site, not on every read (see gradwarn.go).
func (t *Tensor) Grad() *Tensor {
	t.grad.mu.Lock()
	defer t.grad.mu.Unlock()
	if t.grad.fn != nil && !t.grad.retains && t.grad.grad == nil {
		t.warnNonLeafGrad()
	}
	return t.grad.grad
}

// SetGrad replaces t's gradient (nil clears it), as an optimizer or autograd/ may need.
func (t *Tensor) SetGrad(g *Tensor) {
	if g != nil && !sameShape(g.shape, t.shape) {
		fail(ErrShape, "grad", "assigned grad has data of a different size: %v, expected %v", Shape(g.shape), Shape(t.shape))
	}
	t.grad.mu.Lock()
	t.grad.grad = g
	t.grad.mu.Unlock()
}

// RetainGrad asks that backward keep the gradient of a non-leaf tensor (h.retain_grad()).
// On a leaf it does nothing.
func (t *Tensor) RetainGrad() {
	if !t.grad.requiresGrad {
		fail(ErrAutograd, "retain_grad", "can't retain_grad on Tensor that has requires_grad=False")
	}
	t.grad.mu.Lock()
	if t.grad.fn == nil || t.grad.retains {
		t.grad.mu.Unlock()
		return
	}
	t.grad.retains = true
	t.grad.mu.Unlock()
	n := t.grad.fn
	n.mu.Lock()
	n.retained = append(n.retained, t)
	n.mu.Unlock()
}

// ZeroGrad sets t's accumulated gradient to zeros in place (x.grad.zero_()); nil stays nil.
func (t *Tensor) ZeroGrad() {
	t.grad.mu.Lock()
	g := t.grad.grad
	t.grad.mu.Unlock()
	if g != nil {
		g.Detach().Zero_()
	}
}

// Detach returns a view of t's storage that is cut from the graph and does not require grad.
// It shares t's version counter: in-place changes to either are seen by autograd.
func (t *Tensor) Detach() *Tensor {
	return &Tensor{st: t.st, shape: t.shape, strides: t.strides, offset: t.offset, wrapped: t.wrapped}
}

// RetainsGrad reports whether t is a non-leaf whose gradient backward keeps because RetainGrad
// was called (PyTorch's retains_grad); it is false for leaves.
func (t *Tensor) RetainsGrad() bool {
	t.grad.mu.Lock()
	defer t.grad.mu.Unlock()
	return t.grad.retains
}

// IsWrappedNumber reports whether t is a Go number that an op wrapped as a 0-dim tensor (the 2
// of x.Mul(2)), as a graph renderer may find it among a node's saved tensors.
func (t *Tensor) IsWrappedNumber() bool { return t.wrapped }

// SetData makes t view u's data (storage, shape, strides, device and dtype), keeping t's own
// identity: its requires-grad flag, leaf status, name and gradient (PyTorch's x.data = u).
// Modules move their parameters this way, so an optimizer holding them sees the moved tensors.
// It records nothing for autograd; t must be a leaf, and one that requires grad needs a
// floating u. It returns t.
func (t *Tensor) SetData(u *Tensor) *Tensor {
	notNil("set_data", "self", t)
	notNil("set_data", "data", u)
	if t.grad.fn != nil {
		fail(ErrAutograd, "set_data", "set_data is only supported on leaf tensors; call Detach() on a computed tensor first")
	}
	if t.grad.requiresGrad && !u.dtype().IsFloat() {
		fail(ErrDType, "set_data", "only Tensors of floating point and complex dtype can require gradients (got %v data)", u.dtype())
	}
	t.st, t.shape, t.strides, t.offset, t.base = u.st, u.shape, u.strides, u.offset, u.base
	t.wrapped = false
	return t
}

// Name returns the name given with SetName ("" if none), used by graph renderers.
func (t *Tensor) Name() string { return t.grad.name }

// SetName names t for graph renderers and returns t.
func (t *Tensor) SetName(name string) *Tensor {
	t.grad.name = name
	return t
}

func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var _ = fmt.Sprint
