package commands

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		text    string
		name    string
		args    Args
		wantErr string
	}{
		{text: "/drone status octo/demo", name: "status", args: Args{Positional: []string{"octo/demo"}}},
		{text: "/status octo/demo", name: "status", args: Args{Positional: []string{"octo/demo"}}},
		{text: "status octo/demo", name: "status", args: Args{Positional: []string{"octo/demo"}}},
		{text: "drone STATUS octo/demo", name: "status", args: Args{Positional: []string{"octo/demo"}}},
		{text: "  /Logs   octo/demo  #42 ", name: "logs", args: Args{Positional: []string{"octo/demo", "#42"}}},
		{text: "", name: "help"},
		{text: "/drone", name: "help"},
		{text: "/drone /restart octo/demo 4", name: "restart", args: Args{Positional: []string{"octo/demo", "4"}}},
		{text: "/logs octo/demo 42 build/test -n 50", name: "logs",
			args: Args{Positional: []string{"octo/demo", "42", "build/test"}, Lines: 50}},
		{text: "/logs octo/demo 42 -n=7", name: "logs", args: Args{Positional: []string{"octo/demo", "42"}, Lines: 7}},
		{text: "/logs octo/demo 42 --lines 9", name: "logs", args: Args{Positional: []string{"octo/demo", "42"}, Lines: 9}},
		{text: "/repos demo --all", name: "repos", args: Args{Positional: []string{"demo"}, All: true}},
		{text: `/build octo/demo main DEPLOY_TO=staging MSG="hello world" X='a b'`, name: "build",
			args: Args{Positional: []string{"octo/demo", "main"},
				Params: map[string]string{"DEPLOY_TO": "staging", "MSG": "hello world", "X": "a b"}}},
		{text: `/build octo/demo "A=B"`, name: "build", args: Args{Positional: []string{"octo/demo", "A=B"}}},
		{text: `/build octo/demo EMPTY=`, name: "build",
			args: Args{Positional: []string{"octo/demo"}, Params: map[string]string{"EMPTY": ""}}},
		{text: `/build octo/demo 1A=B`, name: "build", args: Args{Positional: []string{"octo/demo", "1A=B"}}},
		{text: `/logs "octo/demo" '42' "a \"quoted\" step"`, name: "logs",
			args: Args{Positional: []string{"octo/demo", "42", `a "quoted" step`}}},
		{text: "/logs octo/demo 42 “my step”", name: "logs",
			args: Args{Positional: []string{"octo/demo", "42", "my step"}}},
		{text: `/logs octo/demo -- -n`, name: "logs", args: Args{Positional: []string{"octo/demo", "-n"}}},
		{text: `/status "--all"`, name: "status", args: Args{Positional: []string{"--all"}}},
		{text: `/logs "octo/demo 42`, name: "logs", wantErr: "quote is not closed"},
		{text: `/logs octo/demo 42 -n`, name: "logs", wantErr: "-n needs a number"},
		{text: `/logs octo/demo 42 -n zero`, name: "logs", wantErr: "positive number"},
		{text: `/logs octo/demo 42 -n 0`, name: "logs", wantErr: "positive number"},
		{text: `/logs octo/demo 42 -n 100001`, name: "logs", wantErr: "at most"},
		{text: `/repos --verbose`, name: "repos", wantErr: "unknown option --verbose"},
		{text: `/logs octo/demo 42 --tail`, name: "logs", args: Args{Positional: []string{"octo/demo", "42"}, Tail: true}},
		{text: `/logs octo/demo 42 --around 120 -n 20`, name: "logs", args: Args{Positional: []string{"octo/demo", "42"}, Around: 120, Lines: 20}},
		{text: `/logs octo/demo 42 --grep "connection refused"`, name: "logs", args: Args{Positional: []string{"octo/demo", "42"}, Grep: "connection refused"}},
		{text: `/logs octo/demo 42 --grep --tail`, name: "logs", args: Args{Positional: []string{"octo/demo", "42"}, Grep: "--tail"}},
		{text: `/logs octo/demo 42 --around`, name: "logs", wantErr: "--around needs a line number"},
		{text: `/logs octo/demo 42 --around x`, name: "logs", wantErr: "--around wants a line number"},
		{text: `/logs octo/demo 42 --grep`, name: "logs", wantErr: "--grep needs the text"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			name, args, err := Parse(tt.text)
			if name != tt.name {
				t.Errorf("name = %q, want %q", name, tt.name)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if !reflect.DeepEqual(args, tt.args) {
				t.Errorf("args = %#v, want %#v", args, tt.args)
			}
		})
	}
}

func TestFormatRoundTrip(t *testing.T) {
	args := Args{
		Positional: []string{"octo/demo", "", "two words", "-dash", "K=V", `back\slash`, `"q"`, "/slash"},
		Params:     map[string]string{"A": "x y", "B": "", "C": `"`},
		Lines:      12,
		All:        true,
		Tail:       true,
		Around:     7,
		Grep:       "--a b",
		Status:     "fail ure",
		Event:      "-push",
	}
	text := Format("logs", args)
	name, got, err := Parse(text)
	if err != nil {
		t.Fatalf("Parse(%q): %v", text, err)
	}
	if name != "logs" || !reflect.DeepEqual(got, args) {
		t.Fatalf("Parse(Format) = %q %#v, want logs %#v (text %q)", name, got, args, text)
	}
}

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"/drone status octo/demo", "/logs octo/demo #42 build/test -n 50", `/build o/n main K="v w"`,
		`/x "unterminated`, "drone", "/repos --all", `'a' "b\"c" “d”`, "-n=3 -- --all", "/drone drone",
		"\x00\xff", `/build A= =B "" ''`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		name, args, err := Parse(text)
		if err != nil {
			return
		}
		if name == "" {
			t.Fatalf("Parse(%q) gave an empty name", text)
		}
		again := Format(name, args)
		name2, args2, err := Parse(again)
		if err != nil {
			t.Fatalf("Parse(Format(%q)) = %q: %v", text, again, err)
		}
		if name2 != name || !reflect.DeepEqual(normalize(args2), normalize(args)) {
			t.Fatalf("round trip of %q via %q: got %q %#v, want %q %#v", text, again, name2, args2, name, args)
		}
	})
}

// normalize makes an empty map and a nil map compare equal.
func normalize(a Args) Args {
	if len(a.Params) == 0 {
		a.Params = nil
	}
	if len(a.Positional) == 0 {
		a.Positional = nil
	}
	return a
}
