package digest

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

// Content-IDs of the inline images in the email.
const (
	ChartName    = "chart.png"
	DurationName = "durations.png"
)

// Colours of the page, from the same colour-blind-safe set as the charts
// (Okabe–Ito): blue is good, vermillion bad; arrows and words say it too.
const (
	cssBad  = "#b3470b"
	cssGood = "#0b5f99"
	cssMute = "#57606a"
)

// htmlPage is built for mail clients: tables for layout, inline CSS only,
// no external assets, one column of at most 640px that shrinks on phones.
const htmlPage = `<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{.Title}}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;">
<tr><td align="center" style="padding:16px 8px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:640px;background:#ffffff;border:1px solid #e5e7eb;border-radius:6px;font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;font-size:14px;line-height:1.45;color:#1f2328;">
<tr><td style="padding:20px 20px 4px 20px;">
<h1 style="margin:0 0 4px 0;font-size:20px;">{{.Title}}</h1>
<p style="margin:0;color:#57606a;font-size:13px;">{{.Period}}</p>
</td></tr>
<tr><td style="padding:12px 20px 4px 20px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
{{- range .Totals}}
<td align="center" valign="top" style="padding:8px 4px;border:1px solid #e5e7eb;background:#f6f8fa;"><div style="font-size:20px;font-weight:bold;">{{if .Link}}<a href="{{.Link}}" style="color:{{if .Bad}}#b3470b{{else}}#1f2328{{end}};text-decoration:none;">{{.Value}}</a>{{else}}<span style="color:{{if .Bad}}#b3470b{{else}}#1f2328{{end}};">{{.Value}}</span>{{end}}</div><div style="font-size:12px;color:#57606a;">{{.Label}}</div>{{if .Trend}}<div style="font-size:11px;color:{{if .Worse}}#b3470b{{else if .Better}}#0b5f99{{else}}#57606a{{end}};">{{.Trend}}</div>{{end}}</td>
{{- end}}
</tr></table>
<p style="margin:6px 0 0 0;color:#57606a;font-size:12px;">{{.TrendNote}}</p>
{{- if .Recovery}}<p style="margin:2px 0 0 0;color:#57606a;font-size:12px;">{{.Recovery}}</p>{{end}}
</td></tr>
{{- range .Notes}}
<tr><td style="padding:4px 20px;"><p style="margin:0;padding:8px;background:#fff8c5;border:1px solid #d4a72c;font-size:13px;">{{.}}</p></td></tr>
{{- end}}
{{- if .ChartSrc}}
<tr><td style="padding:8px 20px 0 20px;">
<p style="margin:0 0 4px 0;font-weight:bold;font-size:13px;">{{.ChartTitle}}</p>
<img src="{{.ChartSrc}}" width="600" alt="{{.ChartAlt}}" style="display:block;width:100%;max-width:600px;height:auto;border:0;">
<p style="margin:4px 0 0 0;color:#57606a;font-size:12px;">{{.Legend}}</p>
</td></tr>
{{- end}}
{{- if .DurationSrc}}
<tr><td style="padding:8px 20px 0 20px;">
<img src="{{.DurationSrc}}" width="600" alt="{{.DurationAlt}}" style="display:block;width:100%;max-width:600px;height:auto;border:0;">
<p style="margin:4px 0 0 0;color:#57606a;font-size:12px;">{{.DurationNote}}</p>
</td></tr>
{{- end}}
<tr><td style="padding:12px 20px;">
{{- if .Rows}}
<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:13px;">
<tr>{{range $i, $h := .Headers}}<th align="{{if $i}}right{{else}}left{{end}}" style="padding:6px 4px;border-bottom:2px solid #d0d7de;">{{$h}}</th>{{end}}</tr>
{{- range .Rows}}
<tr><td style="padding:6px 4px;border-top:1px solid #e5e7eb;word-break:break-all;">{{if .Red}}<span style="color:#b3470b;">&#9679;</span> {{end}}<b>{{template "link" .RepoLink}}</b></td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{template "link" .Runs}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;{{if .Failing}}color:#b3470b;{{end}}">{{template "link" .Failed}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.Killed}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.Rate}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{.Median}}</td>
<td align="right" style="padding:6px 4px;border-top:1px solid #e5e7eb;">{{template "link" .P90}}</td></tr>
{{- if .Details}}
<tr><td colspan="7" style="padding:0 4px 6px 16px;color:#57606a;font-size:12px;">{{range .Details}}<div>{{.}}</div>{{end}}</td></tr>
{{- end}}
{{- end}}
</table>
{{- else}}
<p style="margin:0;">{{.Nothing}}</p>
{{- end}}
</td></tr>
{{- if .Failures}}
<tr><td style="padding:4px 20px 8px 20px;">
<h2 style="margin:0 0 6px 0;font-size:16px;">{{.FailuresTitle}}</h2>
{{- range .Failures}}
<p style="margin:8px 0 2px 0;font-size:13px;"><b>{{template "link" .Repo}}</b> <span style="color:#57606a;">({{template "link" .Count}})</span></p>
<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:12px;">
{{- range .Builds}}
<tr><td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;white-space:nowrap;">{{template "link" .Number}}</td>
<td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;word-break:break-all;">{{.Branch}}</td>
<td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;">{{.Title}}</td>
<td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;color:#57606a;">{{.Author}}</td>
<td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;color:#b3470b;word-break:break-all;">{{.Step}}</td></tr>
{{- end}}
</table>
{{- end}}
</td></tr>
{{- end}}
{{- if .Breaks}}
<tr><td style="padding:4px 20px 8px 20px;">
<h2 style="margin:0 0 6px 0;font-size:16px;">{{.BreaksTitle}}</h2>
<table width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;font-size:12px;">
{{- range .Breaks}}
<tr><td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;word-break:break-all;"><b>{{.Line}}</b></td>
<td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;">{{template "link" .Broke}}</td>
<td valign="top" style="padding:3px 4px;border-top:1px solid #e5e7eb;{{if .Red}}color:#b3470b;{{else}}color:#0b5f99;{{end}}">{{template "link" .Fixed}}</td></tr>
{{- end}}
</table>
</td></tr>
{{- end}}
{{- if .Flaky}}
<tr><td style="padding:4px 20px 8px 20px;">
<h2 style="margin:0 0 6px 0;font-size:16px;">{{.FlakyTitle}}</h2>
{{- range .Flaky}}<div style="font-size:12px;padding:2px 0;">{{.}}</div>{{end}}
</td></tr>
{{- end}}
{{- if .Slowest}}
<tr><td style="padding:4px 20px 8px 20px;">
<h2 style="margin:0 0 6px 0;font-size:16px;">{{.SlowestTitle}}</h2>
{{- range .Slowest}}<div style="font-size:12px;padding:2px 0;"><b>{{template "link" .Repo}}</b>{{.Text}} {{template "link" .Build}}{{.After}}</div>{{end}}
</td></tr>
{{- end}}
<tr><td style="padding:8px 20px 16px 20px;color:#8c959f;font-size:12px;">{{.Footer}}</td></tr>
</table>
</td></tr></table>
</body></html>
{{- define "link"}}{{if .URL}}<a href="{{.URL}}" style="color:inherit;">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{end}}
`

// link is text, linked when URL is set.
type link struct{ Text, URL string }

type htmlView struct {
	Lang, Title, Period          string
	Totals                       []htmlStat
	TrendNote, Recovery          string
	Notes                        []string
	ChartSrc, DurationSrc        template.URL
	ChartTitle, ChartAlt, Legend string
	DurationAlt, DurationNote    string
	Headers                      []string
	Rows                         []htmlRow
	FailuresTitle, BreaksTitle   string
	FlakyTitle, SlowestTitle     string
	Failures                     []htmlFailures
	Breaks                       []htmlBreak
	Flaky                        []string
	Slowest                      []htmlSlow
	Nothing, Footer              string
}

type htmlStat struct {
	Value, Label, Link, Trend string
	Bad, Worse, Better        bool
}

type htmlRow struct {
	RepoLink, Runs, Failed, P90 link
	Killed, Rate, Median        string
	Red, Failing                bool
	Details                     []string
}

type htmlFailures struct {
	Repo, Count link
	Builds      []htmlFailure
}

type htmlFailure struct {
	Number                      link
	Branch, Title, Author, Step string
}

type htmlBreak struct {
	Line         string
	Broke, Fixed link
	Red          bool
}

type htmlSlow struct {
	Repo, Build link
	Text, After string
}

// Images are where the charts come from: "cid:…" in a mail, data: URLs
// in a preview; "" leaves a chart out.
type Images struct {
	Chart, Durations string
}

// RenderHTML is the digest as a complete HTML page. Every value is escaped
// by html/template.
func RenderHTML(r *Report, lang string, img Images) (string, error) {
	p := phrasesFor(lang)
	v := htmlView{
		Lang:          p.htmlLang,
		Title:         fmt.Sprintf(p.title, r.Name),
		Period:        r.periodText(p),
		ChartSrc:      template.URL(img.Chart), // the caller's own cid: or data: URL, never outside input
		DurationSrc:   template.URL(img.Durations),
		ChartTitle:    p.perDay,
		ChartAlt:      p.chartAlt,
		Legend:        p.chartLegend,
		DurationAlt:   p.durationAlt,
		DurationNote:  p.durationNote,
		Headers:       []string{p.colRepo, p.colRuns, p.colFailed, p.colKilled, p.colRate, p.colMedian, p.colP90},
		FailuresTitle: p.failedBuilds,
		BreaksTitle:   p.breaks,
		FlakyTitle:    p.flakySteps,
		SlowestTitle:  p.slowest,
		Nothing:       p.nothing,
		Footer:        p.footer,
		TrendNote:     r.trendTitle(p) + p.colon + trendLine(r, p, p.listSeparator),
		Recovery:      recoveryText(r.Totals, p),
		Notes:         sourcesText(r, p),
	}
	if r.Hourly {
		v.ChartTitle = p.perHour
	}
	v.Totals = totalCards(r, p)
	for _, rs := range r.Repos {
		row := htmlRow{
			RepoLink: link{rs.Repo, rs.Link}, Runs: link{strconv.Itoa(rs.Runs), rs.Link},
			Failed: link{strconv.Itoa(rs.Failed), rs.Link}, Killed: strconv.Itoa(rs.Killed + rs.Other),
			Rate: formatRate(rs.Counts, p), Median: formatDuration(rs.Median, p),
			P90: link{Text: formatDuration(rs.P90, p)},
			Red: len(rs.Red) > 0, Failing: rs.Failed > 0, Details: repoDetails(rs, r, p),
		}
		if rs.Longest != nil {
			row.P90.URL = rs.Longest.Link
		}
		if len(rs.Failures) > 0 {
			row.Failed.URL = rs.Failures[0].Link
		}
		v.Rows = append(v.Rows, row)
		if len(rs.Failures) > 0 {
			f := htmlFailures{Repo: link{rs.Repo, rs.Link}, Count: link{fmt.Sprintf("%d %s", len(rs.Failures), p.failed), rs.Link}}
			for _, b := range rs.Failures {
				f.Builds = append(f.Builds, htmlFailure{Number: link{fmt.Sprintf("#%d", b.Number), b.Link},
					Branch: b.Branch, Title: titleOrCommit(b), Author: b.Author, Step: b.Step})
			}
			v.Failures = append(v.Failures, f)
		}
		for _, br := range rs.Breaks {
			broke, fixed := breakParts(br, r.Location, p)
			hb := htmlBreak{Line: rs.Repo + " " + br.Branch, Broke: link{broke, br.Broke.Link}, Fixed: link{Text: fixed}, Red: br.Fixed == nil}
			if br.Fixed != nil {
				hb.Fixed.URL = br.Fixed.Link
			}
			v.Breaks = append(v.Breaks, hb)
		}
	}
	for _, f := range r.FlakySteps {
		v.Flaky = append(v.Flaky, flakyStepText(f, p))
	}
	for _, s := range r.Slowest {
		v.Slowest = append(v.Slowest, htmlSlow{Repo: link{s.Repo, s.Link}, Build: link{fmt.Sprintf("#%d", s.Longest.Number), s.Longest.Link},
			Text:  p.colon + fmt.Sprintf(p.slowRepo, formatDuration(s.Median, p), formatDuration(s.P90, p)),
			After: " (" + formatDuration(s.Longest.Duration, p) + ")"})
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

// totalCards are the headline numbers, each with its trend.
func totalCards(r *Report, p *phrases) []htmlStat {
	t := r.Totals
	trend := map[string]trendItem{}
	for _, it := range trendItems(r, p) {
		trend[it.Label] = it
	}
	withTrend := func(s htmlStat, label string) htmlStat {
		if it, ok := trend[label]; ok {
			s.Trend = strings.TrimSpace(it.Change + " " + fmt.Sprintf(p.versus, it.Before))
			s.Worse, s.Better = it.Worse, it.Better
		}
		return s
	}
	failRate := formatPct(t.FailureRate())
	if failRate == "" {
		failRate = p.noRate
	}
	return []htmlStat{
		withTrend(htmlStat{Value: strconv.Itoa(t.Runs), Label: p.colRuns, Link: r.DroneURL}, p.trendRuns),
		{Value: strconv.Itoa(t.Failed), Label: p.colFailed, Bad: t.Failed > 0, Link: r.DroneURL},
		{Value: strconv.Itoa(t.Killed + t.Other), Label: p.colKilled, Link: r.DroneURL},
		withTrend(htmlStat{Value: failRate, Label: p.colFailRate, Bad: t.Failed > 0}, p.trendRate),
		withTrend(htmlStat{Value: formatDuration(t.Median, p), Label: p.colMedian}, p.trendMedian),
		{Value: strconv.Itoa(t.Red), Label: p.colRed, Bad: t.Red > 0, Link: r.DroneURL},
	}
}

func titleOrCommit(b BuildRef) string {
	if b.Title != "" {
		return b.Title
	}
	return shortCommit(b.Commit)
}
