package viz

import (
	"math"
	"strconv"
	"strings"
)

// numberFormat is the one format shared by every number a view shows, chosen from those numbers the way
// PyTorch's printer chooses it: integers print without decimals, moderate ranges in fixed point, wide or
// extreme ranges in scientific notation. A shared format keeps columns aligned on the decimal point.
type numberFormat struct {
	kind      dtypeKind
	intMode   bool // every finite value is a whole number
	sci       bool // scientific notation
	precision int
}

// dtypeKind groups dtype names by how their values print.
type dtypeKind int

const (
	kindFloat dtypeKind = iota
	kindInt
	kindBool
)

// kindOf maps a dtype name such as "float32", "int64" or "bool" to how its values print.
// Unknown names print as floats, which loses nothing.
func kindOf(dtype string) dtypeKind {
	dtype = strings.TrimPrefix(dtype, "torch.")
	switch {
	case dtype == "bool":
		return kindBool
	case strings.HasPrefix(dtype, "int"), strings.HasPrefix(dtype, "uint"):
		return kindInt
	}
	return kindFloat
}

// chooseFormat picks the shared format for values of the given dtype kind.
func chooseFormat(kind dtypeKind, values []float64) numberFormat {
	f := numberFormat{kind: kind, intMode: true, precision: 4}
	if kind != kindFloat {
		return f
	}
	minAbs, maxAbs := math.Inf(1), 0.0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		if v != math.Trunc(v) {
			f.intMode = false
		}
		a := math.Abs(v)
		if a != 0 && a < minAbs {
			minAbs = a
		}
		if a > maxAbs {
			maxAbs = a
		}
	}
	if math.IsInf(minAbs, 1) { // no non-zero finite value
		return f
	}
	if f.intMode {
		f.sci = maxAbs > 1e8
		return f
	}
	f.sci = maxAbs/minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4
	return f
}

// appendNumber appends v in format f to dst.
func (f numberFormat) appendNumber(dst []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(dst, "nan"...)
	case math.IsInf(v, 1):
		return append(dst, "inf"...)
	case math.IsInf(v, -1):
		return append(dst, "-inf"...)
	}
	switch f.kind {
	case kindBool:
		if v != 0 {
			return append(dst, "True"...)
		}
		return append(dst, "False"...)
	case kindInt:
		return strconv.AppendInt(dst, int64(v), 10)
	}
	switch {
	case f.sci:
		return strconv.AppendFloat(dst, v, 'e', f.precision, 64)
	case f.intMode:
		return append(strconv.AppendFloat(dst, v, 'f', 0, 64), '.')
	}
	return strconv.AppendFloat(dst, v, 'f', f.precision, 64)
}

// format returns v in format f.
func (f numberFormat) format(v float64) string {
	var buf [32]byte
	return string(f.appendNumber(buf[:0], v))
}

// formatShort formats a single statistic compactly (up to 5 significant digits).
func formatShort(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', 5, 64)
}

// formatBytes renders a byte count as "4 B", "3.81 MiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return strconv.FormatFloat(float64(n)/float64(div), 'f', 2, 64) + " " + string("KMGTP"[exp]) + "iB"
}

// formatShape renders a shape PyTorch's way: "(2, 3)", "(5,)" and "()" for a scalar.
func formatShape(shape []int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, d := range shape {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteByte(')')
	return b.String()
}
