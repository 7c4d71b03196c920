package drone

import (
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// referenceLines is the obvious, whole-body way to read a log: decode the
// array, join the outs, split at newlines.
func referenceLines(body string) ([]string, error) {
	var entries []struct {
		Out *string `json:"out"`
	}
	if err := json.Unmarshal([]byte(body), &entries); err != nil {
		return nil, err
	}
	var text strings.Builder
	for _, e := range entries {
		if e.Out != nil {
			text.WriteString(*e.Out)
		}
	}
	if text.Len() == 0 {
		return []string{}, nil
	}
	lines := strings.Split(strings.TrimSuffix(text.String(), "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	return lines, nil
}

func scanAll(r io.Reader) ([]string, error) {
	lines := []string{}
	err := newLogScanner(r, func(l []byte) { lines = append(lines, string(l)) }).run()
	return lines, err
}

func TestLogScannerAgreesWithJSON(t *testing.T) {
	bodies := []string{
		`[]`, ` [ ] `,
		`[{"pos":0,"out":"a\nb\n","time":1}]`,
		`[{"out":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \t tab\r\n"},{"out":"no newline"}]`,
		`[{"id":7,"step_id":3,"pos":0,"out":"x\n","time":1700000000,"extra":{"a":[1,2,{"b":null}],"c":"}\"]"},"f":true,"g":-1.5e3}]`,
		`[{"proc":"build","pos":0,"out":"y\n"},{"proc":"build","pos":1,"out":"z"}]`,
		`[{"out":""},{"out":null},{}]`,
		`[{"out":"\n\n"},{"out":"x\n"}]`,
		`[{"out":"lone \ud800 surrogate\n"}]`,
		`[{"out":"split "},{"out":"across "},{"out":"entries\n"}]`,
		`[{"o":"ut","out":"key prefix\n","outer":"no"}]`,
		"[{\"out\":\"utf-8 as is: 构建 ✕\\n\"}]",
	}
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"half":     func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for _, body := range bodies {
		want, err := referenceLines(body)
		if err != nil {
			t.Fatalf("bad test body %s: %v", body, err)
		}
		for name, r := range readers {
			got, err := scanAll(r(body))
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: got %q, %v; want %q", name, body, got, err, want)
			}
		}
	}
	for _, body := range []string{"", "null", " null "} {
		if got, err := scanAll(strings.NewReader(body)); err != nil || len(got) != 0 {
			t.Errorf("%q: %q, %v", body, got, err)
		}
	}
}

func TestLogScannerRefusesWhatIsNotALog(t *testing.T) {
	for _, body := range []string{`{"message":"x"}`, `[1,2]`, `<html>`, `[{"out":5}]`, `[{"out":"x"} {"out":"y"}]`,
		`[{"out":"bad \q escape"}]`, `[{"out":"x"}] trailing`, `nux`, `[{"out":"\u12"}]`} {
		_, err := scanAll(strings.NewReader(body))
		var se *logSyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want a syntax error", body, err)
		}
	}
	for _, body := range []string{`[{"out":"a\n"}`, `[{"out":"unterminated`, `[`, `[{"out":"x\`} {
		if _, err := scanAll(strings.NewReader(body)); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: err = %v, want unexpected EOF", body, err)
		}
	}
	broken := errors.New("connection reset")
	if _, err := scanAll(io.MultiReader(strings.NewReader(`[{"out":"a`), iotest.ErrReader(broken))); !errors.Is(err, broken) {
		t.Errorf("broken body: %v", err)
	}
}

func TestLogScannerCutsLongLines(t *testing.T) {
	long := strings.Repeat("é", maxLineBytes) // 2 bytes a rune: the cut falls inside one
	body := `[{"out":"` + long + `"},{"out":"` + long + `\nnext\n"}]`
	got, err := scanAll(iotest.HalfReader(strings.NewReader(body)))
	if err != nil || len(got) != 2 {
		t.Fatalf("%d lines, %v", len(got), err)
	}
	head, marker, ok := strings.Cut(got[0], cutMarker)
	if !ok || len(head) > maxLineBytes || !utf8.ValidString(head) || marker != "196608 bytes]" || got[1] != "next" {
		t.Errorf("cut line: %d bytes, valid %v, marker %q, then %q", len(head), utf8.ValidString(head), marker, got[1])
	}
}

func FuzzLogScanner(f *testing.F) {
	for _, s := range []string{`[{"out":"a\nb"}]`, `[{"pos":1,"out":"\u00e9\ud83d\ude00\n","time":2}]`, `[]`, `null`, `[{"x":{"out":"no"},"out":"yes"}]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got, err := scanAll(iotest.HalfReader(strings.NewReader(body)))
		want, refErr := referenceLines(body)
		if refErr != nil || strings.TrimSpace(body) == "null" || !utf8.ValidString(body) {
			// The scanner may refuse or accept what json refuses, and keeps
			// bytes json would replace (Clean shows them as U+FFFD): it
			// must only not crash.
			return
		}
		for _, l := range want {
			if len(l) > maxLineBytes {
				return
			}
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %q, %v; want %q", body, got, err, want)
		}
	})
}
