package viz

import (
	"fmt"
	"strings"
)

// NodeKind says what a graph node stands for; it picks the node's colour (torchviz's scheme) and text form.
type NodeKind int

const (
	// OpNode is a backward function, such as "MulBackward0" (grey).
	OpNode NodeKind = iota
	// LeafNode is a leaf tensor: an input or a parameter, with its name and shape (light blue).
	LeafNode
	// SavedNode is a tensor an op saved for its backward pass (orange); its edge to the op is dashed.
	SavedNode
	// OutputNode is the tensor the graph was taken from (light green).
	OutputNode
)

// String returns "op", "leaf", "saved" or "output".
func (k NodeKind) String() string {
	switch k {
	case OpNode:
		return "op"
	case LeafNode:
		return "leaf"
	case SavedNode:
		return "saved"
	case OutputNode:
		return "output"
	}
	return fmt.Sprintf("NodeKind(%d)", int(k))
}

// Node is one box of a computation graph.
type Node struct {
	ID      string   // unique within the graph; any string (autograd can use pointer addresses)
	Kind    NodeKind // what it stands for
	Label   string   // first line, in bold: the op's name or the tensor's name
	Detail  string   // further lines, split on '\n': a shape, or small values and grads ("data 2.0 | grad 4.0")
	Tooltip string   // hover text (an SVG <title>); empty uses Label and Detail
}

// Edge says that From feeds To: a leaf or saved tensor points at the op that uses it, an op at the op that
// consumes its result, the last op at the output. Drawn top to bottom, inputs first, as torchviz does.
type Edge struct {
	From, To string
}

// Graph is a plain computation graph to render. Build it by appending to Nodes and Edges; every Edge must
// name IDs present in Nodes. Cycles are drawn (with some edges pointing upwards) but autograd graphs have none.
type Graph struct {
	Nodes []Node
	Edges []Edge
}

// indexed is a Graph with nodes numbered and edges resolved, checked once for every renderer.
type indexed struct {
	g     *Graph
	edges [][2]int // from, to as node numbers; self loops dropped
	preds [][]int  // per node, its inputs in edge order
	succs [][]int
}

// index numbers the graph's nodes and checks its edges.
func (g *Graph) index() (*indexed, error) {
	ids := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		if _, dup := ids[n.ID]; dup {
			return nil, fmt.Errorf("graph: node id %q used twice", n.ID)
		}
		ids[n.ID] = i
	}
	x := &indexed{g: g, preds: make([][]int, len(g.Nodes)), succs: make([][]int, len(g.Nodes))}
	for _, e := range g.Edges {
		from, ok := ids[e.From]
		if !ok {
			return nil, fmt.Errorf("graph: edge %q -> %q: no node %q", e.From, e.To, e.From)
		}
		to, ok := ids[e.To]
		if !ok {
			return nil, fmt.Errorf("graph: edge %q -> %q: no node %q", e.From, e.To, e.To)
		}
		if from == to {
			continue
		}
		x.edges = append(x.edges, [2]int{from, to})
		x.preds[to] = append(x.preds[to], from)
		x.succs[from] = append(x.succs[from], to)
	}
	return x, nil
}

// lines returns a node's text lines: the label, then the detail's lines.
func (n *Node) lines() []string {
	out := []string{n.Label}
	if n.Detail != "" {
		out = append(out, strings.Split(n.Detail, "\n")...)
	}
	return out
}

// tooltip returns the node's hover text.
func (n *Node) tooltip() string {
	if n.Tooltip != "" {
		return n.Tooltip
	}
	return strings.Join(n.lines(), "\n")
}

// maxTextDepth bounds the indentation of Text, so a chain of thousands of ops prints in linear size.
const maxTextDepth = 40

// Text renders the graph as an indented op tree for text/plain: each output (an OutputNode, or a node that feeds
// nothing) first, then its inputs below it, one level deeper. A node reached again prints once more with
// "(see above)" instead of its inputs. Edges naming unknown nodes are reported in the text.
func (g *Graph) Text() string {
	x, err := g.index()
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	seen := make([]bool, len(g.Nodes))
	type item struct {
		node   int
		prefix string // drawn before the branch mark
		branch string // "", "├─ " or "└─ "
		child  string // prefix for this node's children
		depth  int
	}
	var stack []item
	for _, root := range x.roots() {
		stack = append(stack[:0], item{node: root})
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n := &g.Nodes[it.node]
			b.WriteString(it.prefix + it.branch + n.Label)
			if n.Kind == LeafNode || n.Kind == SavedNode {
				b.WriteString(" [" + n.Kind.String() + "]")
			}
			if n.Detail != "" {
				b.WriteString(" " + strings.ReplaceAll(n.Detail, "\n", "; "))
			}
			preds := x.preds[it.node]
			if seen[it.node] && len(preds) > 0 {
				b.WriteString(" (see above)\n")
				continue
			}
			b.WriteByte('\n')
			seen[it.node] = true
			childPrefix := it.prefix + it.child
			if it.depth >= maxTextDepth {
				childPrefix = it.prefix // stop indenting; the tree stays readable and linear in size
			}
			for i := len(preds) - 1; i >= 0; i-- { // pushed in reverse so they print in edge order
				c := item{node: preds[i], prefix: childPrefix, branch: "├─ ", child: "│  ", depth: it.depth + 1}
				if i == len(preds)-1 {
					c.branch, c.child = "└─ ", "   "
				}
				stack = append(stack, c)
			}
		}
	}
	return b.String()
}

// roots returns the nodes the op tree starts from: OutputNodes, then other nodes that feed nothing, then (for
// cyclic graphs) any node not yet reachable from those.
func (x *indexed) roots() []int {
	var roots []int
	for i, n := range x.g.Nodes {
		if n.Kind == OutputNode {
			roots = append(roots, i)
		}
	}
	for i, n := range x.g.Nodes {
		if n.Kind != OutputNode && len(x.succs[i]) == 0 {
			roots = append(roots, i)
		}
	}
	reached := make([]bool, len(x.g.Nodes))
	var stack []int
	mark := func(r int) {
		stack = append(stack[:0], r)
		reached[r] = true
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, p := range x.preds[v] {
				if !reached[p] {
					reached[p] = true
					stack = append(stack, p)
				}
			}
		}
	}
	for _, r := range roots {
		mark(r)
	}
	for i := range x.g.Nodes {
		if !reached[i] {
			roots = append(roots, i)
			mark(i)
		}
	}
	return roots
}

// Colours of the node kinds, as torchviz draws them.
var kindFill = map[NodeKind]string{
	OpNode:     "#d3d3d3", // lightgrey
	LeafNode:   "#add8e6", // lightblue
	SavedNode:  "#ffa500", // orange
	OutputNode: "#caff70", // darkolivegreen1
}

// dotQuote quotes s as a Graphviz string.
func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// DOT renders the graph as Graphviz source in torchviz's style, for `dot -Tsvg` users.
func (g *Graph) DOT() (string, error) {
	x, err := g.index()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("digraph {\n\tgraph [size=\"12,12\"];\n")
	b.WriteString("\tnode [shape=box, style=\"filled,rounded\", fontname=\"monospace\", fontsize=10, height=0.2];\n")
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "\t%s [label=%s, fillcolor=%s, tooltip=%s];\n",
			dotQuote(n.ID), dotQuote(strings.Join(n.lines(), "\n")), dotQuote(kindFill[n.Kind]), dotQuote(n.tooltip()))
	}
	for _, e := range x.edges {
		from, to := &g.Nodes[e[0]], &g.Nodes[e[1]]
		attrs := ""
		if from.Kind == SavedNode {
			attrs = " [style=dashed, arrowhead=none]"
		}
		fmt.Fprintf(&b, "\t%s -> %s%s;\n", dotQuote(from.ID), dotQuote(to.ID), attrs)
	}
	b.WriteString("}\n")
	return b.String(), nil
}
