// Package plugin implements the output and threshold conventions of
// Nagios-compatible monitoring plugins (Nagios, Icinga, Naemon), as written
// down in the Monitoring Plugins Development Guidelines
// (https://www.monitoring-plugins.org/doc/guidelines.html). It knows nothing
// about the service being checked.
//
// # Exit codes
//
// A plugin reports its result through its exit code: 0 OK, 1 WARNING,
// 2 CRITICAL and 3 UNKNOWN (see [State]). The monitoring core takes the
// state from the exit code, never from the text.
//
// # Output
//
// [Result.WriteTo] prints
//
//	NAME STATE - summary | perf1 perf2 ...
//	long output line 1
//	long output line 2
//
// All performance data goes on the first line after " | ", separated by
// single spaces. Every line ends in "\n". All text passes through
// [Sanitize], so a "|" or a line break in dynamic text can never corrupt
// the format, and the part of line 1 before " | " is at most [MaxLine]
// bytes long.
//
// # Performance data
//
// One item ([Perf]) has the form
//
//	'label'=value[UOM];[warn];[crit];[min];[max]
//
// The label is quoted only when it contains a space; '=', the quote
// characters and control characters in it become '_'. Numbers use a '.'
// decimal point and never exponent notation. A value that could not be
// determined (NaN or an infinity) prints as "U". Empty trailing fields are
// left out.
//
// # Ranges and thresholds
//
// A threshold range ([Range], [ParseRange]) has the form [@][start:][end]:
//
//	10      alert if x < 0 or x > 10
//	10:     alert if x < 10
//	~:10    alert if x > 10 ("~" is minus infinity)
//	10:20   alert if x < 10 or x > 20
//	@10:20  alert if 10 <= x <= 20
//
// Endpoints belong to the range. Parsing is strict, as in the Perl
// Monitoring::Plugin::Range module: start must not be greater than end, and
// anything that is not part of the syntax is rejected. [Thresholds]
// evaluates the critical range before the warning range.
//
// # Aggregation
//
// [Worst] combines several partial states in the order of the Monitoring
// Plugins C library (max_state_alt): CRITICAL > WARNING > UNKNOWN > OK.
package plugin
