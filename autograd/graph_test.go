package autograd_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"gotensor/autograd"
	"gotensor/display"
	"gotensor/tensor"
)

// seedGraph builds the seed tutorial's kind of graph: loss = sum((x·w + b)²).
func seedGraph() (x, w, b, loss *tensor.Tensor) {
	x = tensor.New([]float64{1, 2}).SetName("x").SetRequiresGrad(true)
	w = tensor.New([]float64{3, 4}, tensor.RequiresGrad()).SetName("w")
	b = tensor.New(0.5, tensor.RequiresGrad())
	loss = x.Mul(w).Add(b).Pow(2).Sum().SetName("loss")
	return
}

func TestGraphData(t *testing.T) {
	_, _, _, loss := seedGraph()
	var warnings bytes.Buffer
	tensor.Warnings = &warnings
	defer func() { tensor.Warnings = nil }()
	g := autograd.Graph(loss)
	if warnings.Len() > 0 {
		t.Errorf("Graph(loss) printed a warning (it must not read a non-leaf's Grad): %q", warnings.String())
	}
	type node struct {
		kind  autograd.NodeKind
		label string
		shape string
	}
	want := []node{
		{autograd.OutputNode, "loss", "[]"},
		{autograd.OpNode, "SumBackward0", "[]"},
		{autograd.OpNode, "PowBackward0", "[]"},
		{autograd.OpNode, "AddBackward0", "[]"},
		{autograd.SavedNode, "", "[2]"}, // Pow saved its input x·w + b
		{autograd.OpNode, "MulBackward0", "[]"},
		{autograd.LeafNode, "", "[]"}, // b
		{autograd.LeafNode, "x", "[2]"},
		{autograd.LeafNode, "w", "[2]"},
		{autograd.SavedNode, "x", "[2]"},
		{autograd.SavedNode, "w", "[2]"},
	}
	if len(g.Nodes) != len(want) {
		t.Fatalf("Graph(loss) has %d nodes, want %d:\n%v", len(g.Nodes), len(want), g)
	}
	for i, n := range g.Nodes {
		label := n.Name
		if n.Kind == autograd.OpNode {
			label = n.Op
		}
		got := node{n.Kind, label, fmt.Sprint(n.Shape)}
		if n.ID != i || got != want[i] {
			t.Errorf("Graph(loss).Nodes[%d] = %d %v, want %d %v", i, n.ID, got, i, want[i])
		}
	}
	edges := make([]string, len(g.Edges))
	for i, e := range g.Edges {
		edges[i] = fmt.Sprintf("%d->%d %s %d", e.From, e.To, e.Kind, e.Arg)
	}
	wantEdges := "1->0 input 0, 2->1 input 0, 3->2 input 0, 4->2 saved 0, 5->3 input 0, 6->3 input 1, 7->5 input 0, 8->5 input 1, 9->5 saved 0, 10->5 saved 1"
	if got := strings.Join(edges, ", "); got != wantEdges {
		t.Errorf("Graph(loss).Edges = %s, want %s", got, wantEdges)
	}
	out, leafX := g.Nodes[0], g.Nodes[7]
	if out.Op != "SumBackward0" || out.DType != "float32" || !out.RequiresGrad || fmt.Sprint(out.Values) != "[84.5]" {
		t.Errorf("output node = %+v, want op SumBackward0, float32, requires grad, values [84.5]", out)
	}
	if fmt.Sprint(leafX.Values) != "[1 2]" || leafX.Grad != nil {
		t.Errorf("leaf x before backward: values %v grad %v, want [1 2] and no grad", leafX.Values, leafX.Grad)
	}
}

func TestGraphAfterBackward(t *testing.T) {
	x, _, _, loss := seedGraph()
	loss.Backward()
	g := autograd.Graph(loss)
	for _, n := range g.Nodes {
		if n.Kind == autograd.SavedNode {
			t.Errorf("Graph after a backward that freed the graph still shows saved tensor %+v", n)
		}
	}
	// (x·w + b) = [3.5, 8.5]; d loss/dx = 2 (x·w + b) w = [21, 68].
	var found bool
	for _, n := range g.Nodes {
		if n.Kind == autograd.LeafNode && n.Name == "x" {
			found = true
			if fmt.Sprint(n.Grad) != "[21 68]" {
				t.Errorf("leaf x grad in graph = %v, want [21 68] (x.Grad() = %v)", n.Grad, x.Grad())
			}
		}
	}
	if !found {
		t.Fatalf("Graph after backward lost leaf x:\n%v", g)
	}
}

func TestGraphSmallCases(t *testing.T) {
	tests := []struct {
		name string
		y    func() *tensor.Tensor
		want string // String()
	}{
		{"plain_tensor", func() *tensor.Tensor { return tensor.New([]float64{1, 2}) }, "output (2,); data [1, 2]"},
		{"leaf", func() *tensor.Tensor { return tensor.New(2.0, tensor.RequiresGrad()).SetName("a") }, "a (); data 2"},
		{"big_values_left_out", func() *tensor.Tensor {
			return tensor.Ones(3, 4, tensor.Float64, tensor.RequiresGrad()).SetName("x").Exp().Neg()
		}, "output (3, 4) float64\n└─ NegBackward0\n   └─ ExpBackward0\n      ├─ x [leaf] (3, 4) float64\n      ├─ x [saved] (3, 4) float64\n      └─ result [saved] (3, 4) float64"},
		{"shared_input", func() *tensor.Tensor {
			a := tensor.New(3.0, tensor.RequiresGrad()).SetName("a")
			return a.Add(a).Add(a)
		}, "output (); data 9\n└─ AddBackward0\n   ├─ AddBackward0\n   │  ├─ a [leaf] (); data 3\n   │  └─ a [leaf] (); data 3\n   └─ a [leaf] (); data 3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := autograd.Graph(tc.y()).String(); got != tc.want {
				t.Errorf("Graph(%s).String() =\n%s\nwant\n%s", tc.name, got, tc.want)
			}
		})
	}
	if err := tensor.Maybe(func() { autograd.Graph(nil) }); err == nil || !strings.Contains(err.Error(), "nil tensor") {
		t.Errorf("Graph(nil) error = %v, want a nil-tensor error", err)
	}
}

func TestGraphRenders(t *testing.T) {
	_, _, _, loss := seedGraph()
	g := autograd.Graph(loss)
	b := display.Bundle(g) // what the runtime calls for a cell's result
	svg, _ := b["image/svg+xml"].(string)
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "MulBackward0") || !strings.Contains(svg, ">x<") {
		t.Errorf("display.Bundle(Graph(loss))[image/svg+xml] = %.200q..., want an SVG naming MulBackward0 and x", svg)
	}
	if b["text/plain"] != g.String() {
		t.Errorf("display.Bundle(Graph(loss))[text/plain] = %q, want String() %q", b["text/plain"], g.String())
	}
	if _, ok := b["text/html"]; ok {
		t.Errorf("display.Bundle(Graph(loss)) has text/html, want the drawing sent once, as SVG")
	}
	dot, err := g.DOT()
	if err != nil || !strings.HasPrefix(dot, "digraph {") || !strings.Contains(dot, "PowBackward0") {
		t.Errorf("Graph(loss).DOT() = %.80q, %v; want Graphviz source naming PowBackward0", dot, err)
	}
	raw, err := json.Marshal(g)
	if err != nil {
		t.Fatalf("json.Marshal(Graph(loss)) = %v", err)
	}
	var back autograd.GraphData
	if err := json.Unmarshal(raw, &back); err != nil || back.String() != g.String() {
		t.Errorf("Graph(loss) through JSON = %v (err %v), want the same graph", back.String(), err)
	}
}

// TestGraphDeep exports a long chain: the walk is iterative and linear.
func TestGraphDeep(t *testing.T) {
	x := tensor.New(1.0, tensor.RequiresGrad())
	y := x
	const n = 20000
	for i := 0; i < n; i++ {
		y = y.Mul(1.0001)
	}
	start := time.Now()
	g := autograd.Graph(y)
	ops := 0
	for _, nd := range g.Nodes {
		if nd.Kind == autograd.OpNode {
			ops++
		}
	}
	if ops != n {
		t.Errorf("Graph(chain of %d) has %d op nodes, want %d", n, ops, n)
	}
	t.Logf("Graph(chain of %d ops): %d nodes, %d edges in %v", n, len(g.Nodes), len(g.Edges), time.Since(start))
	start = time.Now()
	if s := g.String(); !strings.Contains(s, "MulBackward0") {
		t.Errorf("Graph(chain).String() lacks MulBackward0")
	}
	t.Logf("String: %v", time.Since(start))
}

func ExampleGraph() {
	x := tensor.New(2.0, tensor.RequiresGrad()).SetName("x")
	y := x.Pow(3).Add(x.Mul(5)).SetName("y")
	y.Backward()
	fmt.Println(autograd.Graph(y))
	// Output:
	// y (); data 18
	// └─ AddBackward0
	//    ├─ PowBackward0
	//    │  └─ x [leaf] (); data 2; grad 17
	//    └─ MulBackward0
	//       └─ x [leaf] (); data 2; grad 17
}

// A Go number an op wraps as a tensor is no node of the graph; a saved tensor without a name is
// labelled by its slot in the op.
func TestGraphSavedSlots(t *testing.T) {
	x := tensor.New([]float64{1, 2}, tensor.RequiresGrad()).SetName("x")
	w := tensor.New([]float64{3, 4}, tensor.RequiresGrad())
	y := x.Mul(3).Mul(w).Sum()
	g := autograd.Graph(y)
	var slots []string
	for _, n := range g.Nodes {
		if n.Kind == autograd.SavedNode {
			slots = append(slots, n.Slot)
			if n.DType == "int64" {
				t.Errorf("Graph(x.Mul(3).Mul(w).Sum()) has the wrapped number 3 as a saved node: %+v", n)
			}
		}
	}
	// As in PyTorch 1.13: x*3 saves only other (the wrapped 3, hidden); (x*3)*w saves self and
	// other (python3 -c '... (x*3).grad_fn._saved_self' is None).
	if got, want := strings.Join(slots, ","), "self,other"; got != want {
		t.Errorf("Graph(x.Mul(3).Mul(w).Sum()) saved slots = %q, want %q\n%s", got, want, g)
	}
	for _, want := range []string{"self [saved]", "other [saved]"} {
		if !strings.Contains(g.String(), want) {
			t.Errorf("Graph(...).String() lacks %q:\n%s", want, g)
		}
	}
}
