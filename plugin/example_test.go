package plugin

import (
	"fmt"
	"os"
)

func ExampleParseRange() {
	r, err := ParseRange("@10:20")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range []float64{5, 10, 15, 20.5} {
		fmt.Printf("%v alerts: %v\n", v, r.Alert(v))
	}

	r, _ = ParseRange("@0:657.8210567")
	fmt.Println(r)

	_, err = ParseRange("2:1")
	fmt.Println(err)
	// Output:
	// 5 alerts: false
	// 10 alerts: true
	// 15 alerts: true
	// 20.5 alerts: false
	// @657.8210567
	// range "2:1": start 2 is greater than end 1
}

func ExampleResult_WriteTo() {
	th, err := ParseThresholds("1", "5")
	if err != nil {
		fmt.Println(err)
		return
	}
	elapsed := 1.25 // seconds
	r := Result{
		Name:    "EXAMPLE",
		State:   th.Evaluate(elapsed),
		Summary: fmt.Sprintf("response in %.3fs | slow", elapsed),
		Long:    []string{"status: 200", "body:\n{\"ok\": true}"},
		Perf: []Perf{
			{Label: "time", Value: elapsed, Unit: "s", Warning: th.Warning, Critical: th.Critical, Min: Float(0), Max: Float(10)},
			{Label: "size", Value: 380, Unit: "B", Min: Float(0)},
		},
	}
	if _, err := r.WriteTo(os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// EXAMPLE WARNING - response in 1.250s / slow | time=1.25s;1;5;0;10 size=380B;;;0
	// status: 200
	// body: {"ok": true}
}

func ExampleWorst() {
	fmt.Println(Worst(OK, Unknown, Warning))
	fmt.Println(Worst())
	// Output:
	// WARNING
	// OK
}
