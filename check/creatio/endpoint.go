package creatio

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
)

// Runtime is Creatio's runtime, which decides the health endpoint's path.
type Runtime string

// The runtimes: .NET Framework serves the endpoint under /0, .NET (Core, 6, 8)
// at the root; Auto tries /0 first and the root on 404.
const (
	RuntimeAuto  Runtime = "auto"
	RuntimeNetFx Runtime = "netfx"
	RuntimeNet   Runtime = "net"
)

// healthPath is the endpoint's path below the base URL for each runtime.
var healthPath = map[Runtime]string{
	RuntimeNetFx: "/0/api/OAuthHealthCheck",
	RuntimeNet:   "/api/OAuthHealthCheck",
}

// SplitEndpointURL takes a URL as Creatio's documentation prints it, the
// health endpoint itself ({base}/0/api/OAuthHealthCheck or
// {base}/api/OAuthHealthCheck), apart: the base URL and the runtime its path
// names. ok is false for any other URL, which is a base URL already.
func SplitEndpointURL(u *url.URL) (base *url.URL, rt Runtime, ok bool) {
	p := strings.ToLower(strings.TrimRight(u.Path, "/"))
	for _, rt := range []Runtime{RuntimeNetFx, RuntimeNet} {
		if suffix := strings.ToLower(healthPath[rt]); strings.HasSuffix(p, suffix) {
			b := *u
			b.Path = u.Path[:len(p)-len(suffix)]
			b.RawPath = ""
			return &b, rt, true
		}
	}
	return u, "", false
}

// Endpoint checks Creatio's OAuth health endpoint.
type Endpoint struct {
	Client     *web.Client
	Base       *url.URL // Creatio's base URL, with any virtual directory
	Runtime    Runtime
	Auth       Authenticator     // nil: no login
	Thresholds plugin.Thresholds // on the health request's time in seconds
	Policy     report.Policy
	Note       string // for -vv: how the base URL or runtime was found, if not as given
}

// logoutReserve is the part of the deadline kept for the logout after a
// login: the health request ends that much earlier, so that the session
// is ended even when Creatio does not answer, and the answer still comes
// before -t.
func logoutReserve(timeout time.Duration) time.Duration {
	return min(timeout/10, 500*time.Millisecond)
}

// Run calls the endpoint and turns its answer into a report. It never
// returns nil.
func (e *Endpoint) Run(ctx context.Context) *report.Report {
	r := &report.Report{Mode: "endpoint"}
	if e.Note != "" {
		r.Notes = append(r.Notes, e.Note)
	}
	if e.Auth == nil {
		e.run(ctx, r)
		return r
	}
	hctx := ctx
	if d, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		hctx, cancel = context.WithDeadline(ctx, d.Add(-logoutReserve(e.Policy.Timeout)))
		defer cancel()
	}
	// Without a login the health request is not made, so there is no
	// "time": the login's own time is the perfdata. (An undetermined "U"
	// would be the guidelines' way, but Icinga 2 and Monitoring::Plugin
	// reject it.)
	if e.Auth.Login(hctx, e.Client, e.Policy, r) {
		r = e.runAuthenticated(hctx, r)
	}
	if note := e.Auth.Logout(ctx, e.Client, e.Policy); note != "" {
		r.Notes = append(r.Notes, note)
	}
	if ca, ok := e.Auth.(cachedAuth); ok {
		if r.Cache = ca.cacheUse().status(); r.Cache != nil && !r.Cache.Used {
			cacheNotUsed(r, ca.cacheUse().notUsed)
		}
	}
	return r
}

// maxRenewals is how often one run replaces a cached credential that
// Creatio refused: once, and once more when the first replacement was
// another check's cached credential, refused too.
const maxRenewals = 2

// runAuthenticated makes the health request after a login. When Creatio
// refuses a credential that came from the cache (an ended session, a
// revoked token), or answers it with anything but its health JSON or a
// server fault (an SSO redirect to another host, an HTML page, a gateway's
// JSON), the run starts again with a new login in a new report (the notes
// kept), so the cache never gives a state of its own: the fresh answer is
// judged by the normal rule.
func (e *Endpoint) runAuthenticated(ctx context.Context, r *report.Report) *report.Report {
	for {
		notes := len(r.Notes)
		a, f := e.request(ctx, r)
		ca, cachable := e.Auth.(cachedAuth)
		if f == nil && cachable {
			u := ca.cacheUse()
			what, refused := refusedAnswer(a.resp)
			why, was := "", ""
			switch {
			case refused && u.cached && u.renewed < maxRenewals:
				why = "Creatio refused the cached credential (" + what + ")"
				was = " (that was the cached credential's answer: an ended session or a revoked token; the check logs in again)"
			case !refused && u.cached && !u.retried && oddAnswer(a.resp):
				u.retried = true
				why = "the answer to the cached credential is not Creatio's health JSON (" + e.oddText(a.resp) + ")"
				was = " (that was the answer to the cached credential; the check logs in again)"
			case refused:
				ca.discard(ctx, e.Client, r)
			}
			if why != "" {
				for i := notes; i < len(r.Notes); i++ {
					if strings.HasPrefix(r.Notes[i], "runtime: ") {
						r.Notes[i] += was
					}
				}
				r = &report.Report{Mode: r.Mode, Notes: append(r.Notes, "cache: "+why+"; dropped it, logging in again")}
				if !ca.renew(ctx, e.Client, e.Policy, r) {
					return r
				}
				continue
			}
		}
		e.judgeAnswer(r, a, f)
		return r
	}
}

// oddAnswer reports whether an answer to a cached credential is neither
// Creatio's health JSON nor a server fault (5xx, 429, too large): such an
// answer may be about the credential (an SSO redirect to another host, a
// page without Creatio's login markers, a gateway's JSON), so one new
// login is worth it before it is judged.
func oddAnswer(resp *web.Response) bool {
	if resp.TooLarge || resp.StatusCode >= 500 || web.Overloaded(resp.StatusCode) {
		return false
	}
	_, err := parseHealth(resp.Body)
	return err != nil || resp.StatusCode >= 300
}

// oddText names an odd answer for -vv: its status and, for a redirect,
// where to.
func (e *Endpoint) oddText(resp *web.Response) string {
	s := fmt.Sprintf("HTTP %d", resp.StatusCode)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if u, err := resp.Location(); err == nil {
			s += " to " + e.Client.URLText(u)
		}
	}
	return s
}

// cacheNotUsed puts why the cache was not used on line 1's detail at -v:
// the reason first, without paths (an entry's 64-digit name among them;
// the long output has the whole line), where it fits beside the HTTP
// detail, else instead of it.
func cacheNotUsed(r *report.Report, why error) {
	if why == nil {
		return
	}
	short := "credential cache not used: " + cache.ShortText(why)
	room := plugin.MaxLine - len(report.Name+" CRITICAL - ") - len(r.Summary) - 3
	switch {
	case r.Detail != "" && len(r.Detail)+2+len(short) <= room:
		r.Detail = short + "; " + r.Detail
	case len(short) <= room:
		r.Detail = short
	default:
		r.Detail = report.Cut(short, room)
	}
}

// run makes the health request, with the login's perfdata kept last.
func (e *Endpoint) run(ctx context.Context, r *report.Report) {
	a, f := e.request(ctx, r)
	e.judgeAnswer(r, a, f)
}

// judgeAnswer turns the health request's answer, or its failure, into the
// report, with the login's perfdata kept last.
func (e *Endpoint) judgeAnswer(r *report.Report, a *answer, err *requestFailure) {
	authPerf := r.Perf
	r.Perf = nil
	if err != nil {
		r.Perf = append([]plugin.Perf{report.TimePerf(report.Time, err.elapsed, e.Thresholds, e.Policy.Timeout.Seconds())}, authPerf...)
		r.Fail(e.Policy, err.Failure.In("health_request"))
		return
	}
	r.Perf = append(e.responsePerf(a.resp), authPerf...)
	r.Detail = fmt.Sprintf("HTTP %d from %s", a.resp.StatusCode, e.Client.URLText(a.resp.URL))
	e.classify(r, a)
	if r.Health != nil && e.auto() {
		r.Notes = append(r.Notes, fmt.Sprintf("runtime: found the endpoint at %s; pin it with --runtime %s", web.RedactURL(a.u), a.runtime))
	}
}

// auto reports whether the runtime is to be found (--runtime auto).
func (e *Endpoint) auto() bool { return e.Runtime == RuntimeAuto || e.Runtime == "" }

// answer is the health endpoint's answer, where it came from and the
// paths tried.
type answer struct {
	resp    *web.Response
	u       *url.URL
	runtime Runtime
	tried   []string
}

// requestFailure is a health request without an answer, and its time.
type requestFailure struct {
	*report.Failure
	elapsed float64
}

// request asks the health endpoint. With --runtime auto it asks the .NET
// Framework path first and the .NET one when that answers 404, 401 or a
// login redirect; the first answer stands unless the second is better
// than a 404.
func (e *Endpoint) request(ctx context.Context, r *report.Report) (*answer, *requestFailure) {
	runtimes := []Runtime{e.Runtime}
	if e.auto() {
		runtimes = []Runtime{RuntimeNetFx, RuntimeNet}
	}
	var first *answer
	var tried []string
	for i, rt := range runtimes {
		u := web.JoinPath(e.Base, healthPath[rt])
		tried = append(tried, u.Path)
		start := time.Now()
		resp, err := e.Client.Send(ctx, http.MethodGet, u, "", nil, e.apply)
		if err != nil {
			return nil, &requestFailure{e.Client.Describe(err, "the health request", u, e.Policy), time.Since(start).Seconds()}
		}
		a := &answer{resp: resp, u: u, runtime: rt, tried: tried}
		switch {
		case i == 0 && len(runtimes) > 1 && (resp.StatusCode == http.StatusNotFound || wantsLogin(resp)):
			r.Notes = append(r.Notes, fmt.Sprintf("runtime: %s answered HTTP %d; trying %s", web.RedactURL(u), resp.StatusCode, healthPath[runtimes[1]]))
			first = a
			continue
		case first != nil && resp.StatusCode == http.StatusNotFound && first.resp.StatusCode != http.StatusNotFound:
			first.tried = tried
			return first, nil
		}
		return a, nil
	}
	return first, nil
}

// apply adds the login's credentials, if any.
func (e *Endpoint) apply(req *http.Request) {
	if e.Auth != nil {
		e.Auth.Apply(req)
	}
}

// wantsLogin reports whether an answer asks for a login: 401, or a
// redirect to a login page.
func wantsLogin(resp *web.Response) bool {
	if resp.StatusCode == http.StatusUnauthorized {
		return true
	}
	if resp.StatusCode < 300 || resp.StatusCode > 399 {
		return false
	}
	loc, err := resp.Location()
	return err == nil && web.IsLoginPath(loc.Path)
}

// responsePerf is the perfdata of the health request.
func (e *Endpoint) responsePerf(resp *web.Response) []plugin.Perf {
	t := resp.Timings
	perf := []plugin.Perf{
		report.TimePerf(report.Time, t.Total, e.Thresholds, e.Policy.Timeout.Seconds()),
		report.SecondsPerf(report.TimeConnect, t.Connect),
	}
	if resp.URL != nil && resp.URL.Scheme == "https" {
		perf = append(perf, report.SecondsPerf(report.TimeTLS, t.TLS))
	}
	return append(perf,
		report.SecondsPerf(report.TimeFirstByte, t.FirstByte),
		sizePerf(resp.Size),
	)
}

// classify maps the health answer to a state, following Creatio's
// documentation of OAuthHealthCheck and the rule of Policy.state.
func (e *Endpoint) classify(r *report.Report, a *answer) {
	resp := a.resp
	h, f := e.judge(resp, a.tried)
	if f != nil {
		r.Fail(e.Policy, f.In("health_request"))
		return
	}
	h.Message = e.Client.Words(h.Message)
	r.Health = &h
	switch {
	case !h.Healthy():
		e.healthProblem(r, h)
	case web.Overloaded(resp.StatusCode):
		r.Steps = append(r.Steps, okSteps(h)...)
		text := fmt.Sprintf("Creatio answered %s although HasProblem is false", e.Client.Status(resp))
		r.Fail(e.Policy, report.Failed(report.Server, text, "check Creatio's application logs and load").In("health_request"))
		return
	default:
		r.Steps = append(r.Steps, okSteps(h)...)
		r.Summary = report.AsExpected + " (" + report.HumanSeconds(resp.Timings.Total) + ")"
		if resp.StatusCode != http.StatusOK {
			r.Detail += ", healthy body"
		}
	}
	e.applyThresholds(r, resp.Timings.Total)
}

// judge reads a health answer: Creatio's health, or the failure of an
// answer that is not usable health JSON.
func (e *Endpoint) judge(resp *web.Response, tried []string) (report.Health, *report.Failure) {
	if f := e.judgeStatus(resp, tried); f != nil {
		return report.Health{}, f
	}
	h, err := parseHealth(resp.Body)
	if err == nil {
		return h, nil
	}
	status := resp.StatusCode
	var f *report.Failure
	switch {
	case isLoginPage(resp):
		return h, e.authFailure("a login page", status)
	case web.Overloaded(status):
		f = report.Failed(report.Server, fmt.Sprintf("Creatio answered %s%s, not the OAuth health JSON", e.Client.Status(resp), e.Client.Via(resp)), "check Creatio's application logs and load")
	case status >= 200 && status < 300:
		f = report.Failed(report.Server, fmt.Sprintf("Creatio answered HTTP %d but %s", status, e.Client.ErrText(err, 160)), "check Creatio's application logs and --url")
	default:
		f = report.Failed(report.Setup, fmt.Sprintf("Creatio answered %s, not the OAuth health JSON", e.Client.Status(resp)), "check --url")
	}
	f.Detail = f.Text + "; the answer: " + e.Client.Sample(resp)
	return h, f
}

// judgeStatus is the failure of an answer whose status or size says it is
// no health answer (a redirect, a login wall, 404, too large), or nil.
func (e *Endpoint) judgeStatus(resp *web.Response, tried []string) *report.Failure {
	status := resp.StatusCode
	switch {
	case resp.TooLarge:
		return report.Failed(report.Server, fmt.Sprintf("the answer of %s is larger than the %d-byte cap (--max-body), so it is not the OAuth health JSON", resp.URL.Host, e.Client.MaxBody()), "check Creatio and any proxy")
	case status >= 300 && status < 400:
		return e.redirected(resp)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return e.authFailure(fmt.Sprintf("HTTP %d", status), status)
	case status == http.StatusNotFound:
		f := report.Failed(report.Setup, "no OAuth health endpoint (HTTP 404): Creatio older than 8.1.2, or .NET 8 before 8.3.2?", "check --url or use --mode direct")
		f.Hint = "Check --url or use --mode direct" // after the question, a sentence of its own
		f.Detail = fmt.Sprintf("HTTP 404 on %s of %s: the endpoint needs Creatio 8.1.2+ on .NET Framework or 8.3.2+ on .NET 8; check --url (with any virtual directory), or check the Identity Service with --mode direct", strings.Join(tried, " and "), resp.URL.Host)
		return f
	}
	return nil
}

// applyThresholds rates the health request's time against -w/-c; the
// worst state wins, and a breached time leads the status line only when the
// health itself is OK.
func (e *Endpoint) applyThresholds(r *report.Report, t float64) {
	r.Rate(e.Thresholds, report.Measure{What: "health request took", Value: t, Unit: "s", Options: [2]string{"-w", "-c"},
		Step: "response_time", Fix: "check the load of Creatio and of the Identity Service, or adjust -w/-c"})
}

// healthProblem records Creatio's HasProblem, or a flag it answered false,
// as the Problem it is, in the step of the first failing check (the cause):
// the checks before it are OK and those after it follow from it.
func (e *Endpoint) healthProblem(r *report.Report, h report.Health) {
	steps, cause := healthSteps(h)
	i := len(steps)
	if cause != nil {
		i = slices.IndexFunc(steps, func(s report.Step) bool { return s.Name == cause.Name })
		steps = slices.Delete(steps, i, i+1) // the cause's entry is the failure's
	}
	r.Steps = append(r.Steps, steps[:i]...)
	r.Fail(e.Policy, problemFailure(h, cause))
	r.Steps = append(r.Steps, steps[i:]...)
}

// okSteps are the steps of a health answer without a problem.
func okSteps(h report.Health) []report.Step {
	steps, _ := healthSteps(h)
	return steps
}

// problemFailure is Creatio's problem as a failure: Creatio's Message (or
// the cause it implies) and what to check on line 1, in the step of the
// cause, or of no step when Creatio names no failing check.
func problemFailure(h report.Health, cause *report.Check) *report.Failure {
	msg := h.Message
	f := report.Failed(report.Problem, "", "")
	f.Hint = "Open the OAuth 2.0 diagnostic in Creatio and its logs."
	switch {
	case cause != nil:
		f.Hint = cause.Hint
		f.Step, f.Fix, f.Detail = cause.Name, cause.Fix, cause.Flag+" false: "+cause.Failed
		if plugin.Sanitize(msg) == "" {
			msg = cause.Failed
		}
	case plugin.Sanitize(msg) == "":
		msg = "Creatio reports HasProblem true but names no failing check"
	}
	if msg = plugin.Sanitize(msg); !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	f.Text = msg
	return f
}

// redirected explains a 3xx answer that was not followed.
func (e *Endpoint) redirected(resp *web.Response) *report.Failure {
	loc, err := resp.Location()
	switch {
	case err != nil:
		return report.Failed(report.Server, fmt.Sprintf("Creatio answered HTTP %d without a usable Location", resp.StatusCode), "check Creatio's web server")
	case web.IsLoginPath(loc.Path):
		return e.authFailure("a redirect to "+e.Client.Clean(loc.EscapedPath(), 100), resp.StatusCode)
	case loc.Scheme != "http" && loc.Scheme != "https":
		return report.Failed(report.Setup, fmt.Sprintf("%s redirects to a %s: URL, which is not followed", resp.URL.Host, e.Client.Clean(loc.Scheme, 20)), "check --url and Creatio's web server")
	case !web.SameOrigin(resp.URL, loc):
		return report.Failed(report.Setup, fmt.Sprintf("%s redirects to another host or port, %s, which is not followed (no credentials leave)", resp.URL.Host, e.Client.Clean(loc.Host, 100)), "point --url at it")
	}
	return report.Failed(report.Server, fmt.Sprintf("Creatio answered HTTP %d to %s", resp.StatusCode, e.Client.URLText(loc)), "point --url at the final address")
}

// authFailure says that Creatio wants authentication and which options fix
// it, or, after a login, why Creatio rejected it.
func (e *Endpoint) authFailure(what string, status int) *report.Failure {
	if e.Auth != nil {
		return e.Auth.Rejected(status)
	}
	f := report.Failed(report.Setup, fmt.Sprintf("Creatio asks for authentication (%s)", what), "use --user, or --client-id with --identity-url")
	f.Detail = fmt.Sprintf("Creatio asks for authentication (%s): log in as a user with --user (password from CREATIO_PASSWORD or --password-file), with an OAuth client with --client-id and --identity-url (secret from CREATIO_CLIENT_SECRET or --client-secret-file), or with a ready token (--auth bearer, CREATIO_TOKEN or --token-file)", what)
	return f
}

// isLoginPage reports whether a body is one of Creatio's login pages.
func isLoginPage(resp *web.Response) bool {
	ct, _, _ := mime.ParseMediaType(resp.ContentType())
	if ct != "text/html" {
		return false
	}
	head := bytes.ToLower(resp.Body[:min(len(resp.Body), 4096)])
	return bytes.Contains(head, []byte("/login/")) || bytes.Contains(head, []byte("bootstrap.login")) || bytes.Contains(head, []byte("nuilogin"))
}

// sizePerf is the perfdata of the health answer's size in bytes.
func sizePerf(n int64) plugin.Perf {
	p := report.Size.Perf(float64(n))
	p.Min = plugin.Float(0)
	return p
}
