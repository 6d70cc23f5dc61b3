//go:build linux

package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// table is a titled grid of cells that prints as aligned text or as a
// markdown table.
type table struct {
	Title string
	Head  []string
	Rows  [][]string
	Left  int // the first Left columns are left-aligned, the rest right-aligned
	Notes []string
}

// add appends a row.
func (t *table) add(cells ...string) { t.Rows = append(t.Rows, cells) }

// widths returns the display width of each column.
func (t *table) widths() []int {
	w := make([]int, len(t.Head))
	for _, row := range append([][]string{t.Head}, t.Rows...) {
		for i, c := range row {
			if i < len(w) && utf8.RuneCountInString(c) > w[i] {
				w[i] = utf8.RuneCountInString(c)
			}
		}
	}
	return w
}

// pad aligns s in a field of width w.
func pad(s string, w int, left bool) string {
	n := w - utf8.RuneCountInString(s)
	if n <= 0 {
		return s
	}
	if left {
		return s + strings.Repeat(" ", n)
	}
	return strings.Repeat(" ", n) + s
}

// text writes t as an aligned plain-text table.
func (t *table) text(w io.Writer) {
	fmt.Fprintf(w, "\n%s\n", t.Title)
	ws := t.widths()
	line := func(cells []string) {
		parts := make([]string, len(ws))
		for i := range ws {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			parts[i] = pad(c, ws[i], i < t.Left)
		}
		fmt.Fprintln(w, "  "+strings.TrimRight(strings.Join(parts, "  "), " "))
	}
	line(t.Head)
	total := 0
	for _, x := range ws {
		total += x + 2
	}
	fmt.Fprintln(w, "  "+strings.Repeat("-", total-2))
	for _, r := range t.Rows {
		line(r)
	}
	for _, n := range t.Notes {
		fmt.Fprintln(w, "  "+n)
	}
}

// markdown writes t as a markdown section.
func (t *table) markdown(w io.Writer) {
	fmt.Fprintf(w, "\n### %s\n\n", t.Title)
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	row := func(cells []string) {
		out := make([]string, len(t.Head))
		for i := range out {
			if i < len(cells) {
				out[i] = esc(cells[i])
			}
		}
		fmt.Fprintln(w, "| "+strings.Join(out, " | ")+" |")
	}
	row(t.Head)
	sep := make([]string, len(t.Head))
	for i := range sep {
		if i < t.Left {
			sep[i] = "---"
		} else {
			sep[i] = "---:"
		}
	}
	fmt.Fprintln(w, "|"+strings.Join(sep, "|")+"|")
	for _, r := range t.Rows {
		row(r)
	}
	if len(t.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.Notes {
			fmt.Fprintln(w, n+"  ")
		}
	}
}

// verdict is one target's outcome.
type verdict struct {
	Status string // PASS, FAIL, SKIP or info
	What   string
	Got    string
}

// f2 formats a ratio or small number with two decimals.
func f2(x float64) string { return fmt.Sprintf("%.2f", x) }

// mib formats KiB as MiB with one decimal.
func mib(kib float64) string { return fmt.Sprintf("%.1f", kib/1024) }

// print writes every table and the verdicts to stdout, and as markdown to
// -out when set.
func (b *bench) print() error {
	w := os.Stdout
	for _, t := range b.tables {
		t.text(w)
	}
	if len(b.verdicts) > 0 {
		fmt.Fprintln(w, "\nTargets")
		for _, v := range b.verdicts {
			fmt.Fprintf(w, "  %s  %-62s %s\n", v.Status, v.What, v.Got)
		}
	}
	if b.standIn {
		fmt.Fprintln(w, "\nNOTE: -bin bareget: the bare GET stood in for the plugin; these numbers only exercise the harness.")
	}
	if b.cfg.out == "" {
		return nil
	}
	f, err := os.Create(b.cfg.out)
	if err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	b.markdown(f)
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// markdown writes the whole report as markdown.
func (b *bench) markdown(w io.Writer) {
	fmt.Fprintln(w, "## check_creatio_oauth benchmark")
	for _, t := range b.tables {
		t.markdown(w)
	}
	if len(b.verdicts) > 0 {
		vt := &table{Title: "Targets", Head: []string{"result", "target", "measured"}, Left: 3}
		for _, v := range b.verdicts {
			vt.add(v.Status, v.What, v.Got)
		}
		vt.markdown(w)
	}
	if b.standIn {
		fmt.Fprintln(w, "\n_The bare GET stood in for the plugin (-bin bareget); these numbers only exercise the harness._")
	}
}
