package notify

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/dronebot/dronebot/spell"
)

var (
	// template: FILE:LINE[:COL]: executing "NAME" at <EXPR>: DETAIL
	execErrRE = regexp.MustCompile(`^template: (.*?):(\d+)(?::\d+)?: executing ".*?" at <(.*?)>: (.*)$`)
	// template: FILE:LINE: DETAIL
	parseErrRE = regexp.MustCompile(`^template: (.*?):(\d+): (.*)$`)
	fieldRE    = regexp.MustCompile(`^can't evaluate field (\w+) in type (\S+)$`)
)

// templateTypes are the types a template walks, by the name text/template
// gives them, so a misspelt field can be matched to a real one.
var templateTypes = map[string]reflect.Type{
	"Alert":        reflect.TypeFor[Alert](),
	"Message":      reflect.TypeFor[Message](),
	"Notice":       reflect.TypeFor[Notice](),
	"TemplateData": reflect.TypeFor[TemplateData](),
}

// templateError restates a text/template error for the person who wrote
// the file: its line and the expression, without Go's type names.
func templateError(file string, err error) error {
	msg := err.Error()
	if m := execErrRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("template %s line %s: {{%s}}: %s", file, m[2], m[3], plainDetail(m[4]))
	}
	if m := parseErrRE.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("template %s line %s: %s", file, m[2], m[3])
	}
	return fmt.Errorf("template %s: %s", file, strings.TrimPrefix(msg, "template: "))
}

func plainDetail(detail string) string {
	m := fieldRE.FindStringSubmatch(detail)
	if m == nil {
		return detail
	}
	field, typ := m[1], strings.TrimLeft(m[2], "*[]")
	if i := strings.LastIndexByte(typ, '.'); i >= 0 {
		typ = typ[i+1:]
	}
	t, known := templateTypes[typ]
	if !known {
		return fmt.Sprintf("a %s has no fields (asked for %s)", typ, field)
	}
	out := fmt.Sprintf("%s has no field %s", article(typ), field)
	var names []string
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			names = append(names, f.Name)
		}
	}
	if near := spell.Nearest(field, names); near != "" {
		out += fmt.Sprintf("; did you mean %s?", near)
	}
	return out
}

// article names a type in prose: "an Alert", "a Message".
func article(typ string) string {
	if strings.ContainsRune("AEIOU", rune(typ[0])) {
		return "an " + typ
	}
	return "a " + typ
}
