package config

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Problem is one finding of Load, at a line of the file.
type Problem struct {
	File    string
	Line    int
	Message string
	Warning bool // false: an error, the configuration cannot be used
}

// String formats the problem as "file:line: message".
func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

// Report collects every problem Load found, ordered by line.
type Report struct {
	File     string
	Problems []Problem
}

// HasErrors reports whether any problem is an error.
func (r *Report) HasErrors() bool {
	return slices.ContainsFunc(r.Problems, func(p Problem) bool { return !p.Warning })
}

// Errors returns the problems that are errors.
func (r *Report) Errors() []Problem { return r.filter(false) }

// Warnings returns the problems that are warnings.
func (r *Report) Warnings() []Problem { return r.filter(true) }

// Err joins the errors into one error, nil if there are none.
func (r *Report) Err() error {
	var errs []error
	for _, p := range r.Errors() {
		errs = append(errs, errors.New(p.String()))
	}
	return errors.Join(errs...)
}

func (r *Report) filter(warning bool) []Problem {
	var out []Problem
	for _, p := range r.Problems {
		if p.Warning == warning {
			out = append(out, p)
		}
	}
	return out
}

func (r *Report) errorf(line int, format string, args ...any) {
	r.add(line, false, fmt.Sprintf(format, args...))
}

func (r *Report) warnf(line int, format string, args ...any) {
	r.add(line, true, fmt.Sprintf(format, args...))
}

func (r *Report) add(line int, warning bool, msg string) {
	if line < 1 {
		line = 1
	}
	r.Problems = append(r.Problems, Problem{File: r.File, Line: line, Message: msg, Warning: warning})
}

func (r *Report) sort() {
	slices.SortStableFunc(r.Problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
}
