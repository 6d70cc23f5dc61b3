package check

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

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

// Endpoint checks Creatio's OAuth health endpoint.
type Endpoint struct {
	Client     *Client
	Base       *url.URL // Creatio's base URL, with any virtual directory
	Runtime    Runtime
	Auth       Authenticator     // nil: no login
	Thresholds plugin.Thresholds // on the health request's time in seconds
	Policy     Policy
}

// Authenticator logs in to Creatio before the health request.
type Authenticator interface {
	// Login authenticates, adding its step and perfdata to r. It returns
	// false when the run must end (r then holds the UNKNOWN reason).
	Login(ctx context.Context, c *Client, r *Report) bool
	// Apply adds the credentials to a request to Creatio.
	Apply(req *http.Request)
	// Rejected explains a 401 or 403 answer to an authenticated request.
	Rejected(status int) string
}

// Run calls the endpoint and turns its answer into a report. It never
// returns nil.
func (e *Endpoint) Run(ctx context.Context) *Report {
	r := &Report{Mode: "endpoint"}
	if e.Auth != nil && !e.Auth.Login(ctx, e.Client, r) {
		// The health request was not made, so there is no "time": the
		// login's own time is the perfdata. (An undetermined "U" would be
		// the guidelines' way, but Icinga 2 and Monitoring::Plugin reject it.)
		return r
	}
	authPerf := r.Perf
	r.Perf = nil
	runtimes := []Runtime{e.Runtime}
	if e.Runtime == RuntimeAuto || e.Runtime == "" {
		runtimes = []Runtime{RuntimeNetFx, RuntimeNet}
	}
	var (
		resp    *Response
		u       *url.URL
		tried   []string
		runtime Runtime
	)
	for _, rt := range runtimes {
		runtime = rt
		u = below(e.Base, healthPath[rt])
		tried = append(tried, u.Path)
		req, err := http.NewRequest(http.MethodGet, u.String(), nil)
		if err != nil {
			return r.fail(failure{plugin.Unknown, fmt.Sprintf("cannot build the health request for %s: %v; check --url", redactURL(u), err), ""}, "health_request")
		}
		req.Header.Set("Accept", "application/json")
		if e.Auth != nil {
			e.Auth.Apply(req)
		}
		start := time.Now()
		resp, err = e.Client.Do(ctx, req)
		if err != nil {
			r.Perf = append([]plugin.Perf{timePerf("time", time.Since(start).Seconds(), e.Thresholds, e.Policy.Timeout.Seconds())}, authPerf...)
			return r.fail(describeNetError(err, "the health request", u, e.Policy), "health_request")
		}
		if resp.StatusCode != http.StatusNotFound || len(runtimes) == 1 {
			break
		}
		r.Notes = append(r.Notes, fmt.Sprintf("runtime: %s answered 404", redactURL(u)))
	}
	r.Perf = append(e.responsePerf(resp), authPerf...)
	if len(runtimes) > 1 && resp.StatusCode != http.StatusNotFound {
		r.Notes = append(r.Notes, fmt.Sprintf("runtime: found the endpoint at %s; pin it with --runtime %s", redactURL(u), runtime))
	}
	r.Detail = fmt.Sprintf("HTTP %d from %s", resp.StatusCode, redactURL(resp.URL))
	e.classify(r, resp, tried)
	return r
}

// responsePerf is the perfdata of the health request.
func (e *Endpoint) responsePerf(resp *Response) []plugin.Perf {
	t := resp.Timings
	perf := []plugin.Perf{
		timePerf("time", t.Total, e.Thresholds, e.Policy.Timeout.Seconds()),
		{Label: "time_connect", Value: seconds6(t.Connect), Unit: "s", Min: plugin.Float(0)},
	}
	if resp.URL != nil && resp.URL.Scheme == "https" {
		perf = append(perf, plugin.Perf{Label: "time_tls", Value: seconds6(t.TLS), Unit: "s", Min: plugin.Float(0)})
	}
	return append(perf,
		plugin.Perf{Label: "time_firstbyte", Value: seconds6(t.FirstByte), Unit: "s", Min: plugin.Float(0)},
		plugin.Perf{Label: "size", Value: float64(len(resp.Body)), Unit: "B", Min: plugin.Float(0)},
	)
}

// classify maps the health answer to a state, following Creatio's
// documentation of OAuthHealthCheck.
func (e *Endpoint) classify(r *Report, resp *Response, tried []string) {
	status := resp.StatusCode
	switch {
	case resp.TooLarge:
		r.fail(failure{plugin.Unknown, fmt.Sprintf("the answer of %s is larger than the %d-byte cap (--max-body), so it is not the OAuth health JSON", resp.URL.Host, len(resp.Body)), ""}, "health_request")
		return
	case status >= 300 && status < 400:
		e.redirected(r, resp)
		return
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		r.fail(e.authFailure(fmt.Sprintf("HTTP %d", status), status), "health_request")
		return
	case status == http.StatusNotFound:
		r.fail(failure{plugin.Unknown, "no OAuth health endpoint (HTTP 404): Creatio older than 8.1.2, or .NET 8 before 8.3.2? Check --url or use --mode direct",
			fmt.Sprintf("HTTP 404 on %s of %s: the endpoint needs Creatio 8.1.2+ on .NET Framework or 8.3.2+ on .NET 8; check --url (with any virtual directory), or check the Identity Service with --mode direct", strings.Join(tried, " and "), resp.URL.Host)}, "health_request")
		return
	}
	h, err := ParseHealth(resp.Body)
	if err != nil {
		switch {
		case isLoginPage(resp):
			r.fail(e.authFailure("a login page", status), "health_request")
		case status >= 500:
			text := fmt.Sprintf("Creatio answered HTTP %s, not the OAuth health JSON; check Creatio's application logs", resp.Status)
			r.fail(failure{plugin.Critical, text, text + "; the answer: " + sample(resp)}, "health_request")
		case status >= 200 && status < 300:
			text := fmt.Sprintf("Creatio answered HTTP %d but %v; check --url", status, err)
			r.fail(failure{plugin.Unknown, text, text + "; the answer: " + sample(resp)}, "health_request")
		default:
			text := fmt.Sprintf("Creatio answered HTTP %s, not the OAuth health JSON; check --url", resp.Status)
			r.fail(failure{plugin.Unknown, text, text + "; the answer: " + sample(resp)}, "health_request")
		}
		return
	}
	r.Health = &h
	steps, cause := healthSteps(h)
	r.Steps = append(r.Steps, steps...)
	if h.Healthy() {
		r.State = plugin.OK
		r.Summary = "OAuth token is received from the Identity Service as expected (" + humanSeconds(resp.Timings.Total) + ")"
		if status != http.StatusOK {
			r.Detail += ", healthy body"
		}
	} else {
		r.State = plugin.Critical
		r.Summary = problemSummary(h, cause)
	}
	e.applyThresholds(r, resp.Timings.Total)
}

// applyThresholds checks the health request's time against -w/-c; the worst
// state wins, and a breached time leads the status line only when the health
// itself is OK.
func (e *Endpoint) applyThresholds(r *Report, t float64) {
	st := e.Thresholds.Evaluate(t)
	if st == plugin.OK {
		return
	}
	rng := e.Thresholds.Critical
	name := "critical"
	if st == plugin.Warning {
		rng, name = e.Thresholds.Warning, "warning"
	}
	text := fmt.Sprintf("health request took %s, outside the %s range %s", humanSeconds(t), name, rng)
	summary := text
	if r.State == plugin.OK {
		summary += "; OAuth token is received as expected"
	}
	r.raise(st, summary, Step{Name: "response_time", Detail: text, Fix: "check the load of Creatio and of the Identity Service, or adjust -w/-c"})
}

// problemSummary is the status line of a health answer that reports a
// problem: Creatio's Message (or the cause it implies) and what to check.
func problemSummary(h Health, cause *creatioStep) string {
	msg := plugin.Sanitize(h.Message)
	hint := "Open the OAuth 2.0 diagnostic in Creatio and its logs."
	switch {
	case cause != nil:
		hint = cause.hint
		if msg == "" {
			msg = cause.failed
		}
	case msg == "":
		msg = "Creatio reports HasProblem true but names no failing check"
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	room := plugin.MaxLine - len(Name+" CRITICAL - ") - len(hint) - 1
	if len(msg) > room {
		msg = truncateWords(msg, room-3) + "..."
	}
	return msg + " " + hint
}

// truncateWords cuts s to at most n bytes, at a space when one is near.
func truncateWords(s string, n int) string {
	t := plugin.Truncate(s, n)
	if i := strings.LastIndexByte(t, ' '); i > n*3/4 {
		t = t[:i]
	}
	return strings.TrimRight(t, " ,.;:")
}

// humanSeconds prints a duration for a status line: "12.3 ms" below a
// second, "1.234 s" above.
func humanSeconds(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.1f ms", s*1000)
	}
	return fmt.Sprintf("%.3f s", s)
}

// redirected explains a 3xx answer that was not followed.
func (e *Endpoint) redirected(r *Report, resp *Response) {
	loc, err := resp.URL.Parse(resp.Header.Get("Location"))
	switch {
	case err != nil || resp.Header.Get("Location") == "":
		r.fail(failure{plugin.Unknown, fmt.Sprintf("Creatio answered HTTP %d without a usable Location; check --url", resp.StatusCode), ""}, "health_request")
	case isLoginPath(loc.Path):
		r.fail(e.authFailure("a redirect to "+loc.Path, resp.StatusCode), "health_request")
	case !sameOrigin(resp.URL, loc):
		r.fail(failure{plugin.Unknown, fmt.Sprintf("%s redirects to another host or port, %s, which is not followed (no credentials leave); point --url at it", resp.URL.Host, loc.Host), ""}, "health_request")
	default:
		r.fail(failure{plugin.Unknown, fmt.Sprintf("Creatio answered HTTP %d to %s; point --url at the final address", resp.StatusCode, redactURL(loc)), ""}, "health_request")
	}
}

// authFailure says that Creatio wants authentication and which options fix
// it, or, after a login, why Creatio rejected it.
func (e *Endpoint) authFailure(what string, status int) failure {
	if e.Auth != nil {
		return failure{state: plugin.Unknown, text: e.Auth.Rejected(status)}
	}
	return failure{plugin.Unknown,
		fmt.Sprintf("Creatio asks for authentication (%s); use --user, or --client-id with --identity-url", what),
		fmt.Sprintf("Creatio asks for authentication (%s): log in as a user with --user (password from CREATIO_PASSWORD or --password-file), with an OAuth client with --client-id and --identity-url (secret from CREATIO_CLIENT_SECRET or --client-secret-file), or with a ready token (--auth bearer, CREATIO_TOKEN or --token-file)", what)}
}

// isLoginPage reports whether a body is one of Creatio's login pages.
func isLoginPage(resp *Response) bool {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "text/html" {
		return false
	}
	head := bytes.ToLower(resp.Body[:min(len(resp.Body), 4096)])
	return bytes.Contains(head, []byte("/login/")) || bytes.Contains(head, []byte("bootstrap.login")) || bytes.Contains(head, []byte("nuilogin"))
}

// sample describes a body for a status line: content type and first bytes.
func sample(resp *Response) string {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = "no content type"
	}
	if len(resp.Body) == 0 {
		return ct + ", empty body"
	}
	head := resp.Body[:min(len(resp.Body), 40)]
	s := plugin.Sanitize(string(head))
	if len(resp.Body) > len(head) {
		s += "..."
	}
	return fmt.Sprintf("%s, %d bytes: %q", ct, len(resp.Body), s)
}
