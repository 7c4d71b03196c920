package config

import (
	"reflect"
	"sort"
	"strings"

	"github.com/dronebot/dronebot/notify"
	"github.com/dronebot/dronebot/notify/registry"
)

func (c *checker) validateSinks() {
	names := make([]string, 0, len(c.cfg.Sinks))
	for name := range c.cfg.Sinks {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		s := c.cfg.Sinks[name]
		p := "sinks." + name
		if s == nil {
			s = &Sink{}
			c.cfg.Sinks[name] = s
		}
		s.Name = name
		if s.Type == "" {
			c.rep.errorf(c.line(p), "%s: type is required (one of %s)", p, strings.Join(registry.Names(), ", "))
			continue
		}
		t, known := registry.Lookup(s.Type)
		if !known {
			c.oneOf(p+".type", s.Type, registry.Names()...)
			continue
		}
		if s.Settings == nil {
			s.Settings = t.NewConfig()
		}
		if s.Lang != "" {
			c.oneOf(p+".lang", s.Lang, "en", "zh")
		}
		if fixed, ok := s.Settings.(notify.FixedFormat); ok && s.Template != "" {
			c.rep.errorf(c.line(p+".template"), "%s.template: a %s sink sends %s; templates apply to chat and email sinks",
				p, s.Type, fixed.FixedFormat())
		} else {
			c.templateFile(p+".template", s.Template)
		}
		chk := notify.NewConfigCheck(s.Type, &sinkSource{c: c, path: p})
		s.Settings.Check(chk)
		if reason := chk.Disabled(); reason != "" {
			s.Disabled, s.DisabledReason = true, reason
		}
	}
}

// sinkSource is one sink's entry as its type's Check sees it.
type sinkSource struct {
	c    *checker
	path string // "sinks.NAME"
}

var _ notify.ConfigSource = (*sinkSource)(nil)

func (s *sinkSource) Path(key string) string {
	if key == "" {
		return s.path
	}
	return s.path + "." + key
}

func (s *sinkSource) Has(key string) bool           { return s.c.has(s.Path(key)) }
func (s *sinkSource) Why(key string) string         { return s.c.why(s.Path(key)) }
func (s *sinkSource) Show(key, value string) string { return s.c.show(s.Path(key), value) }

func (s *sinkSource) Report(key string, warning bool, msg string) {
	s.c.rep.add(s.c.line(s.Path(key)), warning, msg)
}

// Shared reads another part of the configuration by its path of yaml keys.
func (s *sinkSource) Shared(path string) (any, string) {
	v := reflect.ValueOf(s.c.cfg).Elem()
	for _, key := range strings.Split(path, ".") {
		if v.Kind() != reflect.Struct {
			return nil, ""
		}
		idx, ok := yamlFields(v.Type())[key]
		if !ok {
			return nil, ""
		}
		v = v.Field(idx)
	}
	return v.Interface(), s.c.why(path)
}
