package logtext

import (
	"strconv"
	"strings"
	"testing"
)

// patternCases are each recogniser's examples: lines it must recognise
// (raw, colour codes included where the tool prints them) and lines it
// must leave alone.
var patternCases = []struct {
	pattern string // ecosystem/name
	hits    []string
	misses  []string
}{
	{"go/test failed", []string{"--- FAIL: TestParse (0.00s)", "    --- FAIL: TestParse/empty (0.01s)"}, []string{"--- PASS: TestParse (0.00s)"}},
	{"go/package failed", []string{"FAIL\texample.com/shop/pricing\t0.011s", "FAIL\texample.com/shop/inventory [build failed]", "FAIL\texample.com/x [setup failed]"},
		[]string{"FAIL", "ok  \texample.com/shop/cart\t0.027s"}},
	{"go/compile error", []string{"inventory/inventory.go:40:10: cannot use \"unknown\" as int value", "./main.go:12:2: undefined: foo", "cart/cart.go:16: missing return"},
		[]string{"    pricing_test.go:47: want 108", "go: downloading example.com/x v1.0.0"}},
	{"go/panic", []string{"panic: runtime error: index out of range [3] with length 3", "fatal error: all goroutines are asleep - deadlock!"},
		[]string{"recovered from panic: x", "    panic: nested"}},
	{"pytest/section", []string{"=================================== FAILURES ===================================", "\x1b[31m==== ERRORS ====\x1b[0m"},
		[]string{"=========================== short test summary info ============================"}},
	{"pytest/test header", []string{"\x1b[31m\x1b[1m_______________________ test_parse_csv_european_decimal ________________________\x1b[0m",
		"__________________ ERROR at setup of test_parse_csv_from_file __________________"}, []string{"_ _ _ _ _ _ _ _ _ _"}},
	{"pytest/assertion", []string{"\x1b[1m\x1b[31mE       AssertionError: assert 1 == 2\x1b[0m", "E        +  where 3 = f()"}, []string{"E: Unable to locate package foo"}},
	{"pytest/location", []string{"\x1b[1m\x1b[31mtests/test_parse.py\x1b[0m:68: AssertionError", "tests/conftest.py:12: ", "/usr/lib/python3.11/pathlib.py:1045: FileNotFoundError"},
		[]string{"tests/test_x.py:3: DeprecationWarning: old", "tests/test_parse.py::test_ok PASSED"}},
	{"pytest/summary", []string{"\x1b[31mFAILED\x1b[0m tests/test_parse.py::\x1b[1mtest_x\x1b[0m - AssertionError: assert 1", "ERROR tests/test_parse.py::test_y - FileNotFoundError"},
		[]string{"tests/test_parse.py::test_x FAILED                [ 59%]"}},
	{"pytest/result", []string{"\x1b[31m========================= \x1b[31m\x1b[1m1 failed\x1b[0m, \x1b[32m99 passed\x1b[0m\x1b[31m in 0.14s\x1b[0m\x1b[31m =========================\x1b[0m",
		"========================= 100 passed, 1 error in 0.12s ========================="}, []string{"========================= 100 passed in 0.12s ========================="}},
	{"python/traceback", []string{"Traceback (most recent call last):"}, []string{"print traceback"}},
	{"python/exception", []string{"KeyError: 'zip'", "json.decoder.JSONDecodeError: Expecting value: line 1 column 1", "SystemExit", "KeyboardInterrupt"},
		[]string{"  raise KeyError(k)", "no Error here", "INFO: Error budget ok"}},
	{"jest/failed test", []string{"\x1b[1m\x1b[31m  \x1b[1m● \x1b[22m\x1b[1mCart.summary › coupon codes are case-insensitive\x1b[39m\x1b[22m"},
		[]string{"  ● Console", "●"}},
	{"jest/cross", []string{"    \x1b[31m✕\x1b[39m \x1b[2mcoupon codes are case-insensitive (3 ms)\x1b[22m"}, []string{"    ✓ adds a new item (2 ms)"}},
	{"jest/summary", []string{"\x1b[1mTests:       \x1b[22m\x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m, \x1b[1m\x1b[32m50 passed\x1b[39m\x1b[22m, 51 total"},
		[]string{"Tests:       51 passed, 51 total"}},
	{"node/tap not ok", []string{"    not ok 4 - capitalises after hyphens and apostrophes", "not ok 1 - suite"}, []string{"ok 4 - fine", "# not ok"}},
	{"node/tap fail count", []string{"# fail 1"}, []string{"# fail 0", "# pass 47"}},
	{"node/spec failed test", []string{"✖ capitalises after hyphens (2.1ms)", "  ✖ titleCase"}, []string{"✖ failing tests:", "✔ ok (1ms)"}},
	{"node/uncaught error", []string{"Error: Cannot find module 'x'", "TypeError: foo is not a function", "Error [ERR_MODULE_NOT_FOUND]: Cannot find package"},
		[]string{"    at Object.<anonymous> (/x.js:1:1)"}},
	{"npm/npm error", []string{"npm error code ERESOLVE", "npm ERR! Missing script: \"build\"", "npm error Missing script: \"build\""},
		[]string{"npm error", "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log", "npm warn deprecated x"}},
	{"cargo/error", []string{"error[E0308]: mismatched types", "\x1b[1m\x1b[91merror\x1b[0m: test failed, to rerun pass `-p geom --lib`", "error: could not compile `units`"},
		[]string{"warning: unused import", "errors: 0"}},
	{"cargo/panicked", []string{"thread 'tests::area' (11244) panicked at geom/src/lib.rs:145:9:", "thread 'main' panicked at src/main.rs:2:5:"}, []string{"test panics ... ok"}},
	{"cargo/test failed", []string{"test tests::polygon_area_offset_square ... FAILED"}, []string{"test tests::dist_zero ... ok"}},
	{"cargo/test stdout", []string{"---- tests::polygon_area_offset_square stdout ----"}, []string{"---- "}},
	{"cargo/test result", []string{"test result: FAILED. 13 passed; 1 failed; 0 ignored"}, []string{"test result: ok. 18 passed; 0 failed"}},
	{"cargo/fmt diff", []string{"Diff in /drone/src/rust-ws/geom/src/lib.rs:142:"}, []string{"Diff in progress"}},
	{"c/compiler error", []string{"src/parser.c:14:24: error: ‘CMD_PUT’ undeclared", "main.cpp:3:10: fatal error: foo.h: No such file or directory"},
		[]string{"main.c:5:14: warning: unused parameter ‘argc’ [-Wunused-parameter]", "src/parser.c:14:24: note: each undeclared identifier"}},
	{"c/undefined reference", []string{"/drone/src/c-kv-link/main.c:26: undefined reference to `store_del'", "/usr/bin/ld: cannot find -lfoo: No such file or directory"},
		[]string{"/usr/bin/ld: build/main.o: in function `main':"}},
	{"c/linker failed", []string{"collect2: error: ld returned 1 exit status", "clang: error: linker command failed with exit code 1"}, []string{"ld: warning: x"}},
	{"c/make error", []string{"make: *** [Makefile:14: build/parser.o] Error 1", "make[2]: *** [sub/Makefile:3: all] Error 2"}, []string{"make: Nothing to be done for 'all'."}},
	{"c/tool error", []string{"collect2: error: ld returned 1 exit status", "cc1: fatal error: x.c: No such file"}, []string{"gcc -Werror -c x.c"}},
	{"maven/error", []string{"[\x1b[1;31mERROR\x1b[m] Failed to execute goal org.apache.maven.plugins:maven-clean-plugin:3.2.0:clean", "[ERROR] Tests run: 21, Failures: 1, Errors: 0, Skipped: 0"},
		[]string{"[ERROR] ", "[ERROR] -> [Help 1]", "[ERROR] Re-run Maven using the -X switch to enable full debug logging.", "[INFO] Tests run: 5, Failures: 0"}},
	{"maven/exception", []string{"java.lang.AssertionError: discount is capped at 50% expected:<15.17> but was:<12.14>", "Caused by: java.io.IOException: closed"},
		[]string{"\tat com.example.invoice.InvoiceTest.discount(InvoiceTest.java:23)"}},
	{"gradle/what went wrong", []string{"* What went wrong:"}, []string{"* Try:"}},
	{"gradle/task failed", []string{"> Task :app:test FAILED", "InvoiceTest > discountIsCapped FAILED"}, []string{"> Task :app:compileJava"}},
	{"shell/curl error", []string{"curl: (7) Failed to connect to 127.0.0.1 port 59999", "curl: (22) The requested URL returned error: 501"}, []string{"curl -fsS http://x"}},
	{"shell/command failed", []string{"bash: line 3: mvn: command not found", "tar: release.tgz: Cannot open: No such file or directory", "cp: cannot stat 'x': No such file or directory"},
		[]string{"+ ls -la", "all found"}},
	{"shell/fatal", []string{"fatal: repository 'https://x/y.git/' not found", "FATAL: could not connect"}, []string{"non-fatal warning"}},
	{"shell/exit status", []string{"exit status 2", "Process exited with code 137", "The command '/bin/sh -c make' returned a non-zero code: 2", "Error: Process completed with exit code 1."},
		[]string{"exit status 0", "exit code 0"}},
}

func TestPatterns(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range patternCases {
		var fp *flatPattern
		for i := range flatPatterns {
			if flatPatterns[i].ecosystem+"/"+flatPatterns[i].name == tc.pattern {
				fp = &flatPatterns[i]
				tested[tc.pattern] = true
			}
		}
		if fp == nil {
			t.Errorf("no pattern %s", tc.pattern)
			continue
		}
		bit := uint64(0)
		for i := range flatPatterns {
			if &flatPatterns[i] == fp {
				bit = 1 << i
			}
		}
		matches := func(raw string) bool {
			clean := Clean(raw)
			return fp.re.MatchString(clean) && (fp.not == nil || !fp.not.MatchString(clean))
		}
		for _, h := range tc.hits {
			if !matches(h) {
				t.Errorf("%s does not recognise %q", tc.pattern, h)
			}
			if needleFilter.scan([]byte(h))&bit == 0 {
				t.Errorf("%s: the prefilter lets %q pass unseen; add a needle", tc.pattern, h)
			}
		}
		for _, m := range tc.misses {
			if matches(m) {
				t.Errorf("%s recognises %q", tc.pattern, m)
			}
		}
	}
	for _, fp := range flatPatterns {
		if !tested[fp.ecosystem+"/"+fp.name] {
			t.Errorf("pattern %s/%s has no examples", fp.ecosystem, fp.name)
		}
	}
}

// TestPrefilterSkipsOrdinaryLines: lines without a needle never reach a
// regular expression.
func TestPrefilterSkipsOrdinaryLines(t *testing.T) {
	for _, l := range []string{"line 123 step output: compiling and testing, all fine", "--- PASS: TestX (0.00s)",
		"=== RUN   TestX", "ok  \texample.com/x\t0.01s", "[INFO] Building jar", "   Compiling geom v0.3.1", "", "x"} {
		if m := needleFilter.scan([]byte(l)); m != 0 {
			t.Errorf("prefilter passes %q (mask %b)", l, m)
		}
	}
}

func TestCollectorModes(t *testing.T) {
	var raw []string
	for i := 1; i <= 100; i++ {
		raw = append(raw, "line "+strings.Repeat("x", i%7)+" "+strconv.Itoa(i))
	}
	raw[49] = "--- FAIL: TestMiddle (0.00s)"
	t.Run("around", func(t *testing.T) {
		ex := collect(raw, Options{Tail: -1, Around: 50, Radius: 2})
		if len(ex.Blocks) != 1 || ex.Blocks[0].First != 48 || len(ex.Blocks[0].Lines) != 5 || len(ex.Tail.Lines) != 0 {
			t.Errorf("around 50: %+v", ex)
		}
	})
	t.Run("grep", func(t *testing.T) {
		ex := collect(raw, Options{Tail: -1, Grep: "LINE XXXXXX", MaxMatches: 3})
		if ex.Matches != 14 || len(ex.Blocks) != 3 || ex.Blocks[0].First != 6 || ex.Blocks[2].First != 20 {
			t.Errorf("grep: %d matches, %+v", ex.Matches, ex.Blocks)
		}
	})
	t.Run("plain tail", func(t *testing.T) {
		ex := collect(raw, Options{Tail: 10})
		if ex.Found || len(ex.Blocks) != 0 || ex.Tail.First != 91 || len(ex.Tail.Lines) != 10 || ex.Total != 100 {
			t.Errorf("tail: %+v", ex)
		}
	})
	t.Run("find", func(t *testing.T) {
		ex := collect(raw, Options{Tail: 10, Find: true})
		if !ex.Found || ex.CauseLine != 50 || len(ex.Blocks) != 1 || ex.Blocks[0].Last() < 50 || ex.Blocks[0].First > 50 {
			t.Errorf("find: %+v", ex)
		}
	})
	t.Run("nothing found", func(t *testing.T) {
		ex := collect(raw[:40], Options{Tail: 10, Find: true})
		if ex.Found || len(ex.Blocks) != 0 || ex.Tail.First != 31 {
			t.Errorf("no failure: %+v", ex)
		}
	})
	t.Run("budget", func(t *testing.T) {
		many := make([]string, 1000)
		for i := range many {
			many[i] = "error: broken " + strconv.Itoa(i)
		}
		ex := collect(many, Options{Tail: 5, Find: true, MaxBlockLines: 20})
		n := 0
		for _, b := range ex.Blocks {
			n += len(b.Lines)
		}
		if n > 20 || ex.Tail.First != 996 {
			t.Errorf("%d block lines, tail from %d", n, ex.Tail.First)
		}
	})
	t.Run("empty", func(t *testing.T) {
		ex := collect(nil, Options{Find: true})
		if ex.Total != 0 || len(ex.Tail.Lines) != 0 || len(ex.Blocks) != 0 {
			t.Errorf("empty: %+v", ex)
		}
	})
}

func BenchmarkPrefilter(b *testing.B) {
	line := []byte("line 123456 step output: compiling and testing, all fine")
	b.SetBytes(int64(len(line)))
	for range b.N {
		_ = needleFilter.scan(line)
	}
}

// naiveScan is the prefilter's meaning: the patterns with a needle in line.
func naiveScan(line []byte) (mask uint64) {
	for i, fp := range flatPatterns {
		for _, n := range fp.needles {
			if strings.Contains(string(line), n) {
				mask |= 1 << i
			}
		}
	}
	return mask
}

func FuzzPrefilter(f *testing.F) {
	for _, s := range []string{"error: x", "x--- FAIL: T", "ab✕\x1bc", "npm ERR! x", "    not ok 4 - y", "🔥 Traceback (most recent call last):"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		for shift := range 4 {
			l := []byte(strings.Repeat(" ", shift) + line)
			if got, want := needleFilter.scan(l), naiveScan(l); got != want {
				t.Fatalf("scan(%q) = %b, want %b", l, got, want)
			}
		}
	})
}
