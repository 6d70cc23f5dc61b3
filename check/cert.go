package check

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"time"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
)

// Runner is a check that can run: Endpoint, Direct or Both.
type Runner interface {
	Run(ctx context.Context) *report.Report
}

// Certificates runs a check and then rates the TLS certificates it met as
// check_http -C does: in whole days left (29.997 days are 29), WARNING at
// Warn days or fewer, CRITICAL at Crit days or fewer, and an expired one
// always CRITICAL. It adds perfdata cert_days (Creatio) and ids_cert_days
// (the Identity Service), whole days with the ranges @~:WARN and @~:CRIT.
type Certificates struct {
	Check      Runner
	Client     *web.Client
	Creatio    *url.URL // nil in direct mode
	Identity   *url.URL // nil when no Identity Service was asked
	Warn, Crit float64  // days
	Now        func() time.Time
}

// Run runs the check, then the certificate expiry checks.
func (c *Certificates) Run(ctx context.Context) *report.Report {
	r := c.Check.Run(ctx)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	th := plugin.Thresholds{Warning: &plugin.Range{Start: math.Inf(-1), End: c.Warn, Inside: true}}
	if c.Crit > 0 {
		th.Critical = &plugin.Range{Start: math.Inf(-1), End: c.Crit, Inside: true}
	}
	for _, t := range []struct {
		label      report.Label
		step, what string
		u          *url.URL
	}{
		{report.CertDays, "certificate", "Creatio's", c.Creatio},
		{report.IDSCertDays, "identity_certificate", "the Identity Service's", c.Identity},
	} {
		if t.u == nil || t.u.Scheme != "https" {
			continue
		}
		notAfter, ok := c.Client.CertNotAfter(t.u)
		if !ok {
			continue // no TLS connection was made: the check's own failure says why
		}
		left := notAfter.Sub(now())
		days := math.Trunc(left.Hours() / 24) // whole days, as check_http counts them
		p := t.label.Perf(days)
		p.Warning, p.Critical = th.Warning, th.Critical
		r.Perf = append(r.Perf, p)
		st := th.Evaluate(days)
		if left <= 0 || (c.Crit == 0 && days < 1) {
			st = plugin.Critical // expired, or expiring today with no CRIT_DAYS (as check_http -C)
		}
		until := notAfter.UTC().Format("2006-01-02 15:04 MST")
		detail := fmt.Sprintf("%s certificate (%s) expires in %d day(s), on %s", t.what, t.u.Host, int(days), until)
		if left <= 0 {
			detail = fmt.Sprintf("%s certificate (%s) expired %d day(s) ago, on %s", t.what, t.u.Host, int(-days), until)
		}
		if st == plugin.OK {
			r.Steps = append(r.Steps, report.Step{Name: t.step, State: st, Detail: detail})
			continue
		}
		f := report.RatedFailure(st, detail+"; renew it", "renew the certificate of "+t.u.Hostname())
		f.Step, f.Detail = t.step, detail
		r.Fail(report.Policy{}, f)
	}
	return r
}
