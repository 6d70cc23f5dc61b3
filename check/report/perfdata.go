package report

import "check_creatio_oauth/plugin"

// Label is a perfdata label the checks print, declared below with its unit
// and meaning. Its fields are unexported, so no other package can make one:
// a label the checks print through [Label.Perf], [SecondsPerf] or
// [TimePerf] is one of [Labels], and the README's perfdata table and the
// man page are tested against that list.
type Label struct{ name, unit, meaning string }

// labels is every declared Label, in the order of the documentation.
var labels []Label

// declare adds a label to labels.
func declare(name, unit, meaning string) Label {
	l := Label{name, unit, meaning}
	labels = append(labels, l)
	return l
}

// The perfdata labels. The units are the Monitoring Plugins' UOMs: "s"
// (seconds), "B" (bytes) and none (a count of days).
var (
	Time            = declare("time", "s", "endpoint mode: the health request, to the last byte of its answer; direct mode: the whole run; warn/crit from -w/-c, max -t")
	TimeConnect     = declare("time_connect", "s", "the TCP connection of the health request")
	TimeTLS         = declare("time_tls", "s", "the TLS handshake of the health request (https only)")
	TimeFirstByte   = declare("time_firstbyte", "s", "from the start of the health request to the first byte of its answer")
	Size            = declare("size", "B", "the body of the health answer")
	TimeLogin       = declare("time_login", "s", "the forms login")
	TimeToken       = declare("time_token", "s", "the token request of the plugin's OAuth login, or of direct mode")
	TimeDiscovery   = declare("time_discovery", "s", "direct and both mode: the discovery document")
	TokenLifetime   = declare("token_lifetime", "s", "direct and both mode: the token's expires_in")
	TimeDirect      = declare("time_direct", "s", "--mode both: direct mode's time")
	TimeTokenDirect = declare("time_token_direct", "s", "--mode both: direct mode's time_token")
	CertDays        = declare("cert_days", "", "whole days left on Creatio's certificate")
	IDSCertDays     = declare("ids_cert_days", "", "whole days left on the Identity Service's certificate")
)

// Labels are the declared perfdata labels, in the order of the
// documentation.
func Labels() []Label { return append([]Label(nil), labels...) }

// Name is the label as printed.
func (l Label) Name() string { return l.name }

// Unit is the unit of measurement printed after the value: "s", "B", or
// "" (none).
func (l Label) Unit() string { return l.unit }

// Meaning says what the value measures.
func (l Label) Meaning() string { return l.meaning }

// Perf is the perfdata item l=v with l's unit.
func (l Label) Perf(v float64) plugin.Perf {
	return plugin.Perf{Label: l.name, Value: v, Unit: l.unit}
}

// Declared is the declared label printed as name, if there is one.
func Declared(name string) (Label, bool) {
	for _, l := range labels {
		if l.name == name {
			return l, true
		}
	}
	return Label{}, false
}

// InBoth is the label under which --mode both prints direct mode's
// perfdata item name: its own times get the suffix "_direct", as the
// endpoint's time and time_token keep theirs; the rest is direct mode's
// alone and keeps its name.
func InBoth(name string) string {
	switch name {
	case Time.name:
		return TimeDirect.name
	case TimeToken.name:
		return TimeTokenDirect.name
	}
	return name
}
