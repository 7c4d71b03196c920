package digest

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	plottext "gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart geometry: shown 600 CSS pixels wide in the mail, drawn at twice
// that for sharp high-density screens.
const (
	ChartWidthPx     = 600
	ChartHeightPx    = 240
	DurationHeightPx = 150
	chartDPI         = 192
	cssDPI           = 96
	maxXLabels       = 12
	legendHeight     = 16 // points
)

// Colours from the Okabe–Ito set, which readers with any common colour
// vision deficiency tell apart; the legend names each, with its count.
func passColor() color.RGBA  { return color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff} } // blue
func failColor() color.RGBA  { return color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff} } // vermillion
func otherColor() color.RGBA { return color.RGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff} } // grey
func p50Color() color.RGBA   { return color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff} } // blue, solid
func p90Color() color.RGBA   { return color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff} } // orange, dashed

// legendEntry is one key of a chart: a swatch (or a line) and its words.
type legendEntry struct {
	label  string
	color  color.Color
	dashed bool
	line   bool
}

// Chart draws the passed, failed and other builds of each bucket as
// stacked bars, with a legend, and returns the PNG. The image's words are
// English and numbers (the font has no CJK glyphs); the HTML caption
// below it is in the digest's language.
func Chart(r *Report) ([]byte, error) {
	if len(r.Buckets) == 0 {
		return nil, errors.New("digest chart: the period is empty")
	}
	p := newPlot()
	passed := make(plotter.Values, len(r.Buckets))
	failed := make(plotter.Values, len(r.Buckets))
	other := make(plotter.Values, len(r.Buckets))
	top, sums := 0, [3]int{}
	for i, k := range r.Buckets {
		passed[i], failed[i], other[i] = float64(k.Passed), float64(k.Failed), float64(k.Other)
		top = max(top, k.Passed+k.Failed+k.Other)
		sums[0], sums[1], sums[2] = sums[0]+k.Passed, sums[1]+k.Failed, sums[2]+k.Other
	}
	slot := vg.Points(float64(ChartWidthPx)*0.85*72/cssDPI) / vg.Length(len(r.Buckets))
	width := min(slot*0.7, vg.Points(24))
	var below *plotter.BarChart
	for _, s := range []struct {
		values plotter.Values
		color  color.Color
	}{{passed, passColor()}, {failed, failColor()}, {other, otherColor()}} {
		bars, err := plotter.NewBarChart(s.values, width)
		if err != nil {
			return nil, fmt.Errorf("digest chart: %w", err)
		}
		bars.Color = s.color
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		below = bars
	}
	setXLabels(p, r)
	p.Y.Min = 0
	p.Y.Max = float64(max(top, 1)) * 1.08
	p.Y.Tick.Marker = plot.TickerFunc(integerTicks)
	return render(p, ChartHeightPx, []legendEntry{
		{label: fmt.Sprintf("passed %d", sums[0]), color: passColor()},
		{label: fmt.Sprintf("failed %d", sums[1]), color: failColor()},
		{label: fmt.Sprintf("killed, other %d", sums[2]), color: otherColor()},
	})
}

// DurationChart draws the p50 and p90 build duration of each bucket as
// two lines (p90 dashed), with gaps where nothing finished.
func DurationChart(r *Report) ([]byte, error) {
	if len(r.Buckets) == 0 {
		return nil, errors.New("digest chart: the period is empty")
	}
	p := newPlot()
	var top time.Duration
	for _, k := range r.Buckets {
		top = max(top, k.P90, k.P50)
	}
	for _, s := range []struct {
		value  func(Bucket) time.Duration
		color  color.Color
		dashed bool
	}{{func(k Bucket) time.Duration { return k.P90 }, p90Color(), true}, {func(k Bucket) time.Duration { return k.P50 }, p50Color(), false}} {
		for _, run := range runs(r.Buckets, s.value) {
			line, points, err := plotter.NewLinePoints(run)
			if err != nil {
				return nil, fmt.Errorf("digest chart: %w", err)
			}
			line.Color, line.Width = s.color, vg.Points(1.5)
			if s.dashed {
				line.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			points.Color, points.Radius = s.color, vg.Points(1.5)
			p.Add(line, points)
		}
	}
	setXLabels(p, r)
	p.Y.Min = 0
	p.Y.Max = max(top.Minutes(), 1.0/60) * 1.1
	p.Y.Tick.Marker = plot.TickerFunc(minuteTicks)
	return render(p, DurationHeightPx, []legendEntry{
		{label: "p50 duration", color: p50Color(), line: true},
		{label: "p90 duration", color: p90Color(), line: true, dashed: true},
	})
}

// runs are the stretches of consecutive buckets with a duration, in
// minutes by bucket index.
func runs(buckets []Bucket, value func(Bucket) time.Duration) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i, k := range buckets {
		if d := value(k); d > 0 {
			cur = append(cur, plotter.XY{X: float64(i), Y: d.Minutes()})
			continue
		}
		if len(cur) > 0 {
			out, cur = append(out, cur), nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func newPlot() *plot.Plot {
	p := plot.New()
	p.BackgroundColor = color.White
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // horizontal lines only: they read the values
	p.Add(grid)
	return p
}

// setXLabels names the buckets: hours as "15h" with the date at midnight,
// days as "05-07"; at most about maxXLabels of them.
func setXLabels(p *plot.Plot, r *Report) {
	n := len(r.Buckets)
	every := (n + maxXLabels - 1) / maxXLabels
	var ticks []plot.Tick
	for i, k := range r.Buckets {
		label := ""
		switch {
		case i%every != 0:
		case r.Hourly && k.Start.Hour() != 0:
			label = k.Start.Format("15h")
		default:
			label = k.Start.Format("01-02")
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
}

// render draws p under a one-line legend and encodes the PNG.
func render(p *plot.Plot, heightPx int, legend []legendEntry) ([]byte, error) {
	w := vg.Points(float64(ChartWidthPx) * 72 / cssDPI)
	h := vg.Points(float64(heightPx) * 72 / cssDPI)
	canvas := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(chartDPI))}
	dc := draw.New(canvas)
	pad := vg.Points(6)
	area := draw.Crop(dc, pad, -pad, pad, -pad-vg.Points(legendHeight))
	p.Draw(area)
	drawLegend(draw.Crop(dc, pad, -pad, h-pad-vg.Points(legendHeight), -pad), legend)
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("digest chart: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// drawLegend lays the entries out in one row from the left.
func drawLegend(c draw.Canvas, entries []legendEntry) {
	style := plottext.Style{Color: color.Black, Font: font.From(plot.DefaultFont, vg.Points(9)), Handler: plot.DefaultTextHandler}
	swatch := vg.Points(10)
	x := c.Min.X + vg.Points(30)
	mid := (c.Min.Y + c.Max.Y) / 2
	for _, e := range entries {
		if e.line {
			ls := draw.LineStyle{Color: e.color, Width: vg.Points(2)}
			if e.dashed {
				ls.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			c.StrokeLine2(ls, x, mid, x+2*swatch, mid)
			x += 2 * swatch
		} else {
			c.FillPolygon(e.color, []vg.Point{{X: x, Y: mid - swatch/2}, {X: x + swatch, Y: mid - swatch/2},
				{X: x + swatch, Y: mid + swatch/2}, {X: x, Y: mid + swatch/2}})
			x += swatch
		}
		x += vg.Points(4)
		style.YAlign = draw.YCenter
		c.FillText(style, vg.Point{X: x, Y: mid}, e.label)
		x += style.Width(e.label) + vg.Points(14)
	}
}

// integerTicks labels whole numbers only, about five of them.
func integerTicks(lo, hi float64) []plot.Tick {
	step := math.Max(1, math.Ceil((hi-lo)/5))
	var ticks []plot.Tick
	for v := math.Ceil(lo); v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ticks
}

// minuteTicks labels durations (the axis is in minutes) at round steps:
// "30s", "2m", "1h30m".
func minuteTicks(lo, hi float64) []plot.Tick {
	steps := []float64{0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 240}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if (hi-lo)/s <= 5 {
			step = s
			break
		}
	}
	en := english()
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		label := "0"
		if v > 0 {
			label = formatDuration(time.Duration(v*float64(time.Minute)), en)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	return ticks
}
