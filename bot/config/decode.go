package config

import (
	"encoding"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/dronebot/dronebot/notify/registry"
	"github.com/dronebot/dronebot/spell"
)

// maxNodes bounds the work of following aliases, so a small file cannot
// expand into an enormous one.
const maxNodes = 200000

// decoder walks a yaml.Node tree against the config structs itself, rather
// than with Node.Decode, to report every unknown key and type error with its
// line, expand variables in scalar values only, and remember where each key
// was and why a value is empty.
type decoder struct {
	rep   *Report
	env   func(string) (string, bool)
	nodes int

	lines    map[string]int      // path ("sinks.team-slack.url", "routes[0].to") -> line of its key
	notes    map[string][]string // path -> unset variables that emptied part of it
	expanded map[string]bool     // path -> its value came through ${...}: never shown
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
	sinkType            = reflect.TypeFor[Sink]()
)

func (d *decoder) decode(path string, n *yaml.Node, v reflect.Value) {
	d.nodes++
	if d.nodes > maxNodes {
		if d.nodes == maxNodes+1 {
			d.rep.errorf(n.Line, "%s: the file expands to too many values (aliases?)", displayPath(path))
		}
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return
		}
		n = n.Alias
	}
	if v.Kind() == reflect.Pointer {
		if isNull(n) {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if n.Kind == yaml.ScalarNode && isNull(n) && v.Kind() != reflect.String {
		return // "key:" with no value leaves the default
	}
	if v.Type() == durationType {
		// A sink's own Config says time.Duration; read it as a Duration.
		v = v.Addr().Convert(reflect.TypeFor[*Duration]()).Elem()
	}
	if reflect.PointerTo(v.Type()).Implements(textUnmarshalerType) {
		d.text(path, n, v)
		return
	}
	if v.Type() == sinkType {
		d.sink(path, n, v)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.structure(path, n, v)
	case reflect.Map:
		d.mapping(path, n, v)
	case reflect.Slice:
		d.sequence(path, n, v)
	case reflect.String, reflect.Int, reflect.Bool:
		d.scalar(path, n, v)
	default:
		d.rep.errorf(n.Line, "%s: unsupported field type %s", displayPath(path), v.Type())
	}
}

// scalarValue returns the expanded text of a scalar node, or ok=false after
// reporting why it is not a scalar.
func (d *decoder) scalarValue(path string, n *yaml.Node, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		d.rep.errorf(n.Line, "%s: must be %s, not a %s", displayPath(path), want, kindName(n))
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	val, notes, err := expand(n.Value, d.env)
	if err != nil {
		d.rep.errorf(n.Line, "%s: %v", displayPath(path), err)
		return "", false
	}
	if len(notes) > 0 {
		d.notes[path] = notes
	}
	if strings.Contains(n.Value, "${") {
		d.expanded[path] = true
	}
	return val, true
}

func (d *decoder) scalar(path string, n *yaml.Node, v reflect.Value) {
	val, ok := d.scalarValue(path, n, "a single value")
	if !ok {
		return
	}
	// Values are only shown when they came from the file as written: an
	// expanded value may be a secret.
	shown := ""
	if !strings.Contains(n.Value, "${") {
		shown = fmt.Sprintf(" (got %q)", val)
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(val)
	case reflect.Int:
		i, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil {
			d.rep.errorf(n.Line, "%s: must be a whole number%s", displayPath(path), shown)
			return
		}
		v.SetInt(int64(i))
	case reflect.Bool:
		switch strings.ToLower(strings.TrimSpace(val)) {
		case "true", "yes", "on":
			v.SetBool(true)
		case "false", "no", "off", "":
			v.SetBool(false)
		default:
			d.rep.errorf(n.Line, "%s: must be true or false%s", displayPath(path), shown)
		}
	}
}

func (d *decoder) text(path string, n *yaml.Node, v reflect.Value) {
	val, ok := d.scalarValue(path, n, "a single value")
	if !ok || val == "" {
		return
	}
	u := v.Addr().Interface().(encoding.TextUnmarshaler)
	if err := u.UnmarshalText([]byte(val)); err != nil {
		if strings.Contains(n.Value, "${") {
			d.rep.errorf(n.Line, "%s: the value from the environment is not valid", displayPath(path))
			return
		}
		d.rep.errorf(n.Line, "%s: %v", displayPath(path), err)
	}
}

func (d *decoder) structure(path string, n *yaml.Node, v reflect.Value) {
	pairs, ok := d.pairs(path, n)
	if !ok {
		return
	}
	fields := yamlFields(v.Type())
	for _, p := range pairs {
		if idx, known := fields[p.key.Value]; known {
			d.field(path, p, v.Field(idx))
		} else {
			d.unknown(path, p, keys(fields))
		}
	}
}

// field decodes one key's value into v.
func (d *decoder) field(path string, p pair, v reflect.Value) {
	child := joinPath(path, p.key.Value)
	d.lines[child] = p.key.Line
	d.decode(child, p.value, v)
}

// unknown reports a key that is not one of known, with the known key it
// most likely meant.
func (d *decoder) unknown(path string, p pair, known []string) {
	hint := ""
	if near := spell.Nearest(p.key.Value, known); near != "" {
		hint = fmt.Sprintf("; did you mean %s?", near)
	}
	if path == "" {
		d.rep.errorf(p.key.Line, "unknown key %q%s", p.key.Value, hint)
	} else {
		d.rep.errorf(p.key.Line, "unknown key %q in %s%s", p.key.Value, displayPath(path), hint)
	}
}

// keys lists a field map's names, sorted so a tie is decided the same way
// every run.
func keys(fields map[string]int) []string {
	out := make([]string, 0, len(fields))
	for k := range fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sink decodes one entry of sinks: the keys every sink takes into the
// Sink, the others into a fresh Config of its type. The type goes first,
// as it decides where the rest go.
func (d *decoder) sink(path string, n *yaml.Node, v reflect.Value) {
	pairs, ok := d.pairs(path, n)
	if !ok {
		return
	}
	s := v.Addr().Interface().(*Sink)
	common := yamlFields(sinkType)
	for _, p := range pairs {
		if p.key.Value == "type" {
			d.field(path, p, v.Field(common["type"]))
		}
	}
	var own reflect.Value
	var ownFields map[string]int
	if t, known := registry.Lookup(s.Type); known {
		s.Settings = t.NewConfig()
		own = reflect.ValueOf(s.Settings).Elem()
		ownFields = yamlFields(own.Type())
	}
	for _, p := range pairs {
		name := p.key.Value
		idx, isCommon := common[name]
		ownIdx, isOwn := ownFields[name]
		switch {
		case name == "type":
		case isCommon:
			d.field(path, p, v.Field(idx))
		case isOwn:
			d.field(path, p, own.Field(ownIdx))
		case !someSinkTakes(name):
			known := keys(common)
			if ownFields != nil {
				known = append(known, keys(ownFields)...)
			}
			d.unknown(path, p, known)
		case s.Settings != nil:
			d.rep.errorf(p.key.Line, "%s: not a key of a %s sink", joinPath(path, name), s.Type)
		}
		// Left: a key of some type under a missing or unknown type, whose
		// own error says what is wrong.
	}
}

// someSinkTakes reports whether any sink type has the key.
func someSinkTakes(key string) bool {
	for _, t := range registry.Types() {
		if _, ok := yamlFields(reflect.TypeOf(t.NewConfig()).Elem())[key]; ok {
			return true
		}
	}
	return false
}

func (d *decoder) mapping(path string, n *yaml.Node, v reflect.Value) {
	pairs, ok := d.pairs(path, n)
	if !ok {
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	for _, p := range pairs {
		child := joinPath(path, p.key.Value)
		d.lines[child] = p.key.Line
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(child, p.value, elem)
		v.SetMapIndex(reflect.ValueOf(p.key.Value).Convert(v.Type().Key()), elem)
	}
}

func (d *decoder) sequence(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.ScalarNode && !isNull(n) {
		// "repos: octo/*" means the one-item list people meant to write.
		s := reflect.MakeSlice(v.Type(), 1, 1)
		d.lines[path+"[0]"] = n.Line
		d.decode(path+"[0]", n, s.Index(0))
		v.Set(s)
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.rep.errorf(n.Line, "%s: must be a list, not a %s", displayPath(path), kindName(n))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		child := fmt.Sprintf("%s[%d]", path, i)
		d.lines[child] = item.Line
		d.decode(child, item, s.Index(i))
	}
	v.Set(s)
}

type pair struct{ key, value *yaml.Node }

// pairs lists a mapping's entries with merge keys ("<<: *base") resolved:
// keys written in the mapping win over merged ones.
func (d *decoder) pairs(path string, n *yaml.Node) ([]pair, bool) {
	if n.Kind != yaml.MappingNode {
		d.rep.errorf(n.Line, "%s: must be a mapping of keys, not a %s", displayPath(path), kindName(n))
		return nil, false
	}
	var own, merged []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.rep.errorf(k.Line, "%s: keys must be plain names", displayPath(path))
			continue
		}
		if k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(path, val)...)
			continue
		}
		if seen[k.Value] {
			d.rep.errorf(k.Line, "%s: key %q is written twice", displayPath(path), k.Value)
			continue
		}
		seen[k.Value] = true
		own = append(own, pair{k, val})
	}
	for _, p := range merged {
		if !seen[p.key.Value] {
			seen[p.key.Value] = true
			own = append(own, p)
		}
	}
	return own, true
}

func (d *decoder) mergeSources(path string, n *yaml.Node) []pair {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	var out []pair
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.nodes++
			out = append(out, pair{n.Content[i], n.Content[i+1]})
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind == yaml.AliasNode && item.Alias != nil && item.Alias.Kind == yaml.MappingNode {
				out = append(out, d.mergeSources(path, item)...)
			} else {
				d.rep.errorf(item.Line, "%s: << merges only mappings", displayPath(path))
			}
		}
	default:
		d.rep.errorf(n.Line, "%s: << merges only mappings", displayPath(path))
	}
	return out
}

// yamlFields maps yaml key names to field indexes.
func yamlFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || tag == "-" || tag == "" {
			continue
		}
		out[tag] = i
	}
	return out
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "single value"
	}
	return "document"
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// displayPath names the top level "the file" in messages.
func displayPath(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}
