package viz

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

// seedGraph is the backward graph of the seed tutorial's Q = 3*a**3 - b**2 with a requiring grad,
// as autograd.Graph would export it after Q.backward(gradient).
func seedGraph() *Graph {
	return &Graph{
		Nodes: []Node{
			{ID: "Q", Kind: OutputNode, Label: "Q", Detail: "(2,)"},
			{ID: "sub", Kind: OpNode, Label: "SubBackward0"},
			{ID: "mul", Kind: OpNode, Label: "MulBackward0"},
			{ID: "pow", Kind: OpNode, Label: "PowBackward0"},
			{ID: "saved", Kind: SavedNode, Label: "self", Detail: "(2,)"},
			{ID: "a", Kind: LeafNode, Label: "a", Detail: "(2,)\ndata [2, 3]\ngrad [36, 81]", Tooltip: "a: leaf, requires_grad"},
		},
		Edges: []Edge{{"sub", "Q"}, {"mul", "sub"}, {"pow", "mul"}, {"a", "pow"}, {"saved", "pow"}},
	}
}

// chainGraph builds an MLP-like backward graph of about n nodes: per block a matmul with a weight leaf and a
// saved input, a bias add, a ReLU with its saved result, and every fifth block a residual add reaching three
// blocks back, so long edges need dummy nodes.
func chainGraph(n int) *Graph {
	g := &Graph{}
	add := func(id string, k NodeKind, label, detail string) string {
		g.Nodes = append(g.Nodes, Node{ID: id, Kind: k, Label: label, Detail: detail})
		return id
	}
	prev := add("x", LeafNode, "x", "(64, 128)")
	var outs []string
	for b := 0; len(g.Nodes) < n-1; b++ {
		w := add(fmt.Sprint("W", b), LeafNode, fmt.Sprint("W", b), "(128, 128)")
		s := add(fmt.Sprint("s", b), SavedNode, "mat1", "(64, 128)")
		mm := add(fmt.Sprint("mm", b), OpNode, "MmBackward0", "")
		bias := add(fmt.Sprint("b", b), LeafNode, fmt.Sprint("b", b), "(128,)")
		ad := add(fmt.Sprint("add", b), OpNode, "AddBackward0", "")
		re := add(fmt.Sprint("relu", b), OpNode, "ReluBackward0", "")
		g.Edges = append(g.Edges, Edge{prev, mm}, Edge{w, mm}, Edge{s, mm}, Edge{mm, ad}, Edge{bias, ad}, Edge{ad, re})
		prev = re
		if b%5 == 4 && len(outs) >= 3 {
			res := add(fmt.Sprint("res", b), OpNode, "AddBackward0", "")
			g.Edges = append(g.Edges, Edge{re, res}, Edge{outs[len(outs)-3], res})
			prev = res
		}
		outs = append(outs, prev)
	}
	add("y", OutputNode, "y", "(64, 128)")
	g.Edges = append(g.Edges, Edge{prev, "y"})
	return g
}

// svgCounts parses svg with encoding/xml and counts its elements by name.
func svgCounts(t *testing.T, svg string) (map[string]int, []string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	counts := map[string]int{}
	var titles []string
	inTitle := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return counts, titles
		}
		if err != nil {
			t.Fatalf("SVG does not parse as XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			counts[tok.Name.Local]++
			inTitle = tok.Name.Local == "title"
		case xml.CharData:
			if inTitle {
				titles = append(titles, string(tok))
			}
		case xml.EndElement:
			inTitle = false
		}
	}
}

func TestGraphSVG(t *testing.T) {
	tests := []struct {
		name          string
		g             *Graph
		golden        string
		rects, arrows int // boxes, and arrowheads (edges less saved ones)
		titles        []string
	}{
		{"seed", seedGraph(), "graph_seed.svg", 6, 4,
			[]string{"output: Q\n(2,)", "op: PowBackward0", "leaf: a: leaf, requires_grad", "saved: self\n(2,)", "a → PowBackward0"}},
		{"single node", &Graph{Nodes: []Node{{ID: "x", Kind: LeafNode, Label: "x"}}}, "", 1, 0, []string{"leaf: x"}},
		{"empty", &Graph{}, "", 0, 0, nil},
		{"cycle", &Graph{Nodes: []Node{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}}, Edges: []Edge{{"a", "b"}, {"b", "a"}, {"a", "a"}}},
			"", 2, 2, []string{"A → B", "B → A"}},
		{"escaping", &Graph{Nodes: []Node{{ID: "<", Label: "a<b & \"c\"", Detail: "x>y"}}}, "", 1, 0, []string{"op: a<b & \"c\"\nx>y"}},
		{"chain 200", chainGraph(200), "", 200, -1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg, err := tt.g.SVG()
			if err != nil {
				t.Fatalf("SVG() error %v", err)
			}
			counts, titles := svgCounts(t, svg)
			if counts["svg"] != 1 || counts["rect"] != tt.rects {
				t.Errorf("SVG() has %d <svg> and %d <rect>, want 1 and %d", counts["svg"], counts["rect"], tt.rects)
			}
			if tt.arrows >= 0 && counts["polygon"] != tt.arrows {
				t.Errorf("SVG() has %d arrowheads, want %d", counts["polygon"], tt.arrows)
			}
			for _, want := range tt.titles {
				if !contains(titles, want) {
					t.Errorf("SVG() titles = %q, want one %q", titles, want)
				}
			}
			if tt.golden != "" {
				checkGolden(t, tt.golden, svg)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		name string
		g    *Graph
		want string
	}{
		{"duplicate id", &Graph{Nodes: []Node{{ID: "a"}, {ID: "a"}}}, `graph: node id "a" used twice`},
		{"unknown from", &Graph{Nodes: []Node{{ID: "a"}}, Edges: []Edge{{"z", "a"}}}, `graph: edge "z" -> "a": no node "z"`},
		{"unknown to", &Graph{Nodes: []Node{{ID: "a"}}, Edges: []Edge{{"a", "q"}}}, `graph: edge "a" -> "q": no node "q"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.g.SVG(); err == nil || err.Error() != tt.want {
				t.Errorf("SVG() error = %v, want %q", err, tt.want)
			}
			if _, err := tt.g.DOT(); err == nil || err.Error() != tt.want {
				t.Errorf("DOT() error = %v, want %q", err, tt.want)
			}
			if got := tt.g.Text(); got != tt.want {
				t.Errorf("Text() = %q, want %q", got, tt.want)
			}
			if got := tt.g.MIMEBundle(); got["text/plain"] != tt.want || got["image/svg+xml"] != nil {
				t.Errorf("MIMEBundle() = %v, want only text/plain %q", got, tt.want)
			}
		})
	}
}

func TestGraphText(t *testing.T) {
	diamond := &Graph{
		Nodes: []Node{{ID: "y", Kind: OutputNode, Label: "y"}, {ID: "add", Label: "AddBackward0"},
			{ID: "m1", Label: "MulBackward0"}, {ID: "x", Kind: LeafNode, Label: "x", Detail: "(3,)"}},
		Edges: []Edge{{"add", "y"}, {"m1", "add"}, {"x", "add"}, {"x", "m1"}, {"x", "m1"}},
	}
	tests := []struct {
		name string
		g    *Graph
		want string
	}{
		{"seed", seedGraph(), "Q (2,)\n" +
			"└─ SubBackward0\n" +
			"   └─ MulBackward0\n" +
			"      └─ PowBackward0\n" +
			"         ├─ a [leaf] (2,); data [2, 3]; grad [36, 81]\n" +
			"         └─ self [saved] (2,)\n"},
		{"shared input", diamond, "y\n└─ AddBackward0\n   ├─ MulBackward0\n   │  ├─ x [leaf] (3,)\n   │  └─ x [leaf] (3,)\n   └─ x [leaf] (3,)\n"},
		{"two outputs", &Graph{Nodes: []Node{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}}}, "A\nB\n"},
		{"cycle", &Graph{Nodes: []Node{{ID: "a", Label: "A"}, {ID: "b", Label: "B"}}, Edges: []Edge{{"a", "b"}, {"b", "a"}}},
			"A\n└─ B\n   └─ A (see above)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.g.Text(); got != tt.want {
				t.Errorf("Text() = \n%s, want\n%s", got, tt.want)
			}
		})
	}
}

func TestGraphTextDeepChainIsLinear(t *testing.T) {
	g := &Graph{}
	for i := 0; i < 5000; i++ {
		g.Nodes = append(g.Nodes, Node{ID: fmt.Sprint(i), Label: "Op"})
		if i > 0 {
			g.Edges = append(g.Edges, Edge{fmt.Sprint(i), fmt.Sprint(i - 1)})
		}
	}
	text := g.Text()
	if lines := strings.Count(text, "\n"); lines != 5000 {
		t.Errorf("Text() of a 5000-op chain has %d lines, want 5000", lines)
	}
	if len(text) > 5000*(maxTextDepth*3+10) {
		t.Errorf("Text() of a 5000-op chain is %d bytes, want indentation capped", len(text))
	}
}

func TestGraphDOT(t *testing.T) {
	dot, err := seedGraph().DOT()
	if err != nil {
		t.Fatalf("DOT() error %v", err)
	}
	checkGolden(t, "graph_seed.dot", dot)
	for _, want := range []string{`"a" -> "pow";`, `"saved" -> "pow" [style=dashed, arrowhead=none];`,
		`label="a\n(2,)\ndata [2, 3]\ngrad [36, 81]"`, `fillcolor="#add8e6"`} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT() lacks %s:\n%s", want, dot)
		}
	}
}

func TestLayoutProperties(t *testing.T) {
	g := chainGraph(300)
	x, err := g.index()
	if err != nil {
		t.Fatal(err)
	}
	l := newLayout(x)
	for _, e := range x.edges { // every edge points down the page
		if l.layer[e[0]] >= l.layer[e[1]] {
			t.Errorf("edge %s -> %s goes from layer %d to %d", g.Nodes[e[0]].ID, g.Nodes[e[1]].ID, l.layer[e[0]], l.layer[e[1]])
		}
	}
	for li, ly := range l.layers { // boxes in a layer keep their order and do not overlap
		for i := 1; i < len(ly); i++ {
			a, b := ly[i-1], ly[i]
			if l.x[a]+l.w[a]/2+gapX-1e-6 > l.x[b]-l.w[b]/2 {
				t.Errorf("layer %d: nodes %d and %d overlap (%.1f+%.1f vs %.1f-%.1f)", li, a, b, l.x[a], l.w[a]/2, l.x[b], l.w[b]/2)
			}
		}
	}
	if c := l.crossings(); c > 10 {
		t.Errorf("chain layout has %d crossings, want at most 10", c)
	}
}

func BenchmarkGraphSVG2000(b *testing.B) {
	g := chainGraph(2000)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		svg, err := g.SVG()
		if err != nil {
			b.Fatal(err)
		}
		size = len(svg)
	}
	b.ReportMetric(float64(size), "bytes/svg")
}
