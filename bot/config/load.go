package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads, expands, decodes, completes and validates the configuration at
// path, taking ${NAME} values from env (os.LookupEnv in production).
//
// The error is only for a file that cannot be read or is not YAML; every other
// problem is in the Report, which lists them all. A Config is returned
// whenever the file parsed, even with errors in the Report: callers must
// check Report.HasErrors before using it, and Config.Runnable before starting
// the service.
func Load(path string, env func(string) (string, bool)) (*Config, *Report, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Report{File: path}, fmt.Errorf("read configuration: %w", err)
	}
	return Parse(path, data, env)
}

// Parse is Load for contents already read; file names the source in
// problems and is the base for relative paths.
func Parse(file string, data []byte, env func(string) (string, bool)) (*Config, *Report, error) {
	rep := &Report{File: file}
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	root, err := parseYAML(data)
	if err != nil {
		line, msg := syntaxLine(err)
		if tab := tabIndented(data); tab > 0 && (tab <= line+1 || strings.Contains(msg, "tab")) {
			// yaml.v3 names the tab by the token it broke, often a line off.
			line, msg = tab, "YAML syntax: this line is indented with a tab; YAML indents with spaces only"
		} else if lineHasVar(data, line) {
			// In {...} and [...] a bare ${X} ends the value at its "{".
			msg += " (quote values that use ${...} inside {...} or [...])"
		}
		rep.errorf(line, "%s", msg)
		return nil, rep, errors.New(rep.Problems[0].String())
	}

	dir := "."
	if file != "" {
		dir = filepath.Dir(file)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	cfg := &Config{File: file, Dir: dir}
	d := &decoder{rep: rep, env: env, lines: map[string]int{}, notes: map[string][]string{}, expanded: map[string]bool{}}
	if root != nil {
		d.decode("", root, reflect.ValueOf(cfg).Elem())
	}
	c := &checker{cfg: cfg, rep: rep, lines: d.lines, notes: d.notes, expanded: d.expanded}
	c.applyDefaults()
	c.resolvePaths()
	c.validate()
	rep.redactSecrets(cfg.secretKeys())
	rep.sort()
	return cfg, rep, nil
}

// parseYAML returns the top-level node of the single document in data, nil
// for an empty file.
func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("yaml: line %d: the file must hold one YAML document, found another", max(more.Line, 1))
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		return doc.Content[0], nil
	}
	return &doc, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxLine splits a yaml.v3 error into its line and message.
func syntaxLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, "YAML syntax: " + m[2]
	}
	return 1, "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")
}

func lineHasVar(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	return line >= 1 && line <= len(lines) && bytes.Contains(lines[line-1], []byte("${"))
}

// tabIndented is the first line whose indentation holds a tab, 0 if none.
func tabIndented(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 && len(bytes.TrimSpace(l)) > 0 {
			return i + 1
		}
	}
	return 0
}
