package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// dist is a median with the smallest and largest of the runs.
type dist struct {
	med, min, max float64
	n             int
}

func summarize(xs []float64) dist {
	if len(xs) == 0 {
		return dist{med: math.NaN(), min: math.NaN(), max: math.NaN()}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	d := dist{min: s[0], max: s[len(s)-1], n: len(s)}
	if len(s)%2 == 1 {
		d.med = s[len(s)/2]
	} else {
		d.med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return d
}

func (d dist) ok() bool { return d.n > 0 }

// fmtDist prints "med (min–max)" with format f for each number.
func fmtDist(d dist, f string) string {
	if !d.ok() {
		return "—"
	}
	if d.min == d.max {
		return fmt.Sprintf(f, d.med)
	}
	return fmt.Sprintf(f+" ("+f+"–"+f+")", d.med, d.min, d.max)
}

func fmtMs(d dist) string { return fmtDist(d, "%.1f") + " ms" }

func fmtRatio(d dist) string {
	if !d.ok() {
		return "—"
	}
	return "×" + fmtDist(d, "%.2f")
}

func fmtCount(d dist) string { return fmtDist(d, "%.0f") }

func fmtBytes(n int64) string {
	switch {
	case n == 0:
		return "0"
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	}
}

func fmtSize(s size) string {
	if s.Raw == 0 {
		return "0"
	}
	return fmt.Sprintf("%s / %s / %s", fmtBytes(s.Raw), fmtBytes(s.Gzip), fmtBytes(s.Brotli))
}

func fmtPercent(part, whole int64) string {
	return fmt.Sprintf("%+.1f%% (%+.1f KiB)", 100*float64(part-whole)/float64(whole), float64(part-whole)/1024)
}

// verdict marks a target: met, or MISS in bold, so a miss reads as a finding.
func verdict(target string, met bool, measured string) string {
	if met {
		return target + ": met (" + measured + ")"
	}
	return target + ": **MISS** (" + measured + ")"
}

// table is the one results table: a row per figure, a column per alternative, and
// authfetch's target with its verdict.
type table struct {
	alts    []alt
	rows    [][]string
	misses  []string
	current string // the section rows are added to
}

func (t *table) section(title string) {
	t.current = title
	row := []string{"**" + title + "**"}
	for range t.alts {
		row = append(row, "")
	}
	t.rows = append(t.rows, append(row, ""))
}

// row adds a figure; cell gives the value for an alternative ("" = not applicable).
func (t *table) row(figure string, cell func(a alt) string, target string) {
	row := []string{figure}
	for _, a := range t.alts {
		v := cell(a)
		if v == "" {
			v = "—"
		}
		row = append(row, v)
	}
	if strings.Contains(target, "MISS") {
		t.misses = append(t.misses, t.current+" — "+strings.TrimSpace(figure)+": "+target)
	}
	t.rows = append(t.rows, append(row, target))
}

func (t *table) markdown() string {
	var b strings.Builder
	head := []string{"Figure"}
	for _, a := range t.alts {
		head = append(head, a.title)
	}
	head = append(head, "authfetch target")
	b.WriteString("| " + strings.Join(head, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat(" --- |", len(head)) + "\n")
	for _, r := range t.rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}
