package check

import (
	"context"
	"sync"

	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/plugin"
)

// Both runs the endpoint and the direct check side by side and compares
// them: the worst state wins, and an Identity Service that answers this host
// but not Creatio is named as the network problem it is.
type Both struct {
	Endpoint *creatio.Endpoint
	Direct   *Direct
}

// Run runs both checks concurrently under the same deadline.
func (b *Both) Run(ctx context.Context) *report.Report {
	var ep, dr *report.Report
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); ep = b.Endpoint.Run(ctx) }()
	go func() { defer wg.Done(); dr = b.Direct.Run(ctx) }()
	wg.Wait()

	r := &report.Report{Mode: "both", Health: ep.Health, Detail: ep.Detail, Cache: ep.Cache}
	if r.Health == nil {
		r.Health = dr.Health
	}
	r.Steps = append(r.Steps, ep.Steps...)
	for _, s := range dr.Steps {
		s.Name = "direct_" + s.Name
		r.Steps = append(r.Steps, s)
	}
	r.Perf = append(r.Perf, ep.Perf...)
	for _, p := range dr.Perf {
		p.Label = report.InBoth(p.Label)
		r.Perf = append(r.Perf, p)
	}
	r.Notes = append(ep.Notes, dr.Notes...)

	// The state is the two reports' failures again, each with the state it
	// was given and without a second check entry; the comparison's own
	// failure comes first, so that it leads line 1.
	if isFalse(ep.Health, func(h *report.Health) *bool { return h.IdentityServiceAvailable }) && isTrue(dr.Health, func(h *report.Health) *bool { return h.IdentityServiceAvailable }) {
		r.Fail(b.Endpoint.Policy, report.Failed(report.Problem, "Creatio says the Identity Service is unavailable, but it is reachable from this host:",
			"check DNS, proxy and firewall between the Creatio server and the Identity Service"))
	}
	for _, f := range ep.Failures {
		f.Step = ""
		r.Fail(b.Endpoint.Policy, &f)
	}
	for _, f := range dr.Failures {
		f.Step, f.Text, f.Hint, f.Fix = "", "from this host: "+f.Line(), "", ""
		r.Fail(b.Direct.Policy, &f)
	}
	if r.State == plugin.OK && ep.State == plugin.OK && dr.State == plugin.OK {
		r.Summary = "OAuth token is received as expected, by Creatio and from this host"
	}
	return r
}

func isFalse(h *report.Health, f func(*report.Health) *bool) bool {
	return h != nil && f(h) != nil && !*f(h)
}

func isTrue(h *report.Health, f func(*report.Health) *bool) bool {
	return h != nil && f(h) != nil && *f(h)
}
