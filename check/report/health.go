package report

// Health is Creatio's OAuth health status, as GET {base}/0/api/OAuthHealthCheck
// answers it or as direct mode measures it. A nil flag is unknown: not in the
// answer, or not measured.
type Health struct {
	HasProblem                bool
	SettingsFilledIn          *bool // IsSystemSettingsFilledIn
	IdentityServiceAvailable  *bool // IsIdentityServiceAvailable
	TokenRetrievable          *bool // IsAccessTokenRetrievableForSystemActions
	DefaultResourceRegistered *bool // IsDefaultResourceRegistered (Creatio 8.3+)
	Message                   string
}

// Healthy reports whether Creatio sees no problem: HasProblem false and every
// known flag true.
func (h Health) Healthy() bool {
	if h.HasProblem {
		return false
	}
	for _, f := range []*bool{h.SettingsFilledIn, h.IdentityServiceAvailable, h.TokenRetrievable, h.DefaultResourceRegistered} {
		if f != nil && !*f {
			return false
		}
	}
	return true
}
