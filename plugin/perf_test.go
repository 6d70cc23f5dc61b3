package plugin

import (
	"math"
	"strings"
	"testing"
)

func TestPerfString(t *testing.T) {
	rng := func(s string) *Range {
		r, err := ParseRange(s)
		if err != nil {
			t.Fatal(err)
		}
		return &r
	}
	for _, tc := range []struct {
		name string
		p    Perf
		want string
	}{
		// Field layout and dropped trailing fields.
		{"value only", Perf{Label: "x", Value: 1}, "x=1"},
		{"min and max", Perf{Label: "time", Value: 0.1, Unit: "s", Min: Float(0), Max: Float(10)}, "time=0.1s;;;0;10"},
		{"min only", Perf{Label: "size", Value: 380, Unit: "B", Min: Float(0)}, "size=380B;;;0"},
		{"max only", Perf{Label: "x", Value: 1, Max: Float(2)}, "x=1;;;;2"},
		{"warn only", Perf{Label: "m", Value: 5, Warning: rng("80")}, "m=5;80"},
		{"crit only", Perf{Label: "m", Value: 5, Critical: rng("90")}, "m=5;;90"},
		{"all fields", Perf{Label: "time", Value: 0.41, Unit: "s", Warning: rng("1"), Critical: rng("5"), Min: Float(0), Max: Float(9.5)}, "time=0.41s;1;5;0;9.5"},
		{"range forms", Perf{Label: "x", Value: -3, Warning: rng("~:10"), Critical: rng("@10:20")}, "x=-3;~:10;@10:20"},
		{"open ranges", Perf{Label: "x", Value: 0, Warning: rng("0:"), Critical: rng("~:")}, "x=0;0:;~:"},
		{"range from Perl round-trip", Perf{Label: "x", Value: 1, Warning: rng("@0:657.8210567")}, "x=1;@657.8210567"},
		{"invalid range left empty", Perf{Label: "x", Value: 1, Warning: &Range{Start: 2, End: 1}, Critical: &Range{Start: math.NaN(), End: 1}}, "x=1"},
		{"infinite range ends left empty", Perf{Label: "x", Value: 1, Warning: &Range{Start: inf, End: inf}, Critical: &Range{Start: negInf, End: negInf}}, "x=1"},
		// Units.
		{"percent", Perf{Label: "cpu", Value: 99.5, Unit: "%"}, "cpu=99.5%"},
		{"counter", Perf{Label: "requests", Value: 12345, Unit: "c"}, "requests=12345c"},
		{"KB", Perf{Label: "mem", Value: 1.5, Unit: "KB"}, "mem=1.5KB"},
		{"unit with micro sign dropped", Perf{Label: "t", Value: 3, Unit: "µs"}, "t=3"},
		{"unit with separator dropped", Perf{Label: "t", Value: 3, Unit: "s;1"}, "t=3"},
		{"unit with space dropped", Perf{Label: "t", Value: 3, Unit: "K B"}, "t=3"},
		// Values.
		{"NaN", Perf{Label: "x", Value: math.NaN()}, "x=U"},
		{"+Inf", Perf{Label: "x", Value: inf}, "x=U"},
		{"-Inf", Perf{Label: "x", Value: negInf}, "x=U"},
		{"U drops unit, keeps fields", Perf{Label: "time", Value: math.NaN(), Unit: "s", Min: Float(0), Max: Float(10)}, "time=U;;;0;10"},
		{"negative zero", Perf{Label: "x", Value: math.Copysign(0, -1)}, "x=0"},
		{"negative", Perf{Label: "x", Value: -1.5}, "x=-1.5"},
		{"no exponent for 1e21", Perf{Label: "x", Value: 1e21}, "x=1000000000000000000000"},
		{"no exponent for 1e300", Perf{Label: "x", Value: 1e300}, "x=1" + strings.Repeat("0", 300)},
		{"no exponent for 1e-7", Perf{Label: "x", Value: 1e-7}, "x=0.0000001"},
		{"no exponent for 5e-324", Perf{Label: "x", Value: 5e-324}, "x=0." + strings.Repeat("0", 323) + "5"},
		{"shortest exact digits", Perf{Label: "x", Value: 0.30000000000000004}, "x=0.30000000000000004"},
		{"C locale", Perf{Label: "time", Value: 1.334256, Unit: "s"}, "time=1.334256s"},
		{"NaN and Inf bounds left empty", Perf{Label: "x", Value: 1, Min: Float(math.NaN()), Max: Float(inf)}, "x=1"},
		{"NaN min, finite max", Perf{Label: "x", Value: 1, Min: Float(math.NaN()), Max: Float(10)}, "x=1;;;;10"},
		// Labels.
		{"space quoted", Perf{Label: "bytes in", Value: 12, Unit: "B"}, "'bytes in'=12B"},
		{"only a space", Perf{Label: " ", Value: 1}, "' '=1"},
		{"empty label", Perf{Label: "", Value: 1}, "_=1"},
		{"equals sign", Perf{Label: "a=b", Value: 1}, "a_b=1"},
		{"single quote", Perf{Label: "it's", Value: 1}, "it_s=1"},
		{"double quote and space", Perf{Label: `say "hi"`, Value: 1}, "'say _hi_'=1"},
		{"backtick", Perf{Label: "a`b", Value: 1}, "a_b=1"},
		{"pipe", Perf{Label: "a|b", Value: 1}, "a_b=1"},
		{"newline", Perf{Label: "a\nb", Value: 1}, "a_b=1"},
		{"tab", Perf{Label: "a\tb", Value: 1}, "a_b=1"},
		{"DEL and C1", Perf{Label: "a\x7fb\u0085c", Value: 1}, "a_b_c=1"},
		{"no-break space quoted", Perf{Label: "a\u00a0b", Value: 1}, "'a b'=1"},
		{"line separator quoted", Perf{Label: "a\u2028b", Value: 1}, "'a b'=1"},
		{"invalid UTF-8", Perf{Label: "a\xffb", Value: 1}, "a\uFFFDb=1"},
		{"unicode kept", Perf{Label: "zeit_ü", Value: 1}, "zeit_ü=1"},
		{"semicolon kept", Perf{Label: "a;b", Value: 1}, "a;b=1"},
		{"all quotes", Perf{Label: `''`, Value: 1}, "__=1"},
	} {
		if got, want := tc.p.String(), tc.want; got != want {
			t.Errorf("%s: Perf.String() = %q, want %q", tc.name, got, want)
		}
	}
}

func TestFloat(t *testing.T) {
	a, b := Float(1), Float(1)
	if a == b {
		t.Errorf("Float returned the same pointer twice")
	}
	if got, want := *a, 1.0; got != want {
		t.Errorf("*Float(1) = %v, want %v", got, want)
	}
}
