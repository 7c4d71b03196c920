package digest

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// ChartName is the inline image's Content-ID in the email.
const ChartName = "chart.png"

// htmlPage is built for mail clients: tables for layout, inline CSS only,
// no external assets, one column of at most 640px that shrinks on phones.
const htmlPage = `<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;background:#ffffff;border:1px solid #e5e7eb;border-radius:6px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;font-size:14px;line-height:1.45;color:#1f2328;">
<tr><td style="padding:20px 20px 4px 20px;">
<h1 style="margin:0 0 4px 0;font-size:20px;">{{.Title}}</h1>
<p style="margin:0;color:#57606a;font-size:13px;">{{.Period}}</p>
</td></tr>
<tr><td style="padding:12px 20px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
{{- range .Totals}}
<td align="center" style="padding:8px 4px;border:1px solid #e5e7eb;background:#f6f8fa;"><div style="font-size:20px;font-weight:bold;color:{{if .Bad}}#cf222e{{else}}#1f2328{{end}};">{{.Value}}</div><div style="font-size:12px;color:#57606a;">{{.Label}}</div></td>
{{- end}}
</tr></table>
</td></tr>
{{- if .Unwatched}}
<tr><td style="padding:0 20px 8px 20px;"><p style="margin:0;padding:8px;background:#fff8c5;border:1px solid #d4a72c;font-size:13px;">{{.Unwatched}}</p></td></tr>
{{- end}}
{{- if .ChartSrc}}
<tr><td style="padding:4px 20px;">
<img src="{{.ChartSrc}}" width="600" alt="{{.ChartAlt}}" style="display:block;width:100%;max-width:600px;height:auto;border:0;">
<p style="margin:4px 0 0 0;color:#57606a;font-size:12px;">{{.Legend}}</p>
</td></tr>
{{- end}}
<tr><td style="padding:12px 20px;">
{{- if .Rows}}
<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:13px;">
<tr>{{range $i, $h := .Headers}}<th align="{{if $i}}right{{else}}left{{end}}" style="padding:6px 4px;border-bottom:2px solid #d0d7de;">{{$h}}</th>{{end}}</tr>
{{- range .Rows}}
<tr><td style="padding:6px 4px;border-top:1px solid #e5e7eb;word-break:break-all;">{{if .Red}}<span style="color:#cf222e;">&#9679;</span> {{end}}<b>{{.Repo}}</b></td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.Runs}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;{{if .Failing}}color:#cf222e;{{end}}">{{.Failed}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.Rate}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.Median}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.P90}}</td></tr>
{{- if .Details}}
<tr><td colspan="6" style="padding:0 4px 6px 16px;color:#57606a;font-size:12px;">{{range .Details}}<div>{{.}}</div>{{end}}</td></tr>
{{- end}}
{{- end}}
</table>
{{- else}}
<p style="margin:0;">{{.Nothing}}</p>
{{- end}}
</td></tr>
<tr><td style="padding:8px 20px 16px 20px;color:#8c959f;font-size:12px;">{{.Footer}}</td></tr>
</table>
</td></tr></table>
</body></html>
`

type htmlView struct {
	Lang, Title, Period string
	Totals              []htmlStat
	Unwatched           string
	ChartSrc            template.URL
	ChartAlt, Legend    string
	Headers             []string
	Rows                []htmlRow
	Nothing, Footer     string
}

type htmlStat struct {
	Value, Label string
	Bad          bool
}

type htmlRow struct {
	Repo, Runs, Failed, Rate, Median, P90 string
	Red, Failing                          bool
	Details                               []string
}

// RenderHTML is the digest as a complete HTML page. chartSrc is where the
// chart comes from: "cid:chart.png" in a mail, a data: URL in a preview,
// "" for no chart. Every value is escaped by html/template.
func RenderHTML(r *Report, lang, chartSrc string) (string, error) {
	p := phrasesFor(lang)
	v := htmlView{
		Lang:     p.htmlLang,
		Title:    fmt.Sprintf(p.title, r.Name),
		Period:   r.periodText(p),
		ChartSrc: template.URL(chartSrc), // the caller's own cid: or data: URL, never outside input
		ChartAlt: p.chartAlt,
		Legend:   p.chartLegend,
		Headers:  []string{p.colRepo, p.colRuns, p.colFailed, p.colRate, p.colMedian, p.colP90},
		Nothing:  p.nothing,
		Footer:   p.footer,
		Totals: []htmlStat{
			{Value: strconv.Itoa(r.Totals.Runs), Label: p.colRuns},
			{Value: strconv.Itoa(r.Totals.Failed), Label: p.colFailed, Bad: r.Totals.Failed > 0},
			{Value: formatRate(r.Totals.Counts, p), Label: p.colRate},
			{Value: strconv.Itoa(r.Totals.Red), Label: p.colRed, Bad: r.Totals.Red > 0},
		},
	}
	if len(r.Unwatched) > 0 {
		v.Unwatched = fmt.Sprintf(p.unwatched, strings.Join(r.Unwatched, ", "))
	}
	for _, rs := range r.Repos {
		v.Rows = append(v.Rows, htmlRow{
			Repo: rs.Repo, Runs: strconv.Itoa(rs.Runs), Failed: strconv.Itoa(rs.Failed),
			Rate: formatRate(rs.Counts, p), Median: formatDuration(rs.Median, p), P90: formatDuration(rs.P90, p),
			Red: len(rs.Red) > 0, Failing: rs.Failed > 0, Details: repoDetails(rs, r, p),
		})
	}
	t, err := template.New("digest").Parse(htmlPage)
	if err != nil {
		return "", fmt.Errorf("digest html: %w", err)
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return "", fmt.Errorf("digest html: %w", err)
	}
	return b.String(), nil
}
