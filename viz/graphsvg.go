package viz

import (
	"math"
	"strconv"
	"strings"
)

// SVG styling. Boxes carry light fills with black text, so they read on light and dark notebook themes; edges
// are a middle grey for the same reason. No ids, no <style>, no <marker>: several graphs on one page cannot
// clash and sanitizers keep everything.
const (
	svgFont   = `font-family="SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace" font-size="12"`
	edgeColor = "#8c8c8c"
	boxStroke = "#404040"
	arrowLen  = 7.0
	arrowHalf = 3.5
)

// SVG renders the graph as a self-contained SVG document in torchviz's style: op boxes in grey, leaves in blue,
// saved tensors in orange joined by dashed lines, the output in green, inputs at the top. Hovering a box or an
// edge shows its <title>. The drawing is sized to its content (width and height in pixels, with a viewBox), so
// a page can scale it down.
func (g *Graph) SVG() (string, error) {
	x, err := g.index()
	if err != nil {
		return "", err
	}
	l := newLayout(x)
	w := svgWriter{buf: make([]byte, 0, 256*len(g.Nodes)+128*len(x.edges)+256)}
	w.raw(`<svg xmlns="http://www.w3.org/2000/svg" width="`)
	w.num(l.width)
	w.raw(`" height="`)
	w.num(l.height)
	w.raw(`" viewBox="0 0 `)
	w.num(l.width)
	w.raw(" ")
	w.num(l.height)
	w.raw(`" ` + svgFont + `>`)
	for i, e := range x.edges {
		w.edge(l, i, &g.Nodes[e[0]], &g.Nodes[e[1]])
	}
	for v := range g.Nodes {
		w.node(l, v, &g.Nodes[v])
	}
	w.raw(`</svg>`)
	return string(w.buf), nil
}

// svgWriter appends SVG text to a buffer.
type svgWriter struct{ buf []byte }

func (w *svgWriter) raw(s string)  { w.buf = append(w.buf, s...) }
func (w *svgWriter) text(s string) { w.buf = append(w.buf, escapeText(s)...) }

// num appends v with one decimal, enough for screen positions.
func (w *svgWriter) num(v float64) {
	w.buf = strconv.AppendFloat(w.buf, math.Round(v*10)/10, 'f', -1, 64)
}

// edge draws indexed edge i: cubic curves through its route, leaving and entering boxes vertically, with an
// arrowhead at the consumer (none for saved tensors, whose line is dashed).
func (w *svgWriter) edge(l *layout, i int, from, to *Node) {
	pts := l.edgePoints(i)
	if l.reversed[i] { // drawn against the layout's direction: the arrow goes back up
		for a, b := 0, len(pts)-1; a < b; a, b = a+1, b-1 {
			pts[a], pts[b] = pts[b], pts[a]
		}
	}
	saved := from.Kind == SavedNode
	w.raw(`<g><title>`)
	w.text(from.Label + " → " + to.Label)
	w.raw(`</title><path fill="none" stroke="` + edgeColor + `" stroke-width="1.2"`)
	if saved {
		w.raw(` stroke-dasharray="4,3"`)
	}
	w.raw(` d="M`)
	end := pts[len(pts)-1]
	dir := 1.0 // +1 when the last segment runs down the page
	if len(pts) > 1 && end.y < pts[len(pts)-2].y {
		dir = -1
	}
	if !saved {
		end.y -= dir * arrowLen // stop the line at the arrowhead's base
	}
	w.num(pts[0].x)
	w.raw(",")
	w.num(pts[0].y)
	for k := 1; k < len(pts); k++ {
		a, b := pts[k-1], pts[k]
		if k == len(pts)-1 {
			b = end
		}
		mid := (a.y + b.y) / 2
		w.raw(" C")
		w.num(a.x)
		w.raw(",")
		w.num(mid)
		w.raw(" ")
		w.num(b.x)
		w.raw(",")
		w.num(mid)
		w.raw(" ")
		w.num(b.x)
		w.raw(",")
		w.num(b.y)
	}
	w.raw(`"/>`)
	if !saved {
		tip := pts[len(pts)-1]
		w.raw(`<polygon fill="` + edgeColor + `" points="`)
		w.num(tip.x)
		w.raw(",")
		w.num(tip.y)
		w.raw(" ")
		w.num(tip.x - arrowHalf)
		w.raw(",")
		w.num(tip.y - dir*arrowLen)
		w.raw(" ")
		w.num(tip.x + arrowHalf)
		w.raw(",")
		w.num(tip.y - dir*arrowLen)
		w.raw(`"/>`)
	}
	w.raw(`</g>`)
}

// node draws node v as a rounded box with its label in bold and its detail lines below.
func (w *svgWriter) node(l *layout, v int, n *Node) {
	x0, y0 := l.x[v]-l.w[v]/2, l.y[v]-l.h[v]/2
	w.raw(`<g><title>`)
	w.text(n.Kind.String() + ": " + n.tooltip())
	w.raw(`</title><rect x="`)
	w.num(x0)
	w.raw(`" y="`)
	w.num(y0)
	w.raw(`" width="`)
	w.num(l.w[v])
	w.raw(`" height="`)
	w.num(l.h[v])
	w.raw(`" rx="4" fill="` + kindFill[n.Kind] + `" stroke="` + boxStroke + `"/>`)
	for k, line := range n.lines() {
		w.raw(`<text x="`)
		w.num(l.x[v])
		w.raw(`" y="`)
		w.num(y0 + padY + float64(k)*lineH + 11.5)
		w.raw(`" text-anchor="middle" fill="#000"`)
		if k == 0 {
			w.raw(` font-weight="bold"`)
		}
		w.raw(`>`)
		w.text(line)
		w.raw(`</text>`)
	}
	w.raw(`</g>`)
}

// HTMLFragment wraps the graph's SVG in a scrollable box for HTML pages, so a wide graph keeps readable text
// instead of shrinking to the page's width. A broken graph yields its error as text.
//
// It is not named HTML on purpose: display would then offer the graph as text/html too, which front ends prefer
// to SVG, and JupyterLab's sanitizer strips SVG out of HTML in untrusted notebooks, leaving stray label text
// where the text/plain op tree should show.
func (g *Graph) HTMLFragment() string {
	svg, err := g.SVG()
	if err != nil {
		return `<pre>` + escapeText(err.Error()) + `</pre>`
	}
	return `<div style="overflow:auto;max-width:100%;max-height:800px">` + svg + `</div>`
}

// MIMEBundle returns the graph as a Jupyter display bundle: image/svg+xml and its text/plain op tree (what
// untrusted notebooks, consoles and nbconvert show). A broken graph yields its error as text/plain only.
func (g *Graph) MIMEBundle() map[string]any {
	svg, err := g.SVG()
	if err != nil {
		return map[string]any{"text/plain": err.Error()}
	}
	return map[string]any{"image/svg+xml": svg, "text/plain": strings.TrimRight(g.Text(), "\n")}
}
