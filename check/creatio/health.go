package creatio

import (
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"errors"
	"fmt"

	"github.com/tidwall/gjson"
)

// errNotHealthJSON is wrapped by parseHealth's errors: the body is not the
// OAuth health JSON.
var errNotHealthJSON = errors.New("not the OAuth health JSON")

// parseHealth reads Creatio's OAuth health JSON. HasProblem and the three
// documented flags must be JSON booleans, IsDefaultResourceRegistered a boolean
// when present and Message a string or null; other keys are ignored. Keys
// match in any case, as ASP.NET Core writes them in camelCase
// ("hasProblem"); a leading UTF-8 byte order mark is skipped. A key that
// appears twice, also in two spellings, is an error, since readers disagree
// on which one counts.
func parseHealth(body []byte) (report.Health, error) {
	var h report.Health
	o, err := web.ReadObject(body)
	if err != nil {
		return h, fmt.Errorf("%w: %w", errNotHealthJSON, err)
	}
	for _, key := range []string{report.FlagHasProblem, report.FlagSettingsFilledIn, report.FlagIdentityService, report.FlagTokenRetrievable, report.FlagDefaultResource, report.FlagMessage} {
		if err := o.Unique(key); err != nil {
			return h, fmt.Errorf("%w: %w", errNotHealthJSON, err)
		}
	}
	flag := func(key string, required bool) *bool {
		v, ok := o.Get(key)
		switch {
		case !ok && required && err == nil:
			err = fmt.Errorf("%w: no %q key", errNotHealthJSON, key)
		case ok && !v.IsBool() && err == nil:
			err = fmt.Errorf("%w: %q is a JSON %s, not true or false", errNotHealthJSON, key, web.Kind(v))
		case ok && v.IsBool():
			b := v.Bool()
			return &b
		}
		return nil
	}
	hasProblem := flag(report.FlagHasProblem, true)
	h.SettingsFilledIn = flag(report.FlagSettingsFilledIn, true)
	h.IdentityServiceAvailable = flag(report.FlagIdentityService, true)
	h.TokenRetrievable = flag(report.FlagTokenRetrievable, true)
	h.DefaultResourceRegistered = flag(report.FlagDefaultResource, false)
	if m, ok := o.Get(report.FlagMessage); ok && err == nil {
		switch m.Type {
		case gjson.String:
			h.Message = m.Str
		case gjson.Null:
		default:
			err = fmt.Errorf("%w: %q is a JSON %s, not a string", errNotHealthJSON, report.FlagMessage, web.Kind(m))
		}
	}
	if err != nil {
		return report.Health{}, err
	}
	h.HasProblem = *hasProblem
	return h, nil
}

// healthSteps turns a health answer into steps and the first failing check
// (the cause). Flags that are false after the cause are marked as following
// from it, as Creatio stops at the first failure.
func healthSteps(h report.Health) (steps []report.Step, cause *report.Check) {
	for i := range report.Checks {
		cs := &report.Checks[i]
		v := h.Flag(cs.Flag)
		switch {
		case v == nil:
			continue
		case *v:
			steps = append(steps, report.Step{Name: cs.Name, State: plugin.OK, Detail: cs.Title})
		case cause != nil:
			steps = append(steps, report.Step{Name: cs.Name, State: plugin.Critical,
				Detail: cs.Flag + " false (follows from the " + cause.Name + " step)"})
		default:
			cause = cs
			steps = append(steps, report.Step{Name: cs.Name, State: plugin.Critical,
				Detail: cs.Flag + " false: " + cs.Failed, Fix: cs.Fix})
		}
	}
	return steps, cause
}
