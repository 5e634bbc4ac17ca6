package autograd

import (
	"fmt"
	"strconv"
	"strings"

	"gotensor/tensor"
	"gotensor/viz"
)

// NodeKind says what a GraphNode stands for.
type NodeKind string

// The kinds of graph nodes, named as in torchviz.
const (
	OpNode     NodeKind = "op"     // a backward function, such as "MulBackward0"
	LeafNode   NodeKind = "leaf"   // a leaf tensor that requires grad (reached through AccumulateGrad)
	SavedNode  NodeKind = "saved"  // a tensor an op saved for its backward rule
	OutputNode NodeKind = "output" // the tensor the graph was taken from
)

// EdgeKind says how two graph nodes are joined.
type EdgeKind string

// The kinds of graph edges.
const (
	InputEdge EdgeKind = "input" // From's value is an input of To (To's Next, in PyTorch terms)
	SavedEdge EdgeKind = "saved" // To's backward rule reads the saved tensor From
)

// GraphNode is one node of an exported graph. Tensor fields are empty for op nodes.
type GraphNode struct {
	ID           int       `json:"id"`                      // its index in GraphData.Nodes
	Kind         NodeKind  `json:"kind"`                    // op, leaf, saved or output
	Op           string    `json:"op,omitempty"`            // an op node's backward function; the output's grad_fn
	Name         string    `json:"name,omitempty"`          // a tensor's SetName, if any
	Slot         string    `json:"slot,omitempty"`          // a saved tensor's slot in its op, such as "self" or "other"
	Shape        []int     `json:"shape,omitempty"`         // a tensor's shape ([] for a scalar)
	DType        string    `json:"dtype,omitempty"`         // a tensor's dtype, such as "float32"
	RequiresGrad bool      `json:"requires_grad,omitempty"` // whether the tensor requires grad
	Values       []float64 `json:"values,omitempty"`        // a small tensor's elements, row-major
	Grad         []float64 `json:"grad,omitempty"`          // a small leaf's accumulated gradient, if any
}

// GraphEdge joins two nodes by their IDs, in the direction values flow in the forward pass:
// a leaf or saved tensor to the op that uses it, an op to the op consuming its result, the last
// op to the output.
type GraphEdge struct {
	From int      `json:"from"` // the node whose value flows
	To   int      `json:"to"`   // the node that uses it
	Kind EdgeKind `json:"kind"` // input or saved
	Arg  int      `json:"arg"`  // position among To's inputs (Next) or saved tensors
}

// GraphData is the autograd graph behind a tensor as plain data: nodes and edges in a
// deterministic order (breadth first from the output; each op's inputs in argument order, then
// its saved tensors). It renders itself: String gives an indented op tree, MIMEBundle an SVG
// drawing for a notebook cell, DOT Graphviz source. It is a snapshot: later backward passes
// do not change it.
type GraphData struct {
	Nodes []GraphNode `json:"nodes"` // Nodes[i].ID == i; the output is Nodes[0]
	Edges []GraphEdge `json:"edges"`
}

// GraphOptions configures GraphWithOptions. The zero value works.
type GraphOptions struct {
	// MaxValues is the largest tensor, in elements, whose values and gradient are copied into
	// the graph; default 4. Negative copies none.
	MaxValues int
}

// Graph exports the computation graph that produced y: one op node per recorded backward
// function reachable from y.GradFn(), a leaf node per leaf that requires grad, a saved node per
// tensor saved for backward (none after a backward pass without RetainGraph freed them), and
// y as the output node. A y without GradFn gives a one-node graph.
//
// In a notebook, a cell ending in autograd.Graph(y) draws the graph; fmt.Println prints it as
// an op tree.
func Graph(y *tensor.Tensor) *GraphData { return GraphWithOptions(y, GraphOptions{}) }

// GraphWithOptions is Graph with options.
func GraphWithOptions(y *tensor.Tensor, opts GraphOptions) *GraphData {
	if y == nil {
		panic(&tensor.Error{Kind: tensor.ErrValue, Op: "Graph", Msg: "autograd.Graph: nil tensor"})
	}
	if opts.MaxValues == 0 {
		opts.MaxValues = 4
	}
	b := graphBuilder{g: &GraphData{}, maxValues: opts.MaxValues, ops: map[*tensor.Node]int{}, saved: map[*tensor.Tensor]int{}}
	out := b.tensorNode(OutputNode, y)
	root := y.GradFn()
	if root == nil {
		return b.g
	}
	b.edge(b.op(root), out, InputEdge, 0)
	for len(b.queue) > 0 {
		n := b.queue[0]
		b.queue = b.queue[1:]
		id := b.ops[n]
		for i, next := range n.Next() {
			if next != nil {
				b.edge(b.op(next), id, InputEdge, i)
			}
		}
		slots := n.SavedNames()
		for i, s := range n.Saved() {
			// A Go number the op wrapped as a tensor (the 3 of x.Mul(3)) is a constant, not a
			// tensor of the user's: PyTorch keeps such scalars out of the graph too.
			if s == nil || s.IsWrappedNumber() {
				continue
			}
			sid, ok := b.saved[s]
			if !ok {
				sid = b.tensorNode(SavedNode, s)
				if i < len(slots) {
					b.g.Nodes[sid].Slot = slots[i]
				}
				b.saved[s] = sid
			}
			b.edge(sid, id, SavedEdge, i)
		}
	}
	return b.g
}

type graphBuilder struct {
	g         *GraphData
	maxValues int
	ops       map[*tensor.Node]int
	saved     map[*tensor.Tensor]int
	queue     []*tensor.Node
}

// op returns the ID of the node for n, adding it (and queueing its inputs) on first sight.
// An AccumulateGrad node becomes a leaf node for its variable.
func (b *graphBuilder) op(n *tensor.Node) int {
	if id, ok := b.ops[n]; ok {
		return id
	}
	var id int
	if v := n.Variable(); v != nil {
		id = b.tensorNode(LeafNode, v)
	} else {
		id = len(b.g.Nodes)
		b.g.Nodes = append(b.g.Nodes, GraphNode{ID: id, Kind: OpNode, Op: n.Name()})
	}
	b.ops[n] = id
	b.queue = append(b.queue, n)
	return id
}

func (b *graphBuilder) edge(from, to int, kind EdgeKind, arg int) {
	b.g.Edges = append(b.g.Edges, GraphEdge{From: from, To: to, Kind: kind, Arg: arg})
}

// tensorNode adds a node describing t. Only a leaf's gradient is read: asking a non-leaf for
// its Grad prints PyTorch's warning.
func (b *graphBuilder) tensorNode(kind NodeKind, t *tensor.Tensor) int {
	id := len(b.g.Nodes)
	n := GraphNode{ID: id, Kind: kind, Name: t.Name(), Shape: append([]int{}, t.Shape()...),
		DType: strings.TrimPrefix(t.DType().String(), "torch."), RequiresGrad: t.RequiresGrad()}
	if fn := t.GradFn(); fn != nil && kind == OutputNode {
		n.Op = fn.Name()
	}
	if b.maxValues >= 0 && t.Numel() <= b.maxValues {
		_ = tensor.Maybe(func() { // values of a tensor on a lost device are left out, not fatal
			n.Values = t.Detach().Float64s()
			if t.IsLeaf() {
				if g := t.Grad(); g != nil {
					n.Grad = g.Detach().Float64s()
				}
			}
		})
	}
	b.g.Nodes = append(b.g.Nodes, n)
	return id
}

// Viz converts the graph to the renderer's generic form (torchviz's colours: ops grey, leaves
// blue, saved tensors orange, the output green).
func (g *GraphData) Viz() *viz.Graph {
	v := &viz.Graph{Nodes: make([]viz.Node, len(g.Nodes)), Edges: make([]viz.Edge, len(g.Edges))}
	for i, n := range g.Nodes {
		v.Nodes[i] = viz.Node{ID: "n" + strconv.Itoa(n.ID), Kind: vizKind[n.Kind], Label: n.label(), Detail: n.detail(), Tooltip: n.tooltip()}
	}
	for i, e := range g.Edges {
		v.Edges[i] = viz.Edge{From: "n" + strconv.Itoa(e.From), To: "n" + strconv.Itoa(e.To)}
	}
	return v
}

var vizKind = map[NodeKind]viz.NodeKind{OpNode: viz.OpNode, LeafNode: viz.LeafNode, SavedNode: viz.SavedNode, OutputNode: viz.OutputNode}

// label is a node's first line: the op, or the tensor's name (else a saved tensor's slot, else
// its kind).
func (n *GraphNode) label() string {
	switch {
	case n.Kind == OpNode:
		return n.Op
	case n.Name != "":
		return n.Name
	case n.Slot != "":
		return n.Slot
	}
	return string(n.Kind)
}

// detail is a tensor node's further lines: shape (and dtype unless float32), then small values
// and gradient.
func (n *GraphNode) detail() string {
	if n.Kind == OpNode {
		return ""
	}
	d := formatShape(n.Shape)
	if n.DType != "float32" {
		d += " " + n.DType
	}
	if n.Values != nil {
		d += "\ndata " + formatValues(n.Values, len(n.Shape) == 0)
	}
	if n.Grad != nil {
		d += "\ngrad " + formatValues(n.Grad, len(n.Shape) == 0)
	}
	return d
}

func (n *GraphNode) tooltip() string {
	if n.Kind == OpNode {
		return n.Op
	}
	s := string(n.Kind) + " " + n.label() + " " + formatShape(n.Shape) + " " + n.DType
	if n.RequiresGrad {
		s += " requires_grad"
	}
	if n.Kind == OutputNode && n.Op != "" {
		s += " grad_fn=<" + n.Op + ">"
	}
	return s
}

// formatShape writes a shape PyTorch's tuple way: (2, 3), (5,), ().
func formatShape(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func formatValues(v []float64, scalar bool) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', 4, 64)
	}
	if scalar && len(parts) == 1 {
		return parts[0]
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// String renders the graph as an indented op tree, the output first and each node's inputs
// below it; a node reached twice prints "(see above)" the second time.
func (g *GraphData) String() string { return strings.TrimRight(g.Viz().Text(), "\n") }

// Text is String, for symmetry with the other renderers.
func (g *GraphData) Text() string { return g.String() }

// SVG draws the graph as a self-contained SVG document.
func (g *GraphData) SVG() (string, error) {
	s, err := g.Viz().SVG()
	if err != nil {
		return "", fmt.Errorf("autograd graph: %w", err)
	}
	return s, nil
}

// DOT renders the graph as Graphviz source in torchviz's style.
func (g *GraphData) DOT() (string, error) {
	s, err := g.Viz().DOT()
	if err != nil {
		return "", fmt.Errorf("autograd graph: %w", err)
	}
	return s, nil
}

// MIMEBundle is what a notebook cell ending in the graph shows: image/svg+xml with the op tree
// as text/plain (display.MIMEBundler). GraphData has no HTML method on purpose, so the drawing
// is not sent twice; Viz().HTML() gives it wrapped in a scrollable box.
func (g *GraphData) MIMEBundle() map[string]any { return g.Viz().MIMEBundle() }
