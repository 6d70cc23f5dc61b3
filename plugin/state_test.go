package plugin

import "testing"

func TestStateString(t *testing.T) {
	for _, tc := range []struct {
		s    State
		want string
	}{
		{OK, "OK"},
		{Warning, "WARNING"},
		{Critical, "CRITICAL"},
		{Unknown, "UNKNOWN"},
		{State(-1), "UNKNOWN"},
		{State(4), "UNKNOWN"},
		{State(255), "UNKNOWN"},
	} {
		if got, want := tc.s.String(), tc.want; got != want {
			t.Errorf("State(%d).String() = %q, want %q", int(tc.s), got, want)
		}
	}
	if got, want := int(Critical), 2; got != want {
		t.Errorf("int(Critical) = %d, want %d", got, want)
	}
}

func TestWorst(t *testing.T) {
	for _, tc := range []struct {
		in   []State
		want State
	}{
		{nil, OK},
		{[]State{OK}, OK},
		{[]State{OK, OK}, OK},
		{[]State{OK, Unknown}, Unknown},
		{[]State{Unknown, Warning}, Warning},
		{[]State{Warning, Unknown}, Warning},
		{[]State{Critical, Unknown}, Critical},
		{[]State{Unknown, Critical, Warning, OK}, Critical},
		{[]State{OK, Warning, OK}, Warning},
		{[]State{OK, State(7)}, Unknown},
		{[]State{State(-1)}, Unknown},
		{[]State{State(7), Warning}, Warning},
	} {
		if got, want := Worst(tc.in...), tc.want; got != want {
			t.Errorf("Worst(%v) = %v, want %v", tc.in, got, want)
		}
	}
}
