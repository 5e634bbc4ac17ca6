package viz

import (
	"math"
	"sort"
)

// The layered (Sugiyama-style) layout of a Graph, hand-written because no Go library in our allowed set lays out
// graphs and Graphviz is an external binary we promise not to need:
//
//  1. cycles are broken by reversing DFS back edges (autograd graphs have none);
//  2. layers by longest path to a sink, so each node sits just above its nearest consumer that is farthest down,
//     outputs at the bottom and leaves right above the op that uses them;
//  3. edges spanning several layers get dummy nodes, one per layer crossed, so they can bend around boxes;
//  4. crossings are reduced by barycentric sweeps (down and up), keeping the best order seen;
//  5. x coordinates: each layer is pulled towards its neighbours' mean positions by isotonic regression (pool
//     adjacent violators), which keeps the order and the spacing and moves nodes as little as possible.
//
// All steps are iterative (no recursion), so deep graphs cannot overflow the stack.

// Sizes in SVG user units (pixels) for 12px monospace text.
const (
	charW    = 7.3 // advance of one monospace character at 12px, with a little slack
	lineH    = 15.0
	padX     = 8.0
	padY     = 5.0
	gapX     = 18.0 // between boxes in a layer
	gapY     = 34.0 // between layers
	margin   = 10.0
	dummyW   = 6.0
	maxSweep = 16 // barycentric sweeps (down+up counts as two)
	xPasses  = 8
)

// layout holds positions for real nodes (0..n-1) and dummy nodes (n..).
type layout struct {
	n               int
	layer           []int
	w, h, x, y      []float64
	layers          [][]int // per layer, node numbers in order
	up, down        [][]int // neighbours in the layer above / below (every layout edge spans one layer)
	paths           [][]int // per indexed edge: the chain of layout nodes, drawn top to bottom
	reversed        []bool  // per indexed edge: the chain runs against the edge's direction
	width, height   float64
	pos             []int // index of each node within its layer
	depth           []int // longest path from a source, in layout edges
	inPort, outPort map[[2]int]float64
}

// newLayout lays out x's graph.
func newLayout(x *indexed) *layout {
	n := len(x.g.Nodes)
	l := &layout{n: n}
	for i := range x.g.Nodes {
		lines := x.g.Nodes[i].lines()
		wmax := 0
		for _, s := range lines {
			wmax = max(wmax, runeCount(s))
		}
		l.w = append(l.w, float64(wmax)*charW+2*padX)
		l.h = append(l.h, float64(len(lines))*lineH+2*padY)
	}
	dag, rev := breakCycles(n, x.edges)
	l.reversed = rev
	l.layer = longestPathLayers(n, dag)
	l.addDummies(dag)
	l.computeDepth()
	l.order()
	l.place()
	l.ports()
	return l
}

func runeCount(s string) int {
	c := 0
	for range s {
		c++
	}
	return c
}

// breakCycles returns the edges oriented so that they form a DAG, and which ones were flipped.
func breakCycles(n int, edges [][2]int) ([][2]int, []bool) {
	out := make([][]int, n) // edge numbers leaving each node
	for i, e := range edges {
		out[e[0]] = append(out[e[0]], i)
	}
	const (
		white = iota
		grey
		black
	)
	state := make([]int8, n)
	rev := make([]bool, len(edges))
	type frame struct{ v, next int }
	var stack []frame
	for s := 0; s < n; s++ {
		if state[s] != white {
			continue
		}
		state[s] = grey
		stack = append(stack, frame{s, 0})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == len(out[f.v]) {
				state[f.v] = black
				stack = stack[:len(stack)-1]
				continue
			}
			ei := out[f.v][f.next]
			f.next++
			w := edges[ei][1]
			switch state[w] {
			case grey:
				rev[ei] = true
			case white:
				state[w] = grey
				stack = append(stack, frame{w, 0})
			}
		}
	}
	dag := make([][2]int, len(edges))
	for i, e := range edges {
		if rev[i] {
			e[0], e[1] = e[1], e[0]
		}
		dag[i] = e
	}
	return dag, rev
}

// longestPathLayers puts each node at H - (longest path from it to a sink), H the longest path of all.
func longestPathLayers(n int, dag [][2]int) []int {
	succ := make([][]int, n)
	indeg := make([]int, n)
	for _, e := range dag {
		succ[e[0]] = append(succ[e[0]], e[1])
		indeg[e[1]]++
	}
	topo := make([]int, 0, n)
	for v := 0; v < n; v++ {
		if indeg[v] == 0 {
			topo = append(topo, v)
		}
	}
	for i := 0; i < len(topo); i++ {
		for _, w := range succ[topo[i]] {
			if indeg[w]--; indeg[w] == 0 {
				topo = append(topo, w)
			}
		}
	}
	height := make([]int, n)
	hmax := 0
	for i := len(topo) - 1; i >= 0; i-- {
		v := topo[i]
		for _, w := range succ[v] {
			height[v] = max(height[v], height[w]+1)
		}
		hmax = max(hmax, height[v])
	}
	layer := make([]int, n)
	for v := range layer {
		layer[v] = hmax - height[v]
	}
	return layer
}

// addDummies splits every edge spanning several layers into a chain through one dummy node per layer crossed,
// and fills layers, up, down and paths.
func (l *layout) addDummies(dag [][2]int) {
	nl := 0
	for _, ly := range l.layer {
		nl = max(nl, ly+1)
	}
	l.layers = make([][]int, nl)
	for v := 0; v < l.n; v++ {
		l.layers[l.layer[v]] = append(l.layers[l.layer[v]], v)
	}
	l.up = make([][]int, l.n)
	l.down = make([][]int, l.n)
	link := func(a, b int) {
		l.down[a] = append(l.down[a], b)
		l.up[b] = append(l.up[b], a)
	}
	l.paths = make([][]int, len(dag))
	for i, e := range dag {
		chain := []int{e[0]}
		prev := e[0]
		for ly := l.layer[e[0]] + 1; ly < l.layer[e[1]]; ly++ {
			d := len(l.layer)
			l.layer = append(l.layer, ly)
			l.w = append(l.w, dummyW)
			l.h = append(l.h, 0)
			l.up = append(l.up, nil)
			l.down = append(l.down, nil)
			l.layers[ly] = append(l.layers[ly], d)
			link(prev, d)
			chain = append(chain, d)
			prev = d
		}
		link(prev, e[1])
		l.paths[i] = append(chain, e[1])
	}
	l.x = make([]float64, len(l.layer))
	l.y = make([]float64, len(l.layer))
	l.pos = make([]int, len(l.layer))
}

// order reduces crossings by barycentric sweeps, keeping the best order seen.
func (l *layout) order() {
	l.index()
	best := l.crossings()
	saved := cloneLayers(l.layers)
	bary := make([]float64, len(l.layer))
	for s := 0; s < maxSweep && best > 0; s++ {
		if s%2 == 0 {
			for ly := 1; ly < len(l.layers); ly++ {
				l.sortLayer(ly, l.up, bary)
			}
		} else {
			for ly := len(l.layers) - 2; ly >= 0; ly-- {
				l.sortLayer(ly, l.down, bary)
			}
		}
		if c := l.crossings(); c < best {
			best = c
			saved = cloneLayers(l.layers)
		}
	}
	l.layers = saved
	l.index()
}

func cloneLayers(ls [][]int) [][]int {
	out := make([][]int, len(ls))
	for i, ly := range ls {
		out[i] = append([]int(nil), ly...)
	}
	return out
}

// index records each node's position within its layer.
func (l *layout) index() {
	for _, ly := range l.layers {
		for i, v := range ly {
			l.pos[v] = i
		}
	}
}

// sortLayer orders layer ly by the mean position of each node's neighbours in nbr; a node without neighbours
// keeps its position.
func (l *layout) sortLayer(ly int, nbr [][]int, bary []float64) {
	nodes := l.layers[ly]
	for _, v := range nodes {
		if len(nbr[v]) == 0 {
			bary[v] = float64(l.pos[v])
			continue
		}
		s := 0.0
		for _, u := range nbr[v] {
			s += float64(l.pos[u])
		}
		bary[v] = s / float64(len(nbr[v]))
	}
	sort.SliceStable(nodes, func(i, j int) bool { return bary[nodes[i]] < bary[nodes[j]] })
	for i, v := range nodes {
		l.pos[v] = i
	}
}

// crossings counts edge crossings between all adjacent layers, by counting inversions with a Fenwick tree
// (Barth, Jünger and Mutzel's bilayer method): O(E log V).
func (l *layout) crossings() int {
	total := 0
	var pairs [][2]int
	var tree []int
	for ly := 0; ly+1 < len(l.layers); ly++ {
		pairs = pairs[:0]
		for _, u := range l.layers[ly] {
			for _, v := range l.down[u] {
				pairs = append(pairs, [2]int{l.pos[u], l.pos[v]})
			}
		}
		sort.Slice(pairs, func(i, j int) bool {
			if pairs[i][0] != pairs[j][0] {
				return pairs[i][0] < pairs[j][0]
			}
			return pairs[i][1] < pairs[j][1]
		})
		m := len(l.layers[ly+1])
		tree = append(tree[:0], make([]int, m+1)...)
		seen := 0
		for _, p := range pairs {
			// count earlier edges whose lower end lies strictly right of p's
			le := 0
			for i := p[1] + 1; i > 0; i -= i & -i {
				le += tree[i]
			}
			total += seen - le
			for i := p[1] + 1; i <= m; i += i & -i {
				tree[i]++
			}
			seen++
		}
	}
	return total
}

// place sets coordinates: y by layer, x by repeated pulls towards the neighbours' mean.
func (l *layout) place() {
	top := margin
	for _, ly := range l.layers {
		hmax := 0.0
		for _, v := range ly {
			hmax = math.Max(hmax, l.h[v])
		}
		for _, v := range ly {
			l.y[v] = top + hmax/2
		}
		top += hmax + gapY
	}
	l.height = top - gapY + margin
	desired := make([]float64, 0, 64)
	for _, ly := range l.layers { // packed start
		desired = desired[:0]
		for range ly {
			desired = append(desired, 0)
		}
		l.fit(ly, desired)
	}
	for p := 0; p < xPasses; p++ {
		both := p == xPasses-1
		if p%2 == 0 {
			for ly := 1; ly < len(l.layers); ly++ {
				l.pull(l.layers[ly], l.up, l.down, both, &desired)
			}
		} else {
			for ly := len(l.layers) - 2; ly >= 0; ly-- {
				l.pull(l.layers[ly], l.down, l.up, both, &desired)
			}
		}
	}
	left, right := math.Inf(1), math.Inf(-1)
	for v := range l.x {
		left = math.Min(left, l.x[v]-l.w[v]/2)
		right = math.Max(right, l.x[v]+l.w[v]/2)
	}
	for v := range l.x {
		l.x[v] += margin - left
	}
	l.width = right - left + 2*margin
	if len(l.x) == 0 {
		l.width, l.height = 2*margin, 2*margin
	}
}

// pull moves a layer's nodes towards the weighted mean x of their neighbours in nbr (and in other too when both
// is set). Edges between inner nodes weigh more than edges from sources (leaves, saved tensors), so the chain
// of ops stays straight and the inputs gather beside it, as in Graphviz's drawings.
func (l *layout) pull(ly []int, nbr, other [][]int, both bool, desired *[]float64) {
	d := (*desired)[:0]
	for _, v := range ly {
		s, c := 0.0, 0.0
		for _, u := range nbr[v] {
			w := l.edgeWeight(u, v)
			s += w * l.x[u]
			c += w
		}
		if both {
			for _, u := range other[v] {
				w := l.edgeWeight(u, v)
				s += w * l.x[u]
				c += w
			}
		}
		if c == 0 {
			d = append(d, l.x[v])
		} else {
			d = append(d, s/c)
		}
	}
	*desired = d
	l.fit(ly, d)
}

// nodeWeight is how firmly a node holds its place: sources (nothing above them: leaves, saved tensors) give
// way to the ops; among ops, the deeper one (the longer chain above it) holds firmer, so the main chain of a
// graph runs straight down and side branches join it from the side; long-edge dummies hold firmest.
func (l *layout) nodeWeight(v int) float64 {
	switch {
	case v < l.n && len(l.up[v]) == 0:
		return 1
	case v >= l.n:
		d := 1 + float64(l.depth[v])
		return 2 * d * d
	}
	d := 1 + float64(l.depth[v])
	return d * d
}

// computeDepth sets each node's longest path from a source, counted in layout edges (top to bottom).
func (l *layout) computeDepth() {
	l.depth = make([]int, len(l.layer))
	for _, ly := range l.layers {
		for _, v := range ly {
			for _, u := range l.up[v] {
				l.depth[v] = max(l.depth[v], l.depth[u]+1)
			}
		}
	}
}

// edgeWeight weighs the pull along the edge between u and v: an edge from a source barely pulls, so an op sits
// under the op it follows and its inputs gather beside that chain instead of dragging it sideways.
func (l *layout) edgeWeight(u, v int) float64 {
	if len(l.up[u]) == 0 && u < l.n || len(l.up[v]) == 0 && v < l.n {
		return 0.05
	}
	return min(l.nodeWeight(u), l.nodeWeight(v))
}

// fit places a layer's nodes, in order and at least gapX apart, as close as possible (weighted least squares)
// to desired: with offsets o_i of the packed layout, x_i - o_i must be non-decreasing, which is isotonic
// regression of desired_i - o_i, solved by pool adjacent violators.
func (l *layout) fit(ly []int, desired []float64) {
	type block struct {
		sum, weight float64
		count       int
	}
	blocks := make([]block, 0, len(ly))
	offset := make([]float64, len(ly))
	for i, v := range ly {
		if i > 0 {
			offset[i] = offset[i-1] + (l.w[ly[i-1]]+l.w[v])/2 + gapX
		}
		w := l.nodeWeight(v)
		blocks = append(blocks, block{w * (desired[i] - offset[i]), w, 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/a.weight <= b.sum/b.weight {
				break
			}
			blocks = append(blocks[:len(blocks)-2], block{a.sum + b.sum, a.weight + b.weight, a.count + b.count})
		}
	}
	i := 0
	for _, b := range blocks {
		m := b.sum / b.weight
		for k := 0; k < b.count; k++ {
			l.x[ly[i]] = m + offset[i]
			i++
		}
	}
}

// ports spreads the ends of the edges meeting a box along its top and bottom sides, ordered by where the other
// end lies, so arrowheads into an op with many inputs do not pile up on one point.
func (l *layout) ports() {
	l.inPort = make(map[[2]int]float64)
	l.outPort = make(map[[2]int]float64)
	spread := func(v int, nbrs []int, into map[[2]int]float64) {
		if len(nbrs) < 2 {
			return
		}
		sorted := append([]int(nil), nbrs...)
		sort.SliceStable(sorted, func(i, j int) bool { return l.x[sorted[i]] < l.x[sorted[j]] })
		span := l.w[v] * 0.6
		for i, u := range sorted {
			into[[2]int{v, u}] = l.x[v] - span/2 + span*float64(i)/float64(len(sorted)-1)
		}
	}
	for v := 0; v < l.n; v++ {
		spread(v, l.up[v], l.inPort)
		spread(v, l.down[v], l.outPort)
	}
}

// point is a position in the SVG.
type point struct{ x, y float64 }

// edgePoints returns the route of indexed edge i from its upper box's bottom to its lower box's top.
func (l *layout) edgePoints(i int) []point {
	chain := l.paths[i]
	pts := make([]point, 0, len(chain))
	for k, v := range chain {
		x := l.x[v]
		switch {
		case k == 0:
			if px, ok := l.outPort[[2]int{v, chain[1]}]; ok {
				x = px
			}
			pts = append(pts, point{x, l.y[v] + l.h[v]/2})
		case k == len(chain)-1:
			if px, ok := l.inPort[[2]int{v, chain[k-1]}]; ok {
				x = px
			}
			pts = append(pts, point{x, l.y[v] - l.h[v]/2})
		default:
			pts = append(pts, point{x, l.y[v]})
		}
	}
	return pts
}
