package logtext

import "regexp"

// pattern recognises one kind of line that explains a failure, and says
// which lines around it explain it too.
type pattern struct {
	name string
	// needles are byte strings, at least 3 bytes long, of which the raw line
	// (colour codes and all) holds at least one whenever re can match its
	// cleaned form. Only lines
	// with a needle are cleaned and tried, so most lines cost one pass of
	// the prefilter and no regular expression.
	needles []string
	re      *regexp.Regexp // must match the cleaned line
	not     *regexp.Regexp // and must not (boilerplate that says nothing)
	// before is how many lines above the hit to show; going up stops after
	// a line matching back (the start of the failing test or trace).
	before int
	back   *regexp.Regexp
	// after is how many lines below the hit to show at most; the block
	// ends before a line matching until.
	after int
	until *regexp.Regexp
}

// ecosystem is the patterns of one family of tools.
type ecosystem struct {
	name     string
	patterns []pattern
}

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// Shared stops: a blank line, or a line that starts at the left margin
// (compilers indent the code frame of a diagnostic, not the next message).
var (
	blankLine  = re(`^\s*$`)
	leftMargin = re(`^\S`)
)

// ecosystems are the recognisers, one table per family of tools. Add a row
// to recognise more; every row has its examples in recognise_test.go.
var ecosystems = []ecosystem{
	{"go", []pattern{
		{name: "test failed", needles: []string{"--- FAIL"}, re: re(`^\s*--- FAIL: \S+`),
			before: 12, back: re(`^\s*=== (RUN|CONT|NAME|PAUSE)\s|^\s*--- (PASS|SKIP|FAIL):`), after: 4, until: re(`^\s*(=== RUN|--- PASS|PASS$|FAIL$|ok\s)`)},
		{name: "package failed", needles: []string{"FAIL\t", "FAIL "}, re: re(`^FAIL\s+\S+\s+(\[[a-z ]+ failed\]|[0-9.]+s|\(cached\))`), before: 1},
		{name: "compile error", needles: []string{".go:"}, re: re(`^\S+\.go:\d+(:\d+)?: `),
			before: 1, back: re(`^# `), after: 6, until: re(`^\S+\.go:\d+|^(#|=== |--- |ok\s|FAIL|PASS)`)},
		{name: "panic", needles: []string{"panic: ", "fatal error: "}, re: re(`^(panic: |fatal error: )`),
			before: 1, after: 24, until: re(`^(FAIL|ok\s|exit status|=== RUN)`)},
	}},
	{"pytest", []pattern{
		{name: "section", needles: []string{"= FAILURES =", "= ERRORS ="}, re: re(`^=+ (FAILURES|ERRORS) =+$`)},
		{name: "test header", needles: []string{"____ "}, re: re(`^_{3,} .+ _{3,}$`), after: 6, until: re(`^_{3,} `)},
		{name: "assertion", needles: []string{"E   "}, re: re(`^E\s{3}`), before: 3, back: re(`^>\s`), after: 2, until: re(`^(_{3,}|={3,})`)},
		{name: "location", needles: []string{".py:", ".py\x1b"}, re: re(`^\S+\.py:\d+: (\w+(Error|Exception|Failed|Exit)\b|$)`)},
		{name: "summary", needles: []string{"FAILED", "ERROR"}, re: re(`^(FAILED|ERROR) \S+(::\S+)?`), after: 1, until: re(`^(=|FAILED |ERROR )`)},
		{name: "result", needles: []string{"s ==", "m ===="}, re: re(`^=+ .*\b\d+ (failed|errors?)\b.* in [0-9.]+s`)},
	}},
	{"python", []pattern{
		{name: "traceback", needles: []string{"Traceback (most recent call last)"}, re: re(`^\s*Traceback \(most recent call last\):`)},
		{name: "exception", needles: []string{"Error", "Exception", "Exit", "Interrupt"},
			re:     re(`^([A-Za-z_][\w.]*\.)?[A-Z]\w*(Error|Exception|Exit|Interrupt)(: |$)`),
			before: 6, back: re(`^\s*(File "|Traceback )`)},
	}},
	{"jest", []pattern{
		{name: "failed test", needles: []string{"● ", "●\x1b"}, re: re(`^\s*● \S`), not: re(`^\s*● (Console|Test suite failed to run$)`),
			after: 32, until: re(`^\s*● |^\s*(PASS|FAIL)\s+\S|^(Test Suites|Tests):`)},
		{name: "cross", needles: []string{"✕ ", "✕\x1b"}, re: re(`^\s*✕ `)},
		{name: "summary", needles: []string{"Tests:"}, re: re(`^Tests:\s+.*\d+ failed`), before: 1},
	}},
	{"node", []pattern{
		{name: "tap not ok", needles: []string{"not ok "}, re: re(`^\s*not ok \d+ `), before: 1, back: re(`# Subtest:`),
			after: 20, until: re(`^\s*\.\.\.$|^\s*(ok|not ok) \d+ `)},
		{name: "tap fail count", needles: []string{"# fail "}, re: re(`^# fail [1-9]`), before: 3},
		{name: "spec failed test", needles: []string{"✖ ", "✖\x1b"}, re: re(`^\s*✖ `), not: re(`^\s*✖ failing tests:`), after: 12, until: re(`^\s*(✖|✔|ℹ) `)},
		{name: "uncaught error", needles: []string{"Error: ", "Error ["}, re: re(`^(\w+)?Error( \[\w+\])?: `),
			before: 5, back: re(`^node:|^\S+:\d+$`), after: 4, until: re(`^\s*$|^[^\s]`)},
	}},
	{"npm", []pattern{
		{name: "npm error", needles: []string{"npm ERR!", "npm error"}, re: re(`^npm (ERR!|error) `),
			not: re(`^npm (ERR!|error) +(A complete log of this run|\S+\.log$|$)`), before: 1},
	}},
	{"cargo", []pattern{
		{name: "error", needles: []string{"error"}, re: re(`^error(\[E\d+\])?: `), before: 1, back: re(`^\s*$`),
			after: 16, until: re(`^\s*$|^[^\s\d]`)},
		{name: "panicked", needles: []string{"panicked at"}, re: re(`panicked at `), after: 6, until: blankLine},
		{name: "test failed", needles: []string{"... FAILED"}, re: re(`^test \S+ \.\.\. FAILED$`)},
		{name: "test stdout", needles: []string{" stdout ----"}, re: re(`^---- \S+ stdout ----$`)},
		{name: "test result", needles: []string{"test result: FAILED"}, re: re(`^test result: FAILED\.`), before: 3, back: re(`^failures:$`)},
		{name: "fmt diff", needles: []string{"Diff in "}, re: re(`^Diff in \S+:\d+:$`), after: 12, until: re(`^Diff in `)},
	}},
	{"c", []pattern{
		{name: "compiler error", needles: []string{"error:", "error "}, re: re(`^\S+?:\d+(:\d+)?: (fatal )?error: `),
			before: 1, back: re(`: (In (member )?function|In file included from|At top level)`), after: 5, until: leftMargin},
		{name: "undefined reference", needles: []string{"undefined reference", "cannot find -l", "multiple definition of"},
			re: re(`(undefined reference to |: cannot find -l|multiple definition of )`), before: 1, back: re(`: in function `)},
		{name: "linker failed", needles: []string{"ld returned", "linker command failed"}, re: re(`(ld returned \d+ exit status|linker command failed)`)},
		{name: "make error", needles: []string{"*** "}, re: re(`^g?make(\[\d+\])?: \*\*\* `), after: 1, until: re(`^[^m]`)},
		{name: "tool error", needles: []string{"error:"}, re: re(`^[\w.+-]+: (fatal )?error: `)},
	}},
	{"maven", []pattern{
		{name: "error", needles: []string{"ERROR"}, re: re(`^\[ERROR\] \S`),
			not:   re(`^\[ERROR\] (-> \[Help|To see the full stack trace|Re-run Maven|For more information about|Please refer to|\[Help \d+\]|$)`),
			after: 3, until: re(`^\[(INFO|WARNING|ERROR)\]|^\s*$`)},
		{name: "exception", needles: []string{"Exception", "Error"}, re: re(`^(Caused by: )?([a-z_$][\w$]*\.)+[A-Z][\w$]*(Exception|Error)(: |$)`),
			after: 3, until: re(`^\s*$|^\[|^[^\s]`)},
	}},
	{"gradle", []pattern{
		{name: "what went wrong", needles: []string{"What went wrong"}, re: re(`^\* What went wrong:`), after: 6, until: re(`^\* `)},
		{name: "task failed", needles: []string{" FAILED"}, re: re(`^> Task \S+ FAILED|^\S+ > .+ FAILED$`), after: 4, until: leftMargin},
	}},
	{"shell", []pattern{
		{name: "curl error", needles: []string{"curl: ("}, re: re(`^curl: \(\d+\) `), before: 1},
		{name: "command failed", needles: []string{"command not found", "No such file or directory", "Permission denied", "cannot ", "Cannot ", "not found"},
			re: re(`^[\w./-]+: (line \d+: )?.*(command not found|No such file or directory|Permission denied|[Cc]annot |not found)`), before: 1},
		{name: "fatal", needles: []string{"fatal:", "FATAL", "Fatal"}, re: re(`^(fatal|FATAL|Fatal)\b:?`), before: 1},
		{name: "exit status", needles: []string{"exit status", "exit code", "Exit status", "Exit code", "exited with", "non-zero"},
			re: re(`(?i)(exit status|exit code|exited with code|returned a non-zero code:?)\s*[1-9]`), before: 1},
	}},
}
