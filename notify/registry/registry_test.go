package registry

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dronebot/dronebot/notify"
)

func TestEveryTypeHasAConfigWithYAMLKeys(t *testing.T) {
	seen := map[string]bool{}
	for _, typ := range Types() {
		if seen[typ.Name] || typ.Name == "" || typ.Name != strings.ToLower(typ.Name) {
			t.Errorf("type name %q is empty, not lower case or listed twice", typ.Name)
		}
		seen[typ.Name] = true
		cfg := typ.NewConfig()
		rt := reflect.TypeOf(cfg)
		if rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Struct {
			t.Errorf("%s: Config is %T, want a pointer to a struct", typ.Name, cfg)
			continue
		}
		for i := range rt.Elem().NumField() {
			if f := rt.Elem().Field(i); f.IsExported() && f.Tag.Get("yaml") == "" {
				t.Errorf("%s: field %s has no yaml tag (write yaml:\"-\" for one that is not a key)", typ.Name, f.Name)
			}
		}
		if got, ok := Lookup(typ.Name); !ok || got.Name != typ.Name {
			t.Errorf("Lookup(%q) = %v, %v", typ.Name, got.Name, ok)
		}
	}
	if _, ok := Lookup("pager"); ok {
		t.Error("Lookup found a type that does not exist")
	}
}

func TestNewRefusesAnotherTypesConfig(t *testing.T) {
	wecom, _ := Lookup("wecom")
	other, _ := Lookup("stdout")
	_, err := wecom.New(other.NewConfig(), notify.Env{Name: "x"})
	if err == nil || !strings.Contains(err.Error(), `wecom sink "x"`) {
		t.Errorf("err = %v", err)
	}
	s, err := other.New(other.NewConfig(), notify.Env{Name: "out", Out: &strings.Builder{}})
	if err != nil || s.Name() != "out" {
		t.Errorf("stdout sink from its empty Config: %v, %v", s, err)
	}
}
