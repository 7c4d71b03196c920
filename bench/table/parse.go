package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Result is one benchmark over all its runs.
type Result struct {
	Pkg   string // import path, from the "pkg:" line before it
	Name  string // without "Benchmark" and the -GOMAXPROCS suffix
	Runs  int
	Units []string // in the order the benchmark printed them
	// samples holds every run's value of each unit.
	samples map[string][]float64
}

// Median is the median over the runs of the value in unit, and whether the
// benchmark reported that unit.
func (r *Result) Median(unit string) (float64, bool) {
	vs := slices.Clone(r.samples[unit])
	if len(vs) == 0 {
		return 0, false
	}
	slices.Sort(vs)
	if len(vs)%2 == 1 {
		return vs[len(vs)/2], true
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2, true
}

// Parse reads `go test -bench` output. Lines that are not results (logs,
// PASS, ok) are skipped; a result split from its name by a benchmark's own
// output is joined back.
func Parse(in io.Reader) ([]*Result, error) {
	var (
		results []*Result
		byKey   = map[string]*Result{}
		pkg     string
		pending string // a benchmark name whose numbers come on a later line
	)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg, pending = strings.TrimSpace(p), ""
			continue
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		name := ""
		switch {
		case strings.HasPrefix(fields[0], "Benchmark") && len(fields) == 1:
			pending = fields[0]
			continue
		case strings.HasPrefix(fields[0], "Benchmark"):
			name, fields = fields[0], fields[1:]
		case pending != "" && isInt(fields[0]):
			name = pending
		default:
			continue
		}
		pending = ""
		values, err := parseValues(fields)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		key := pkg + " " + trimProcs(name)
		r, ok := byKey[key]
		if !ok {
			r = &Result{Pkg: pkg, Name: strings.TrimPrefix(trimProcs(name), "Benchmark"), samples: map[string][]float64{}}
			byKey[key] = r
			results = append(results, r)
		}
		r.Runs++
		for _, v := range values {
			if _, seen := r.samples[v.unit]; !seen {
				r.Units = append(r.Units, v.unit)
			}
			r.samples[v.unit] = append(r.samples[v.unit], v.value)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	return results, nil
}

type measure struct {
	value float64
	unit  string
}

// parseValues reads "N value unit value unit ...".
func parseValues(fields []string) ([]measure, error) {
	if len(fields) < 3 || len(fields)%2 == 0 || !isInt(fields[0]) {
		return nil, fmt.Errorf("malformed result %q", strings.Join(fields, " "))
	}
	var out []measure
	for i := 1; i < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return nil, fmt.Errorf("value %q of %s: %w", fields[i], fields[i+1], err)
		}
		out = append(out, measure{v, fields[i+1]})
	}
	return out, nil
}

// trimProcs drops the "-8" GOMAXPROCS suffix go test appends.
func trimProcs(name string) string {
	i := strings.LastIndexByte(name, '-')
	if i > 0 && isInt(name[i+1:]) {
		return name[:i]
	}
	return name
}

func isInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}
