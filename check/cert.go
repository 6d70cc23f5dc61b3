package check

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"time"

	"check_creatio_oauth/plugin"
)

// Runner is a check that can run: Endpoint, Direct or Both.
type Runner interface {
	Run(ctx context.Context) *Report
}

// Certificates runs a check and then rates the TLS certificates it met, like
// check_http -C: fewer than Warn days left is WARNING, fewer than Crit days
// is CRITICAL. It adds perfdata cert_days (Creatio) and ids_cert_days (the
// Identity Service).
type Certificates struct {
	Check      Runner
	Client     *Client
	Creatio    *url.URL // nil in direct mode
	Identity   *url.URL // nil when no Identity Service was asked
	Warn, Crit float64  // days
	Now        func() time.Time
}

// Run runs the check, then the certificate expiry checks.
func (c *Certificates) Run(ctx context.Context) *Report {
	r := c.Check.Run(ctx)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	th := plugin.Thresholds{Warning: &plugin.Range{Start: c.Warn, End: math.Inf(1)}}
	if c.Crit > 0 {
		th.Critical = &plugin.Range{Start: c.Crit, End: math.Inf(1)}
	}
	for _, t := range []struct {
		label, step, what string
		u                 *url.URL
	}{
		{"cert_days", "certificate", "Creatio's", c.Creatio},
		{"ids_cert_days", "identity_certificate", "the Identity Service's", c.Identity},
	} {
		if t.u == nil || t.u.Scheme != "https" {
			continue
		}
		notAfter, ok := c.Client.CertNotAfter(t.u)
		if !ok {
			continue // no TLS connection was made: the check's own failure says why
		}
		days := math.Round(notAfter.Sub(now()).Hours()/24*10) / 10
		r.Perf = append(r.Perf, plugin.Perf{Label: t.label, Value: days, Warning: th.Warning, Critical: th.Critical})
		expired := !notAfter.After(now()) // not the rounded days: -0.03 rounds to 0
		st := plugin.Critical
		if !expired {
			st = th.Evaluate(days)
		}
		detail := fmt.Sprintf("%s certificate (%s) is valid for %.1f more days, until %s", t.what, t.u.Host, days, notAfter.UTC().Format("2006-01-02 15:04 MST"))
		if expired {
			detail = fmt.Sprintf("%s certificate (%s) expired %.1f days ago, on %s", t.what, t.u.Host, math.Abs(days), notAfter.UTC().Format("2006-01-02 15:04 MST"))
		}
		step := Step{Name: t.step, Detail: detail}
		if st != plugin.OK {
			step.Fix = "renew the certificate of " + t.u.Hostname()
		}
		r.raise(st, detail+"; renew it", step)
	}
	return r
}
