package plugin

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The vectors below are copied from range-vectors.md, which copies them from
// the upstream test files named above each table. "alert" means the value
// violates the range.

var (
	inf    = math.Inf(1)
	negInf = math.Inf(-1)
)

// parseVector is a range string that must parse to want.
type parseVector struct {
	in   string
	want Range
}

// alertVector is a range, a value, and whether the value must alert.
type alertVector struct {
	rng   string
	v     float64
	alert bool
}

// Table 1a: monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280,
// parse results. The C test also accepts "1:12%%" ("percentages are ignored"
// because strtod stops at '%'); we reject it like Perl does, see rangeRejects.
var table1aParse = []parseVector{
	{"6", Range{Start: 0, End: 6}},
	{"-7:23", Range{Start: -7, End: 23}},
	{":5.75", Range{Start: 0, End: 5.75}},
	{"~:-95.99", Range{Start: negInf, End: -95.99}},
	{"12345678901234567890:", Range{Start: 1.2345678901234567e19, End: inf}},
	{"~:0", Range{Start: negInf, End: 0}},
	{"@0:657.8210567", Range{Start: 0, End: 657.8210567, Inside: true}},
	{"@1:1", Range{Start: 1, End: 1, Inside: true}},
	{"1:1", Range{Start: 1, End: 1}},
}

// Table 1b: monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280,
// check_range() results. Rows 1-3 use T/1.1, T and 2T for
// T = 12345678901234567890.
var table1b = []alertVector{
	{"12345678901234567890:", 11223344455667243520, true},
	{"12345678901234567890:", 12345678901234567890, false},
	{"12345678901234567890:", 24691357802469135360, false},
	{"~:0", 0.5, true},
	{"~:0", -10, false},
	{"~:0", 0, false},
	{"@0:657.8210567", 32.88, true},
	{"@0:657.8210567", -2, false},
	{"@0:657.8210567", 657.8210567, true},
	{"@0:657.8210567", 0, true},
	{"@1:1", 0.5, false},
	{"@1:1", 1, true},
	{"@1:1", 5.2, false},
	{"1:1", 0.5, true},
	{"1:1", 1, false},
	{"1:1", 5.2, true},
}

// Table 3: monitoring-plugins/monitoring-plugin-perl t/Monitoring-Plugin-Range.t @3035ed03,
// value vectors.
var table3 = []alertVector{
	{"6", -1, true},
	{"6", 0, false},
	{"6", 4, false},
	{"6", 6, false},
	{"6", 6.1, true},
	{"6", 79.999999, true},
	{"-7:23", -23, true},
	{"-7:23", -7, false},
	{"-7:23", -1, false},
	{"-7:23", 0, false},
	{"-7:23", 4, false},
	{"-7:23", 23, false},
	{"-7:23", 23.1, true},
	{"-7:23", 79.999999, true},
	{":5.75", -1, true},
	{":5.75", 0, false},
	{":5.75", 4, false},
	{":5.75", 5.75, false},
	{":5.75", 5.7501, true},
	{":5.75", 6, true},
	{":5.75", 6.1, true},
	{":5.75", 79.999999, true},
	{"~:-95.99", -1001341, false},
	{"~:-95.99", -96, false},
	{"~:-95.99", -95.999, false},
	{"~:-95.99", -95.99, false},
	{"~:-95.99", -95.989, true},
	{"~:-95.99", -95, true},
	{"~:-95.99", 0, true},
	{"~:-95.99", 5.7501, true},
	{"~:-95.99", 79.999999, true},
	{"10:", -95.999, true},
	{"10:", -1, true},
	{"10:", 0, true},
	{"10:", 9.91, true},
	{"10:", 10, false},
	{"10:", 11.1, false},
	{"10:", 123456789012346, false},
	{"123456789012345:", -95.999, true},
	{"123456789012345:", -1, true},
	{"123456789012345:", 0, true},
	{"123456789012345:", 123456789012344.91, true},
	{"123456789012345:", 123456789012345, false},
	{"123456789012345:", 123456789012345.61, false},
	{"123456789012345:", 123456789012346, false},
	{"~:0", 0.5, true},
	{"~:0", -10, false},
	{"~:0", 0, false},
	{"~:0", -123456789012344.91, false},
	{"~:0", -1, false},
	{"~:0", 0.001, true},
	{"~:0", 123456789012345, true},
	{"@0:657.8210567", 32.88, true},
	{"@0:657.8210567", -2, false},
	{"@0:657.8210567", 657.8210567, true},
	{"@0:657.8210567", 0, true},
	{"@0:657.8210567", -134151, false},
	{"@0:657.8210567", -1, false},
	{"@0:657.8210567", 0.001, true},
	{"@0:657.8210567", 657.9, false},
	{"@0:657.8210567", 123456789012345, false},
	{"1:1", 0.5, true},
	{"1:1", 1, false},
	{"1:1", 5.2, true},
	{"1:1", -1, true},
	{"1:1", 0, true},
	{"1:1", 1.001, true},
}

// Table 4: NETWAYS/go-check threshold_test.go @330b235d, parse expectations.
var table4Parse = []parseVector{
	{"10", Range{Start: 0, End: 10}},
	{"10:", Range{Start: 10, End: inf}},
	{"~:10", Range{Start: negInf, End: 10}},
	{"10:20", Range{Start: 10, End: 20}},
	{"@10:20", Range{Start: 10, End: 20, Inside: true}},
	{"-10:10", Range{Start: -10, End: 10}},
	{"-10.001:10.001", Range{Start: -10.001, End: 10.001}},
}

// Table 4: NETWAYS/go-check threshold_test.go @330b235d, value vectors.
var table4 = []alertVector{
	{"10", 11, true},
	{"10", 10, false},
	{"10", 0, false},
	{"10", -1, true},
	{"10:", 3000, false},
	{"10:", 10, false},
	{"10:", 9, true},
	{"10:", 0, true},
	{"10:", -1, true},
	{"~:10", -3000, false},
	{"~:10", 0, false},
	{"~:10", 10, false},
	{"~:10", 11, true},
	{"~:10", 3000, true},
	{"10:20", 10, false},
	{"10:20", 15, false},
	{"10:20", 20, false},
	{"10:20", 9, true},
	{"10:20", -1, true},
	{"10:20", 20.1, true},
	{"10:20", 3000, true},
	{"@10:20", 10, true},
	{"@10:20", 15, true},
	{"@10:20", 20, true},
	{"@10:20", 9, false},
	{"@10:20", -1, false},
	{"@10:20", 20.1, false},
	{"@10:20", 3000, false},
}

// Table 5: atc0005/go-nagios range_test.go @e46e0242, value vectors.
var table5 = []alertVector{
	{"10", 54, true},
	{"10", -1, true},
	{"10:", 10, false},
	{"10:", 9, true},
	{"10:", -1, true},
	{"10:", 11, false},
	{"~:30", 5, false},
	{"~:30", -10, false},
	{"~:30", -100, false},
	{"~:30", 30, false},
	{"~:30", 31, true},
	{"5:33", 33, false},
	{"5:33", 34, true},
	{"5:33", 4, true},
	{"5:33", 5, false},
	{"10:200", 54, false},
	{"10:200", 10, false},
	{"10:200", 9, true},
	{"10:200", 200, false},
	{"10:200", 201, true},
	{"@32:64", 32, true},
	{"@32:64", 33, true},
	{"@32:64", 64, true},
	{"@32:64", 63, true},
	{"@32:64", 31, false},
	{"@32:64", 65, false},
	{"@32", 32, true},
	{"@32", 31, true},
	{"@32", 0, true},
	{"@32", 33, false},
	{"@32", -32, false},
	{"@32", -1, false},
	{"@32:32", 32, true},
	{"@32:32", 31, false},
	{"@32:32", 0, false},
	{"@32:32", 33, false},
	{"@32:32", -32, false},
	{"@32:32", -1, false},
}

// Must-pass list of range-vectors.md (derived from the guideline text and the
// Perl implementation): ranges that must parse, with values that must and
// must not alert.
var mustPass = []struct {
	rng             string
	alert, notAlert []float64
}{
	{"10", []float64{-1, 10.01, 11}, []float64{0, 5, 10}},
	{"10:", []float64{-1, 0, 9.99}, []float64{10, 1000}},
	{"~:10", []float64{10.01, 11}, []float64{-1000, 0, 10}},
	{"10:20", []float64{9.99, 20.01}, []float64{10, 15, 20}},
	{"@10:20", []float64{10, 15, 20}, []float64{9.99, 20.01}},
	{"@10", []float64{0, 5, 10}, []float64{-1, 10.01}},
	{"~:", nil, []float64{-1000, 0, 1000}},
	{":5.75", []float64{-1, 5.7501}, []float64{0, 5.75}},
	{"1e3", []float64{-1, 1000.1}, []float64{0, 1000}},
}

// rangeRejects are strings ParseRange must reject, each with its source.
var rangeRejects = []struct {
	in, source string
}{
	// monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280 (Table 1a).
	{"2:1", "test_utils.c: start > end"},
	// monitoring-plugins/monitoring-plugin-perl t/Monitoring-Plugin-Range.t @3035ed03 (Table 2).
	{":", "Range.t"},
	{"1:~", "Range.t"},
	{"foo", "Range.t"},
	{"1-10", "Range.t"},
	{"10:~", "Range.t"},
	{"1-10:2.4", "Range.t"},
	{"1,10", "Range.t"},
	{"2:1", "Range.t"},
	// NETWAYS/go-check threshold_test.go @330b235d (Table 4).
	{"", "go-check: empty string"},
	// atc0005/go-nagios range_test.go @e46e0242 (Table 5).
	{"50:~", "go-nagios"},
	// Must-pass list of range-vectors.md (Perl semantics).
	{"10:~", "must-pass"},
	{"~", "must-pass"},
	{"@", "must-pass"},
	{"1:12%", "must-pass: trailing junk"},
	{"1:12%%", "must-pass: test_utils.c accepts it, Perl does not"},
	{"10:20x", "must-pass: trailing junk"},
	{"10:20:30", "must-pass"},
	{"~~:10", "must-pass"},
	{"@@10", "must-pass"},
	{"0x10", "must-pass: hexadecimal"},
	// Our own strictness: no special float spellings, no overflow, no
	// whitespace (Perl would strip it), no empty sides.
	{"NaN", "own"},
	{"nan", "own"},
	{"Inf", "own"},
	{"+Inf", "own"},
	{"~:Inf", "own"},
	{"-inf:", "own"},
	{"infinity", "own"},
	{"1e999", "own: overflows float64"},
	{"-1e999:", "own: overflows float64"},
	{"1_000", "own: underscores"},
	{" 10", "own: whitespace"},
	{"10 ", "own: whitespace"},
	{"1 0", "own: whitespace"},
	{"@:", "own"},
	{"@~", "own"},
	{".", "own"},
	{"-", "own"},
	{"+", "own"},
	{"1e", "own"},
	{"1e+", "own"},
	{"e3", "own"},
	{"--1", "own"},
	{"-5", "own: start 0 > end -5"},
	{"10:5", "own: start > end"},
	{"0x1p4", "own: hexadecimal float"},
	{"١٠", "own: non-ASCII digits"},
}

func TestParseRange(t *testing.T) {
	tables := []struct {
		name    string
		vectors []parseVector
	}{
		{"table 1a", table1aParse},
		{"table 4", table4Parse},
		// Our own: syntax the Perl module accepts ($value_re is
		// [-+]?[\d.]+(?:e[-+]?[\d.]+)?), plus 'E'.
		{"own", []parseVector{
			{"~:", Range{Start: negInf, End: inf}},
			{"@~:", Range{Start: negInf, End: inf, Inside: true}},
			{"@~:10", Range{Start: negInf, End: 10, Inside: true}},
			{"0:", Range{Start: 0, End: inf}},
			{"1e3", Range{Start: 0, End: 1000}},
			{"1E3", Range{Start: 0, End: 1000}},
			{"1e+3:2e3", Range{Start: 1000, End: 2000}},
			{"1e-3", Range{Start: 0, End: 0.001}},
			{".5", Range{Start: 0, End: 0.5}},
			{"5.", Range{Start: 0, End: 5}},
			{"+5:+6", Range{Start: 5, End: 6}},
			{"-0:0", Range{Start: 0, End: 0}},
			{"-.5:-0.25", Range{Start: -0.5, End: -0.25}},
			{"@10", Range{Start: 0, End: 10, Inside: true}},
		}},
	}
	for _, tab := range tables {
		for _, tc := range tab.vectors {
			got, err := ParseRange(tc.in)
			if err != nil {
				t.Errorf("%s: ParseRange(%q) error: %v", tab.name, tc.in, err)
				continue
			}
			if got != tc.want {
				t.Errorf("%s: ParseRange(%q) = %#v, want %#v", tab.name, tc.in, got, tc.want)
			}
			if math.Signbit(got.Start) && got.Start == 0 {
				t.Errorf("%s: ParseRange(%q).Start is -0", tab.name, tc.in)
			}
		}
	}
}

func TestParseRangeRejects(t *testing.T) {
	for _, tc := range rangeRejects {
		got, err := ParseRange(tc.in)
		if err == nil {
			t.Errorf("ParseRange(%q) = %v, want error (%s)", tc.in, got, tc.source)
			continue
		}
		if got != (Range{}) {
			t.Errorf("ParseRange(%q) returned %#v with its error, want zero Range", tc.in, got)
		}
		if want := "range " + strconv.Quote(tc.in) + ": "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("ParseRange(%q) error %q does not start with %q", tc.in, err, want)
		}
	}
}

func TestRangeAlert(t *testing.T) {
	tables := []struct {
		name    string
		vectors []alertVector
	}{
		{"table 1b", table1b},
		{"table 3", table3},
		{"table 4", table4},
		{"table 5", table5},
	}
	n := 0
	for _, tab := range tables {
		for _, tc := range tab.vectors {
			r, err := ParseRange(tc.rng)
			if err != nil {
				t.Errorf("%s: ParseRange(%q) error: %v", tab.name, tc.rng, err)
				continue
			}
			if got, want := r.Alert(tc.v), tc.alert; got != want {
				t.Errorf("%s: ParseRange(%q).Alert(%v) = %v, want %v", tab.name, tc.rng, tc.v, got, want)
			}
			n++
		}
	}
	if got, want := n, 16+67+28+38; got != want {
		t.Errorf("checked %d value vectors, want %d", got, want)
	}
}

func TestRangeMustPass(t *testing.T) {
	for _, tc := range mustPass {
		r, err := ParseRange(tc.rng)
		if err != nil {
			t.Errorf("ParseRange(%q) error: %v", tc.rng, err)
			continue
		}
		for _, v := range tc.alert {
			if !r.Alert(v) {
				t.Errorf("ParseRange(%q).Alert(%v) = false, want true", tc.rng, v)
			}
		}
		for _, v := range tc.notAlert {
			if r.Alert(v) {
				t.Errorf("ParseRange(%q).Alert(%v) = true, want false", tc.rng, v)
			}
		}
	}
}

func TestRangeAlertNaN(t *testing.T) {
	for _, s := range []string{"10", "~:", "@~:", "@10:20", "10:"} {
		r, err := ParseRange(s)
		if err != nil {
			t.Fatal(err)
		}
		if !r.Alert(math.NaN()) {
			t.Errorf("ParseRange(%q).Alert(NaN) = false, want true", s)
		}
	}
}

func TestRangeAlertInfinity(t *testing.T) {
	for _, tc := range []alertVector{
		{"~:", inf, false},
		{"~:", negInf, false},
		{"10:", inf, false},
		{"~:10", negInf, false},
		{"10", inf, true},
		{"@10:", inf, true},
	} {
		r, err := ParseRange(tc.rng)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.Alert(tc.v), tc.alert; got != want {
			t.Errorf("ParseRange(%q).Alert(%v) = %v, want %v", tc.rng, tc.v, got, want)
		}
	}
}

func TestRangeString(t *testing.T) {
	for _, tc := range []struct {
		in, want, source string
	}{
		// monitoring-plugins/monitoring-plugin-perl t/Monitoring-Plugin-Range.t @3035ed03 (Table 2).
		{"6", "6", "Range.t"},
		{"-7:23", "-7:23", "Range.t"},
		{":5.75", "5.75", "Range.t"},
		{"~:-95.99", "~:-95.99", "Range.t"},
		{"10:", "10:", "Range.t"},
		{"123456789012345:", "123456789012345:", "Range.t"},
		{"~:0", "~:0", "Range.t"},
		{"@0:657.8210567", "@657.8210567", "Range.t"},
		{"1:1", "1:1", "Range.t"},
		// NETWAYS/go-check threshold_test.go @330b235d (Table 4): exact round-trips.
		{"10", "10", "go-check"},
		{"10:", "10:", "go-check"},
		{"~:10", "~:10", "go-check"},
		{"10:20", "10:20", "go-check"},
		{"@10:20", "@10:20", "go-check"},
		{"-10:10", "-10:10", "go-check"},
		{"-10.001:10.001", "-10.001:10.001", "go-check"},
		// Our own canonical forms.
		{"0:", "0:", "own: [0,+Inf] cannot be empty"},
		{"@0:", "@0:", "own"},
		{"~:", "~:", "own"},
		{"@~:", "@~:", "own"},
		{"0:0", "0", "own"},
		{"-0:-0", "0", "own: no -0"},
		{"1e3", "1000", "own: no exponent"},
		{"1e21:", "1000000000000000000000:", "own: no exponent"},
		{"1e-7", "0.0000001", "own: no exponent"},
		{"12345678901234567890:", "12345678901234567000:", "own: shortest exact float64"},
		{"+5.:6.50", "5:6.5", "own"},
	} {
		r, err := ParseRange(tc.in)
		if err != nil {
			t.Errorf("ParseRange(%q) error: %v", tc.in, err)
			continue
		}
		if got, want := r.String(), tc.want; got != want {
			t.Errorf("ParseRange(%q).String() = %q, want %q (%s)", tc.in, got, want, tc.source)
		}
		if back, err := ParseRange(r.String()); err != nil || back != r {
			t.Errorf("ParseRange(%q) = %#v, %v; want %#v", r.String(), back, err, r)
		}
	}
}

func TestRangeStringExtremes(t *testing.T) {
	for _, v := range []float64{math.MaxFloat64, math.SmallestNonzeroFloat64, 1e300, 5e-324, 0.1, 1.0 / 3} {
		for _, r := range []Range{{Start: 0, End: v}, {Start: -v, End: inf, Inside: true}} {
			s := r.String()
			if strings.ContainsAny(s, "eE") {
				t.Errorf("%#v.String() = %q uses exponent notation", r, s)
			}
			if back, err := ParseRange(s); err != nil || back != r {
				t.Errorf("ParseRange(%q) = %#v, %v; want %#v", s, back, err, r)
			}
		}
	}
}

// Table 1c: monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280,
// thresholds and get_status(); and the plugin-level EvaluateThreshold vectors
// of atc0005/go-nagios range_test.go @e46e0242 (Table 5).
func TestThresholdsEvaluate(t *testing.T) {
	for _, tc := range []struct {
		warning, critical string
		v                 float64
		want              State
	}{
		// Table 1c.
		{"30", "60", 15.3, OK},
		{"30", "60", 30.0001, Warning},
		{"30", "60", 69, Critical},
		{"-10:-2", "-30:20", -31, Critical},
		{"-10:-2", "-30:20", -29, Warning},
		{"-10:-2", "-30:20", -11, Warning},
		{"-10:-2", "-30:20", -10, OK},
		{"-10:-2", "-30:20", -2, OK},
		{"-10:-2", "-30:20", -1, Warning},
		{"-10:-2", "-30:20", 19, Warning},
		{"-10:-2", "-30:20", 21, Critical},
		// Table 5, EvaluateThreshold.
		{"5:30", "0:40", 18, OK},
		{"5:30", "0:40", 31, Warning},
		{"5:30", "0:40", 4, Warning},
		{"5:30", "0:40", 41, Critical},
		{"5:30", "0:40", -1, Critical},
		// Plugin conventions §1.4, the guidelines' command-line examples.
		{"10", "20", 21, Critical},
		{"10", "20", 11, Warning},
		{"10", "20", -1, Critical},
		{"~:10", "~:20", -1, OK},
		{"10:", "20", 5, Warning},
		{"", "1:", 0, Critical},
		{"~:0", "10", 1, Warning},
		{"", "5:6", 7, Critical},
		{"", "@10:20", 15, Critical},
		{"", "@10:20", 21, OK},
		// Own: unset thresholds and NaN.
		{"", "", 1e9, OK},
		{"", "", math.NaN(), OK},
		{"10", "", math.NaN(), Warning},
		{"10", "20", math.NaN(), Critical},
	} {
		th, err := ParseThresholds(tc.warning, tc.critical)
		if err != nil {
			t.Errorf("ParseThresholds(%q, %q) error: %v", tc.warning, tc.critical, err)
			continue
		}
		if got, want := th.Evaluate(tc.v), tc.want; got != want {
			t.Errorf("ParseThresholds(%q, %q).Evaluate(%v) = %v, want %v", tc.warning, tc.critical, tc.v, got, want)
		}
	}
}

// Table 1c (parse rows): monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280.
func TestParseThresholds(t *testing.T) {
	ptr := func(r Range) *Range { return &r }
	for _, tc := range []struct {
		warning, critical string
		want              Thresholds
	}{
		{"", "", Thresholds{}},
		{"", "80", Thresholds{Critical: ptr(Range{Start: 0, End: 80})}},
		{"5:33", "", Thresholds{Warning: ptr(Range{Start: 5, End: 33})}},
		{"5:33", "~:80", Thresholds{Warning: ptr(Range{Start: 5, End: 33}), Critical: ptr(Range{Start: negInf, End: 80})}},
	} {
		got, err := ParseThresholds(tc.warning, tc.critical)
		if err != nil {
			t.Errorf("ParseThresholds(%q, %q) error: %v", tc.warning, tc.critical, err)
			continue
		}
		if !equalRange(got.Warning, tc.want.Warning) || !equalRange(got.Critical, tc.want.Critical) {
			t.Errorf("ParseThresholds(%q, %q) = {%v, %v}, want {%v, %v}",
				tc.warning, tc.critical, got.Warning, got.Critical, tc.want.Warning, tc.want.Critical)
		}
	}
}

// equalRange reports whether a and b are both nil or point to equal ranges.
func equalRange(a, b *Range) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Table 5 plugin-level vectors (atc0005/go-nagios range_test.go @e46e0242):
// an invalid range is an error, which the caller turns into UNKNOWN.
func TestParseThresholdsErrors(t *testing.T) {
	for _, tc := range []struct {
		warning, critical, want string
	}{
		{"5:30", "0:<=20", `critical range "0:<=20": end: "<=20" is not a decimal number`},
		{"x20", "", `warning range "x20": "x20" is not a decimal number`},
		{"", "2:1", `critical range "2:1": start 2 is greater than end 1`},
		{"~", "", `warning range "~": "~" is not a decimal number`},
		{"1:12%", "", `warning range "1:12%": end: "12%" is not a decimal number`},
		{"foo:1", "", `warning range "foo:1": start: "foo" is not a decimal number`},
		{":", "", `warning range ":": range needs a start or an end`},
		{"1e999", "", `warning range "1e999": "1e999": value out of range`},
		{"x", "y", `warning range "x": "x" is not a decimal number`},
	} {
		th, err := ParseThresholds(tc.warning, tc.critical)
		if err == nil {
			t.Errorf("ParseThresholds(%q, %q) = %+v, want error", tc.warning, tc.critical, th)
			continue
		}
		if got, want := err.Error(), tc.want; got != want {
			t.Errorf("ParseThresholds(%q, %q) error = %q, want %q", tc.warning, tc.critical, got, want)
		}
	}
}

func TestRangeErrorWrapping(t *testing.T) {
	_, err := ParseThresholds("", "1:1e999")
	if !errors.Is(err, strconv.ErrRange) {
		t.Errorf("ParseThresholds error %v does not wrap strconv.ErrRange", err)
	}
	_, err = ParseRange("1e999")
	if !errors.Is(err, strconv.ErrRange) {
		t.Errorf("ParseRange error %v does not wrap strconv.ErrRange", err)
	}
}

func TestRangeZeroValue(t *testing.T) {
	var r Range
	if got, want := r.String(), "0"; got != want {
		t.Errorf("Range{}.String() = %q, want %q", got, want)
	}
	if r.Alert(0) || !r.Alert(1) || !r.Alert(-1) {
		t.Errorf("Range{} must alert for every value but 0")
	}
}

// Table 1d: monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280,
// mp_translate_state().
func TestParseState(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want State
	}{
		{"Ok", OK}, {"ok", OK}, {"OK", OK}, {"0", OK},
		{"wArnINg", Warning}, {"warning", Warning}, {"WARNING", Warning}, {"1", Warning},
		{"cRiTIcaL", Critical}, {"critical", Critical}, {"CRITICAL", Critical}, {"2", Critical},
		{"UnKNoWN", Unknown}, {"unknown", Unknown}, {"UNKNOWN", Unknown}, {"3", Unknown},
	} {
		got, err := ParseState(tc.in)
		if err != nil {
			t.Errorf("ParseState(%q) error: %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ParseState(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestParseStateRejects(t *testing.T) {
	for _, in := range []string{
		// Table 1d: monitoring-plugins/monitoring-plugins lib/tests/test_utils.c @7db2b280.
		"warningfewgw", "00", "01", "10", "",
		// Own: near misses.
		"4", "-1", "+1", " ok", "ok ", "warn", "crit", "o", "okay", "UNKNOWN\n",
		"o\u212a",     // Kelvin sign, which Unicode case folding maps to "k"
		"unknown\x00", // trailing NUL
		"٠",           // Arabic-Indic zero
	} {
		if got, err := ParseState(in); err == nil {
			t.Errorf("ParseState(%q) = %v, want error", in, got)
		}
	}
	_, err := ParseState("x")
	if got, want := err.Error(), `invalid state "x": want OK, WARNING, CRITICAL, UNKNOWN or 0-3`; got != want {
		t.Errorf("ParseState(\"x\") error = %q, want %q", got, want)
	}
}
