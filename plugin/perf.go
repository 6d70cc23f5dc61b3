package plugin

import (
	"math"
	"strings"
	"unicode"
)

// Perf is one performance-data item, printed as
// 'label'=value[UOM];[warn];[crit];[min];[max].
type Perf struct {
	// Label names the metric. '=', '\'', '"', '`', '|' and control
	// characters become '_', invalid UTF-8 becomes U+FFFD, and the label is
	// quoted with '...' when it contains a space. An empty label prints as
	// "_".
	Label string
	// Value is the measurement, in Unit. NaN or ±Inf (a value that could
	// not be determined) prints as "U", without the unit.
	Value float64
	// Unit is the unit of measurement: "" (a count), "s", "ms", "us", "%",
	// "B", "KB", "MB", "TB" or "c" (a continuous counter). A unit with any
	// character other than an ASCII letter or '%' is left out whole, since
	// dropping single characters could change its meaning ("µs" to "s").
	Unit string
	// Warning and Critical are the threshold ranges, in Unit, printed with
	// Range.String. Nil, or a range ParseRange could not return, leaves the
	// field empty.
	Warning, Critical *Range
	// Min and Max are the possible minimum and maximum of Value, in Unit.
	// Nil, NaN or ±Inf leaves the field empty.
	Min, Max *float64
}

// Float returns a pointer to v, for filling [Perf.Min] and [Perf.Max] in a
// composite literal.
func Float(v float64) *float64 { return &v }

// String returns p in perfdata syntax, for example "time=0.1s;;;0;10",
// "size=380B;;;0" or "'bytes in'=12B". Numbers use a '.' decimal point and
// never exponent notation. Empty trailing fields are left out, so a Perf
// with only a label and a value prints as "x=1". The result never contains
// a line break or '|', and a space only inside the quoted label.
func (p Perf) String() string {
	var b strings.Builder
	b.WriteString(formatLabel(p.Label))
	b.WriteByte('=')
	if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
		b.WriteByte('U')
	} else {
		b.WriteString(formatNumber(p.Value))
		b.WriteString(formatUnit(p.Unit))
	}
	fields := [4]string{formatRange(p.Warning), formatRange(p.Critical), formatBound(p.Min), formatBound(p.Max)}
	n := len(fields)
	for n > 0 && fields[n-1] == "" {
		n--
	}
	for _, f := range fields[:n] {
		b.WriteByte(';')
		b.WriteString(f)
	}
	return b.String()
}

// formatLabel applies the label rules described at [Perf.Label].
func formatLabel(label string) string {
	if label == "" {
		return "_"
	}
	var b strings.Builder
	quote := false
	for _, r := range label { // an invalid byte arrives as U+FFFD
		switch {
		case r == '=', r == '\'', r == '"', r == '`', r == '|', unicode.IsControl(r):
			r = '_'
		case unicode.IsSpace(r):
			r = ' ' // also U+00A0, U+2028 and the like: one kind of space
			quote = true
		}
		b.WriteRune(r)
	}
	if quote {
		return "'" + b.String() + "'"
	}
	return b.String()
}

// formatUnit returns unit if it consists of ASCII letters and '%' only, and
// "" otherwise.
func formatUnit(unit string) string {
	for i := 0; i < len(unit); i++ {
		c := unit[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '%') {
			return ""
		}
	}
	return unit
}

// formatRange returns r.String(), or "" when r is nil or not a range that
// ParseRange could return.
func formatRange(r *Range) string {
	if r == nil || !r.valid() {
		return ""
	}
	return r.String()
}

// formatBound returns *v as a plain number, or "" when v is nil, NaN or
// infinite.
func formatBound(v *float64) string {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return ""
	}
	return formatNumber(*v)
}
