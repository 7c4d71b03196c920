package digest

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart geometry: shown 600×220 CSS pixels in the mail, drawn at twice
// that for sharp high-density screens.
const (
	ChartWidthPx  = 600
	ChartHeightPx = 220
	chartDPI      = 192
	cssDPI        = 96
	maxDateLabels = 10
)

// Colours of the bars; the HTML legend names them.
func passColor() color.RGBA { return color.RGBA{R: 0x2d, G: 0xa4, B: 0x4e, A: 0xff} }
func failColor() color.RGBA { return color.RGBA{R: 0xcf, G: 0x22, B: 0x2e, A: 0xff} }

// Chart draws passed and failed builds per day as side-by-side bars and
// returns the PNG. Its labels are dates and numbers only, so no font with
// CJK glyphs is needed.
func Chart(r *Report) ([]byte, error) {
	if len(r.Days) == 0 {
		return nil, errors.New("digest chart: the period has no days")
	}
	p := plot.New()
	p.BackgroundColor = color.White
	grid := plotter.NewGrid()
	grid.Vertical.Color = nil // horizontal lines only: they read the counts
	p.Add(grid)

	passed := make(plotter.Values, len(r.Days))
	failed := make(plotter.Values, len(r.Days))
	labels := make([]string, len(r.Days))
	top := 0
	every := (len(r.Days) + maxDateLabels - 1) / maxDateLabels
	for i, d := range r.Days {
		passed[i], failed[i] = float64(d.Passed), float64(d.Failed)
		top = max(top, d.Passed, d.Failed)
		if i%every == 0 {
			labels[i] = d.Date.Format("01-02")
		}
	}

	// Bars share each day's slot; narrower when there are many days.
	slot := vg.Points(float64(ChartWidthPx)*0.8*72/cssDPI) / vg.Length(len(r.Days))
	width := min(slot*0.4, vg.Points(18))
	for _, s := range []struct {
		values plotter.Values
		color  color.Color
		offset vg.Length
	}{{passed, passColor(), -width / 2}, {failed, failColor(), width / 2}} {
		bars, err := plotter.NewBarChart(s.values, width)
		if err != nil {
			return nil, fmt.Errorf("digest chart: %w", err)
		}
		bars.Color = s.color
		bars.LineStyle.Width = 0
		bars.Offset = s.offset
		p.Add(bars)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(r.Days))-0.5 // room for the outer bars
	p.Y.Min = 0
	p.Y.Max = float64(max(top, 1)) * 1.1
	p.Y.Tick.Marker = plot.TickerFunc(integerTicks)

	w := vg.Points(float64(ChartWidthPx) * 72 / cssDPI)
	h := vg.Points(float64(ChartHeightPx) * 72 / cssDPI)
	canvas := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(chartDPI))}
	pad := vg.Points(6)
	p.Draw(draw.Crop(draw.New(canvas), pad, -pad, pad, -pad))
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("digest chart: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
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
