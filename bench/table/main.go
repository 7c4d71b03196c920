// Command table reads `go test -bench` output on stdin and prints one
// markdown table: a row per benchmark with the median of its runs (when
// -count > 1), time per operation, throughput, memory per operation and
// every custom metric the benchmark reported.
//
//	go test -run '^$' -bench . -benchmem ./drone/ | go run ./bench/table
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

func main() {
	module := flag.String("module", "github.com/dronebot/dronebot/", "package path prefix left out of the table")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *module); err != nil {
		fmt.Fprintln(os.Stderr, "table:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, module string) error {
	results, err := Parse(in)
	if err != nil {
		return err
	}
	if len(results) == 0 {
		return fmt.Errorf("no benchmark results in the input")
	}
	w := bufio.NewWriter(out)
	Render(w, results, module)
	return w.Flush()
}

// Render writes the results as a markdown table; module is cut from the
// front of package paths.
func Render(w io.Writer, results []*Result, module string) {
	fmt.Fprintln(w, "| benchmark | package | time/op | MB/s | B/op | allocs/op | reported by the benchmark |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: | ---: | --- |")
	for _, r := range results {
		cell := func(unit string, format func(float64) string) string {
			if v, ok := r.Median(unit); ok {
				return format(v)
			}
			return "—"
		}
		var extra []string
		for _, u := range r.Units {
			if !isStandard(u) {
				v, _ := r.Median(u)
				extra = append(extra, FormatMetric(u, v))
			}
		}
		pkg := strings.TrimPrefix(r.Pkg, module)
		if pkg == "" {
			pkg = "—"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Name, pkg,
			cell("ns/op", FormatDuration), cell("MB/s", formatRate), cell("B/op", FormatBytes),
			cell("allocs/op", formatCount), strings.Join(extra, ", "))
	}
}

// isStandard reports whether unit has a column of its own.
func isStandard(unit string) bool {
	switch unit {
	case "ns/op", "MB/s", "B/op", "allocs/op":
		return true
	}
	return false
}

// FormatDuration writes nanoseconds with three significant digits in the
// unit that suits them.
func FormatDuration(ns float64) string {
	switch {
	case ns < 1e3:
		return sig3(ns) + " ns"
	case ns < 1e6:
		return sig3(ns/1e3) + " µs"
	case ns < 1e9:
		return sig3(ns/1e6) + " ms"
	}
	return sig3(ns/1e9) + " s"
}

// FormatBytes writes a byte count in B, KiB, MiB or GiB.
func FormatBytes(b float64) string {
	switch {
	case b < 1<<10:
		return strconv.FormatFloat(b, 'f', 0, 64) + " B"
	case b < 1<<20:
		return sig3(b/(1<<10)) + " KiB"
	case b < 1<<30:
		return sig3(b/(1<<20)) + " MiB"
	}
	return sig3(b/(1<<30)) + " GiB"
}

// FormatMetric writes a custom metric: "-B" units as bytes, "-ms" units as
// milliseconds, anything else as its value and unit.
func FormatMetric(unit string, v float64) string {
	if label, ok := strings.CutSuffix(unit, "-B"); ok {
		return label + " " + FormatBytes(v)
	}
	if label, ok := strings.CutSuffix(unit, "-ms"); ok {
		return label + " " + sig3(v) + " ms"
	}
	return sig3(v) + " " + unit
}

func formatRate(v float64) string { return sig3(v) }

// formatCount writes a whole number with thousands separators.
func formatCount(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// sig3 writes v with three significant digits, without a trailing ".0" on
// whole numbers of three digits or more.
func sig3(v float64) string {
	if v == 0 {
		return "0"
	}
	digits := 2 - int(math.Floor(math.Log10(math.Abs(v))))
	if digits <= 0 {
		return formatCount(v)
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
