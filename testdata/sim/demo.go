package sim

// The demo credentials of make demo and of the simulator command
// (testdata/simulator) when it is given no secret files. The password is
// neither a user name nor a word of the plugin's output, so that a
// redacted echo of it ("[redacted]") is never mistaken for the user, as it
// was when user and password were both "Supervisor". Never use them outside
// a demo.
const (
	DemoUser         = "Supervisor"
	DemoPassword     = "demo-pw-Kx7q"
	DemoClient       = "monitoring"
	DemoSecret       = "demo-secret"
	DemoNoPermClient = "noperm"
	DemoNoPermSecret = "noperm-secret"
)
