package plugin

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Range is a Monitoring Plugins threshold range, written "[@][start:][end]".
//
// Without "@" a value alerts when it lies outside [Start, End]; with "@"
// ([Range.Inside]) it alerts when it lies inside. The endpoints belong to the
// range in both cases:
//
//	10      Start 0,    End 10    alert if x < 0 or x > 10
//	10:     Start 10,   End +Inf  alert if x < 10
//	~:10    Start -Inf, End 10    alert if x > 10
//	10:20   Start 10,   End 20    alert if x < 10 or x > 20
//	@10:20  Start 10,   End 20    alert if 10 <= x <= 20
//
// The zero Range is "0": it alerts for every value other than 0.
type Range struct {
	Start, End float64 // Start may be math.Inf(-1) ("~"), End may be math.Inf(1) ("start:").
	Inside     bool    // Inside is set by "@": alert when the value is inside [Start, End].
}

// Reasons why a range does not parse. ParseRange and ParseThresholds wrap
// them with the input.
var (
	errRangeEmpty  = errors.New("empty range; want [@][start:][end], e.g. 10, 10:, ~:10, 10:20 or @10:20")
	errRangeNoEnds = errors.New("range needs a start or an end")
)

// ParseRange parses a threshold range such as "10", "~:5.75", "10:" or
// "@10:20".
//
// Parsing follows the Perl Monitoring::Plugin::Range module, strictly:
// start and end are decimal numbers with an optional sign, fraction and
// exponent ("1e3", "-.5", "+2.", "12345678901234567890"); start may be "~"
// (minus infinity); a missing end means plus infinity; start must not be
// greater than end. Everything else is an error, including the empty
// string, "~", ":", "@", "10:~", "2:1", trailing text ("1:12%", "10:20x"),
// hexadecimal ("0x10"), "NaN", "Inf", numbers too large for a float64
// ("1e999") and whitespace (which Perl would strip). Callers skip unset
// options rather than pass "".
func ParseRange(s string) (Range, error) {
	r, err := parseRange(s)
	if err != nil {
		return Range{}, fmt.Errorf("range %q: %w", s, err)
	}
	return r, nil
}

// parseRange is ParseRange without the input in the error text.
func parseRange(s string) (Range, error) {
	if s == "" {
		return Range{}, errRangeEmpty
	}
	r := Range{Start: 0, End: math.Inf(1)}
	rest := s
	if rest[0] == '@' {
		r.Inside = true
		rest = rest[1:]
	}
	start, end, hasColon := strings.Cut(rest, ":")
	if !hasColon {
		start, end = "", rest
	}
	if start == "" && end == "" {
		return Range{}, errRangeNoEnds
	}
	switch start {
	case "":
		// Start defaults to 0.
	case "~":
		r.Start = math.Inf(-1)
	default:
		v, err := parseNumber(start)
		if err != nil {
			return Range{}, fmt.Errorf("start: %w", err)
		}
		r.Start = v
	}
	if end != "" {
		v, err := parseNumber(end)
		if err != nil {
			if hasColon {
				err = fmt.Errorf("end: %w", err)
			}
			return Range{}, err
		}
		r.End = v
	}
	if r.Start > r.End {
		return Range{}, fmt.Errorf("start %s is greater than end %s", formatNumber(r.Start), formatNumber(r.End))
	}
	return r, nil
}

// parseNumber parses a decimal number of the form
// [+-](digits[.[digits]] | .digits)[(e|E)[+-]digits]. It rejects everything
// else that strconv.ParseFloat would accept (hexadecimal, "Inf", "NaN",
// underscores) and values that overflow a float64. -0 becomes 0.
func parseNumber(s string) (float64, error) {
	if !isDecimal(s) {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%q: %w", s, strconv.ErrRange)
	}
	if err != nil { // not reached: isDecimal admits only valid syntax
		return 0, fmt.Errorf("%q: %w", s, err)
	}
	return v + 0, nil // + 0 turns -0 into 0
}

// isDecimal reports whether s has the syntax accepted by parseNumber.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	intDigits := skipDigits(s, &i)
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		fracDigits = skipDigits(s, &i)
	}
	if intDigits == 0 && fracDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if skipDigits(s, &i) == 0 {
			return false
		}
	}
	return i == len(s)
}

// skipDigits advances *i over ASCII digits in s and returns how many it
// skipped.
func skipDigits(s string, i *int) int {
	n := 0
	for *i < len(s) && '0' <= s[*i] && s[*i] <= '9' {
		*i++
		n++
	}
	return n
}

// formatNumber formats v as a plain decimal number with a '.' decimal point
// and no exponent, using the fewest digits that read back to exactly v
// (1e21 prints as "1000000000000000000000", 5e-324 with 323 zeros after the
// point). -0 prints as "0". NaN and infinities print as "NaN", "+Inf" and
// "-Inf"; callers that need plugin syntax handle them first.
func formatNumber(v float64) string {
	if v == 0 {
		v = 0 // drop the sign of -0
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Alert reports whether v violates the range, that is whether a threshold
// with this range should fire. Without Inside it is true when v < Start or
// v > End; with Inside when Start <= v <= End. A NaN value always alerts,
// since it cannot be shown to be within any limit.
func (r Range) Alert(v float64) bool {
	if math.IsNaN(v) {
		return true
	}
	in := v >= r.Start && v <= r.End
	if r.Inside {
		return in
	}
	return !in
}

// String returns the canonical form of r, which ParseRange reads back to an
// equal Range. Like the Perl module it leaves out a start of 0 and the end
// when it is +Inf ("@0:657.8210567" prints as "@657.8210567", ":5.75" as
// "5.75"), except that the range [0, +Inf] prints as "0:" because the empty
// string is not a valid range. Numbers never use exponent notation. The
// result is unspecified (but still printed) for a Range that ParseRange
// cannot return, such as one with a NaN endpoint or Start > End.
func (r Range) String() string {
	var b strings.Builder
	if r.Inside {
		b.WriteByte('@')
	}
	endInf := math.IsInf(r.End, 1)
	switch {
	case math.IsInf(r.Start, -1):
		b.WriteString("~:")
	case r.Start == 0 && !endInf:
		// A start of 0 is implied.
	default:
		b.WriteString(formatNumber(r.Start))
		b.WriteByte(':')
	}
	if !endInf {
		b.WriteString(formatNumber(r.End))
	}
	return b.String()
}

// valid reports whether r is a range that ParseRange can return, so that its
// String form is valid range syntax.
func (r Range) valid() bool {
	return r.Start <= r.End && !math.IsInf(r.Start, 1) && !math.IsInf(r.End, -1)
}

// Thresholds holds the optional warning and critical ranges of one value,
// as given by the -w and -c options. A nil range is unset and never fires.
type Thresholds struct {
	Warning, Critical *Range
}

// ParseThresholds parses the warning and critical range options. An empty
// string leaves that range unset (nil). An error names the option it came
// from, e.g. `warning range "x20": ...`; when both are invalid, the warning
// error is returned.
func ParseThresholds(warning, critical string) (Thresholds, error) {
	var t Thresholds
	for _, o := range []struct {
		name string
		s    string
		dst  **Range
	}{
		{"warning", warning, &t.Warning},
		{"critical", critical, &t.Critical},
	} {
		if o.s == "" {
			continue
		}
		r, err := parseRange(o.s)
		if err != nil {
			return Thresholds{}, fmt.Errorf("%s range %q: %w", o.name, o.s, err)
		}
		*o.dst = &r
	}
	return t, nil
}

// Evaluate returns the state of value v: [Critical] if the critical range is
// set and alerts, else [Warning] if the warning range is set and alerts,
// else [OK]. Critical is checked first, as in the C library's get_status().
// A NaN value alerts on every set range; with no range set it is OK.
func (t Thresholds) Evaluate(v float64) State {
	switch {
	case t.Critical != nil && t.Critical.Alert(v):
		return Critical
	case t.Warning != nil && t.Warning.Alert(v):
		return Warning
	default:
		return OK
	}
}
