package digest

import (
	"bytes"
	"encoding/base64"
	"github.com/dronebot/dronebot/bot/store"
	"image/png"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// parseHTML parses a page strictly enough for the test: the tokenizer must
// reach the end without an error.
func parseHTML(t *testing.T, page string) *html.Node {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(page))
	for z.Next() != html.ErrorToken {
	}
	if err := z.Err(); err.Error() != "EOF" {
		t.Fatalf("tokenizer: %v", err)
	}
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var parts []string
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			parts = append(parts, d.Data)
		}
	}
	return strings.Join(strings.Fields(strings.Join(parts, " ")), " ")
}

// cells are the th/td texts of each row of a table.
func cells(table *html.Node) [][]string {
	var rows [][]string
	for _, tr := range findAll(table, "tr") {
		var row []string
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
				row = append(row, text(c))
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func TestRenderHTML(t *testing.T) {
	r := newScenario(t).report()
	page, err := RenderHTML(r, "en", Images{Chart: "cid:" + ChartName, Durations: "cid:" + DurationName})
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, page)

	imgs := findAll(doc, "img")
	if len(imgs) != 2 || attr(imgs[0], "src") != "cid:chart.png" || attr(imgs[1], "src") != "cid:durations.png" ||
		attr(imgs[0], "alt") == "" || attr(imgs[1], "alt") == "" {
		t.Fatalf("%d img elements", len(imgs))
	}
	for _, tag := range []string{"script", "link", "style", "iframe"} {
		if n := len(findAll(doc, tag)); n != 0 {
			t.Errorf("%d <%s> elements: mail clients want inline CSS and no assets", n, tag)
		}
	}
	if !strings.Contains(page, "max-width:640px") || !strings.Contains(page, `name="viewport"`) {
		t.Error("no phone-sized container")
	}
	if titles := findAll(doc, "title"); len(titles) != 1 || text(titles[0]) != "Build digest: daily" {
		t.Errorf("title %q", text(titles[0]))
	}

	tables := map[string][][]string{}
	for _, table := range findAll(doc, "table") {
		if rows := cells(table); len(rows) > 0 && len(rows[0]) > 0 {
			tables[rows[0][0]] = rows
		}
	}
	var repoRows [][]string
	repos := tables["Repository"]
	if len(repos) == 0 || !reflect.DeepEqual(repos[0], []string{"Repository", "Runs", "Failed", "Killed/other", "Success", "Median", "P90"}) {
		t.Fatalf("repository table %q", repos)
	}
	for _, row := range repos[1:] {
		if len(row) == 7 {
			repoRows = append(repoRows, row)
		}
	}
	wantRows := [][]string{
		{"● octo/api", "7", "4", "1", "33.3%", "2m", "5m"},
		{"● octo/cli", "0", "0", "0", "–", "–", "–"},
		{"octo/web", "4", "1", "0", "75.0%", "10m", "12m"},
		{"octo/docs", "1", "0", "0", "100.0%", "1m30s", "1m30s"},
	}
	if !reflect.DeepEqual(repoRows, wantRows) {
		t.Errorf("rows\n got %q\nwant %q", repoRows, wantRows)
	}
	var cards []string
	for _, table := range findAll(doc, "table") {
		if rows := cells(table); len(rows) == 1 && len(rows[0]) == 6 {
			cards = rows[0]
		}
	}
	wantCards := []string{"12 Runs ▲ +8 vs 4", "5 Failed", "1 Killed/other", "45.5% Failure rate ▲ +20.5 pts vs 25.0%",
		"4m Median ▲ +2m vs 2m", "2 Red now"}
	if !reflect.DeepEqual(cards, wantCards) {
		t.Errorf("cards %q, want %q", cards, wantCards)
	}
	wantFailures := [][]string{
		{"#15", "main", "Change d4d4d4d4d4", "pan", "lint"},
		{"#14", "main", "c3c3c3c3", "pan", ""},
		{"#13", "main", "Change c3c3c3c3c3", "pan", "test"},
		{"#11", "main", "Change b2b2b2b2b2", "pan", "test"},
	}
	if got := tables["#15"]; !reflect.DeepEqual(got, wantFailures) {
		t.Errorf("failed builds of octo/api\n got %q\nwant %q", got, wantFailures)
	}
	wantBreaks := [][]string{
		{"octo/api main", "broken by #9 (pan) at 2024-05-06 08:59", "fixed by #10 (pan) after 1h1m"},
		{"octo/api main", "broken by #11 (pan) at 2024-05-06 11:00", "fixed by #12 (pan) after 1h"},
		{"octo/api main", "broken by #13 (pan) at 2024-05-07 10:00", "still red (3 failed)"},
		{"octo/web main", "broken by #3 (li) at 2024-05-07 16:00", "fixed by #4 (li) after 1h"},
	}
	if got := tables["octo/api main"]; !reflect.DeepEqual(got, wantBreaks) {
		t.Errorf("breaks\n got %q\nwant %q", got, wantBreaks)
	}
	all := text(doc)
	for _, detail := range []string{
		"Failed builds octo/api ( 4 failed )", "octo/web ( 1 failed )",
		"red now: main since 2024-05-07 10:00, failing step lint, 3 failures in a row",
		"fails most: test ×2, lint ×1",
		"flaky? b2b2b2b2 on main: #11 failed, #12 passed",
		"Flaky steps octo/api test: 1 failure on 1 commit that then passed",
		"Slowest pipelines octo/web : median 10m, p90 12m, longest #2 (12m) octo/api : median 2m, p90 5m, longest #12 (5m)",
		"Time to recovery: median 1h over 3 fixed lines",
		"Not watched, so builds may be missing: secret/*",
		"Builds per hour",
	} {
		if !strings.Contains(all, detail) {
			t.Errorf("missing %q", detail)
		}
	}

	// Every number of the repository table and every build named links
	// to Drone.
	links := map[string]string{}
	for _, a := range findAll(doc, "a") {
		links[text(a)+" "+attr(a, "href")] = ""
	}
	for _, want := range []string{
		"12 https://drone.example.com", "2 https://drone.example.com",
		"octo/api https://drone.example.com/octo/api", "7 https://drone.example.com/octo/api",
		"4 https://drone.example.com/octo/api/15", "5m https://drone.example.com/octo/api/12",
		"0 https://drone.example.com/octo/cli", "1m30s https://drone.example.com/octo/docs/7",
		"#15 https://drone.example.com/octo/api/15", "#3 https://drone.example.com/octo/web/3",
		"4 failed https://drone.example.com/octo/api",
		"broken by #9 (pan) at 2024-05-06 08:59 https://drone.example.com/octo/api/9",
		"fixed by #10 (pan) after 1h1m https://drone.example.com/octo/api/10",
		"#2 https://drone.example.com/octo/web/2",
	} {
		if _, ok := links[want]; !ok {
			t.Errorf("no link %q", want)
		}
	}
}

func TestRenderHTMLChineseAndEscaped(t *testing.T) {
	sc := newScenario(t)
	evil := store.BuildRecord{Repo: `octo/<script>alert(1)`, Number: 1, Status: "failure", FailedStep: `<img src=x onerror=y>`,
		Finished: sc.since.Add(time.Hour)}
	in := sc.input()
	in.Builds = append(in.Builds, evil)
	r := Compute(in)
	page, err := RenderHTML(r, "zh", Images{Chart: "cid:" + ChartName, Durations: "cid:" + DurationName})
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, page)
	if n := len(findAll(doc, "script")); n != 0 {
		t.Fatalf("%d script elements", n)
	}
	if n := len(findAll(doc, "img")); n != 2 {
		t.Fatalf("%d img elements", n)
	}
	htmlEl := findAll(doc, "html")[0]
	if attr(htmlEl, "lang") != "zh-CN" {
		t.Errorf("lang %q", attr(htmlEl, "lang"))
	}
	all := text(doc)
	for _, want := range []string{"构建摘要：daily", "仓库", "耗时中位数", "octo/<script>alert(1)", "最常失败的步骤：<img src=x onerror=y> ×1", "蓝色（passed）：通过"} {
		if !strings.Contains(all, want) {
			t.Errorf("missing %q", want)
		}
	}
}

func TestPreviewHTMLEmbedsTheChart(t *testing.T) {
	page, err := PreviewHTML(newScenario(t).report(), "en")
	if err != nil {
		t.Fatal(err)
	}
	imgs := findAll(parseHTML(t, page), "img")
	if len(imgs) != 2 {
		t.Fatalf("%d img elements", len(imgs))
	}
	for _, img := range imgs {
		src := attr(img, "src")
		data, ok := strings.CutPrefix(src, "data:image/png;base64,")
		if !ok {
			t.Fatalf("src %.40q", src)
		}
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
	}
}
