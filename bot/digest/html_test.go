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
	page, err := RenderHTML(r, "en", "cid:"+ChartName)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, page)

	imgs := findAll(doc, "img")
	if len(imgs) != 1 || attr(imgs[0], "src") != "cid:chart.png" || attr(imgs[0], "alt") == "" {
		t.Fatalf("img: %d, src %q", len(imgs), attr(imgs[0], "src"))
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

	var repoTable, totalsRow []string
	var repoRows [][]string
	for _, table := range findAll(doc, "table") {
		rows := cells(table)
		if len(rows) > 0 && reflect.DeepEqual(rows[0], []string{"Repository", "Runs", "Failed", "Success", "Median", "P90"}) {
			repoTable = rows[0]
			for _, row := range rows[1:] {
				if len(row) == 6 {
					repoRows = append(repoRows, row)
				}
			}
		}
		if len(rows) == 1 && len(rows[0]) == 4 {
			totalsRow = rows[0]
		}
	}
	if repoTable == nil {
		t.Fatal("no repository table")
	}
	wantRows := [][]string{
		{"● octo/api", "7", "4", "33.3%", "2m", "5m"},
		{"● octo/cli", "0", "0", "–", "–", "–"},
		{"octo/web", "4", "1", "75.0%", "10m", "12m"},
		{"octo/docs", "1", "0", "100.0%", "1m30s", "1m30s"},
	}
	if !reflect.DeepEqual(repoRows, wantRows) {
		t.Errorf("rows\n got %q\nwant %q", repoRows, wantRows)
	}
	wantTotals := []string{"12 Runs", "5 Failed", "54.5% Success", "2 Red now"}
	if !reflect.DeepEqual(totalsRow, wantTotals) {
		t.Errorf("totals %q, want %q", totalsRow, wantTotals)
	}
	for _, detail := range []string{
		"red now: main since 2024-05-07 10:00, failing step lint, 3 failures in a row",
		"fails most: test ×2, lint ×1",
		"flaky? b2b2b2b2 on main: #11 failed, #12 passed",
		"Not watched, so builds may be missing: secret/*",
	} {
		if !strings.Contains(text(doc), detail) {
			t.Errorf("missing %q", detail)
		}
	}
}

func TestRenderHTMLChineseAndEscaped(t *testing.T) {
	sc := newScenario(t)
	evil := store.BuildRecord{Repo: `octo/<script>alert(1)`, Number: 1, Status: "failure", FailedStep: `<img src=x onerror=y>`,
		Finished: sc.since.Add(time.Hour)}
	r := Compute(sc.spec, sc.since, sc.until, append(sc.builds, evil), sc.lines, sc.watch)
	page, err := RenderHTML(r, "zh", "cid:"+ChartName)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, page)
	if n := len(findAll(doc, "script")); n != 0 {
		t.Fatalf("%d script elements", n)
	}
	if n := len(findAll(doc, "img")); n != 1 {
		t.Fatalf("%d img elements", n)
	}
	htmlEl := findAll(doc, "html")[0]
	if attr(htmlEl, "lang") != "zh-CN" {
		t.Errorf("lang %q", attr(htmlEl, "lang"))
	}
	all := text(doc)
	for _, want := range []string{"构建摘要：daily", "仓库", "耗时中位数", "octo/<script>alert(1)", "最常失败的步骤：<img src=x onerror=y> ×1", "绿色：通过，红色：失败"} {
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
	src := attr(findAll(parseHTML(t, page), "img")[0], "src")
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
