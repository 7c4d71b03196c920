package digest

import (
	"bytes"
	"github.com/dronebot/dronebot/bot/store"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"testing"
	"time"
)

// countColor counts the pixels of exactly c at or below row fromY.
func countColor(img image.Image, c color.RGBA, fromY int) int {
	return countNear(img, c, 0, fromY)
}

// countNear counts the pixels within tol of c in every channel at or
// below row fromY. It reads the pixels as non-premultiplied RGBA.
func countNear(img image.Image, c color.RGBA, tol, fromY int) int {
	b := img.Bounds()
	rgba := image.NewNRGBA(b)
	draw.Draw(rgba, b, img, b.Min, draw.Src)
	n := 0
	within := func(a, b uint8) bool { return int(a)-int(b) <= tol && int(b)-int(a) <= tol }
	for y := max(b.Min.Y, fromY); y < b.Max.Y; y++ {
		row := rgba.Pix[(y-b.Min.Y)*rgba.Stride:]
		for x := 0; x < b.Dx(); x++ {
			p := row[4*x : 4*x+4]
			if within(p[0], c.R) && within(p[1], c.G) && within(p[2], c.B) && within(p[3], c.A) {
				n++
			}
		}
	}
	return n
}

// legendRows is the height of the legend strip at the top, in pixels.
const legendRows = (6 + legendHeight) * chartDPI / 72

func decodePNG(t *testing.T, data []byte, err error, heightPx int) image.Image {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2*ChartWidthPx || b.Dy() != 2*heightPx {
		t.Fatalf("size %v, want twice %dx%d", b, ChartWidthPx, heightPx)
	}
	return img
}

func decodeChart(t *testing.T, r *Report) image.Image {
	t.Helper()
	data, err := Chart(r)
	return decodePNG(t, data, err, ChartHeightPx)
}

func TestChartBars(t *testing.T) {
	sc := newScenario(t)
	img := decodeChart(t, sc.report())
	pass, fail, other := countColor(img, passColor(), legendRows), countColor(img, failColor(), legendRows), countColor(img, otherColor(), legendRows)
	// 6 passes, 5 failures, 1 killed, as bars of one width: the areas are
	// about in that proportion.
	if pass == 0 || fail == 0 || other == 0 {
		t.Fatalf("pass %d px, fail %d px, other %d px", pass, fail, other)
	}
	if ratio := float64(pass) / float64(fail); ratio < 1.1 || ratio > 1.3 {
		t.Errorf("pass/fail area %.2f, want about 6/5", ratio)
	}
	if ratio := float64(fail) / float64(other); ratio < 4.5 || ratio > 5.5 {
		t.Errorf("fail/other area %.2f, want about 5", ratio)
	}
	// The legend names every colour, whatever the bars show.
	for _, c := range []color.RGBA{passColor(), failColor(), otherColor()} {
		if n := countColor(img, c, 0) - countColor(img, c, legendRows); n < 100 {
			t.Errorf("legend swatch of %v: %d px", c, n)
		}
	}

	var green []store.BuildRecord
	for _, b := range sc.builds {
		if b.Status == "success" {
			green = append(green, b)
		}
	}
	in := sc.input()
	in.Builds = green
	img = decodeChart(t, Compute(in))
	if n := countColor(img, failColor(), legendRows); n != 0 {
		t.Errorf("no failures, yet %d failure-coloured pixels", n)
	}
}

func TestChartColoursDiffer(t *testing.T) {
	// Okabe–Ito blue and vermillion differ in lightness too, so they stay
	// apart without hue (luma by ITU-R BT.601).
	luma := func(c color.RGBA) float64 { return 0.299*float64(c.R) + 0.587*float64(c.G) + 0.114*float64(c.B) }
	cs := []color.RGBA{passColor(), failColor(), otherColor()}
	for i := range cs {
		for j := i + 1; j < len(cs); j++ {
			if d := math.Abs(luma(cs[i]) - luma(cs[j])); d < 25 {
				t.Errorf("colours %v and %v: luma differs by %.0f only", cs[i], cs[j], d)
			}
		}
	}
}

func TestChartBucketsHourlyUpTo48Hours(t *testing.T) {
	since := time.Date(2024, 1, 1, 9, 30, 0, 0, time.UTC)
	spec := Spec{Name: "d", Schedule: "0 0 * * *"}
	cases := []struct {
		period  time.Duration
		hourly  bool
		buckets int
	}{
		{24 * time.Hour, true, 25}, // 09:00 .. 09:00 the next day: the first and last hours are partial
		{48 * time.Hour, true, 49},
		{49 * time.Hour, false, 3},
		{7 * 24 * time.Hour, false, 8},
	}
	for _, c := range cases {
		r := Compute(Input{Spec: spec, Since: since, Until: since.Add(c.period)})
		if r.Hourly != c.hourly || len(r.Buckets) != c.buckets {
			t.Errorf("%s: hourly %v, %d buckets; want %v, %d", c.period, r.Hourly, len(r.Buckets), c.hourly, c.buckets)
		}
		decodeChart(t, r)
	}
}

func TestChartLongAndEmptyPeriods(t *testing.T) {
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var builds []store.BuildRecord
	for i := range 90 {
		builds = append(builds, store.BuildRecord{Repo: "a/b", Number: int64(i), Status: "failure", Finished: since.Add(time.Duration(i) * 24 * time.Hour)})
	}
	r := Compute(Input{Spec: Spec{Name: "q", Schedule: "0 0 1 * *"}, Since: since, Until: since.Add(90 * 24 * time.Hour), Builds: builds})
	if len(r.Buckets) != 90 || r.Hourly {
		t.Fatalf("%d buckets, hourly %v", len(r.Buckets), r.Hourly)
	}
	decodeChart(t, r)
	if _, err := Chart(&Report{Name: "none"}); err == nil {
		t.Fatal("a chart of no buckets")
	}
	if _, err := DurationChart(&Report{Name: "none"}); err == nil {
		t.Fatal("a duration chart of no buckets")
	}
}

func TestDurationChartLines(t *testing.T) {
	sc := newScenario(t)
	r := sc.report()
	data, err := DurationChart(r)
	img := decodePNG(t, data, err, DurationHeightPx)
	p50, p90 := countColor(img, p50Color(), legendRows), countColor(img, p90Color(), legendRows)
	if p50 == 0 || p90 == 0 {
		t.Fatalf("p50 %d px, p90 %d px", p50, p90)
	}
	// No build has a duration: only the legend is coloured.
	quiet := Compute(Input{Spec: sc.spec, Since: sc.since, Until: sc.until})
	data, err = DurationChart(quiet)
	img = decodePNG(t, data, err, DurationHeightPx)
	if n := countColor(img, p90Color(), legendRows); n != 0 {
		t.Errorf("no durations, yet %d p90-coloured pixels", n)
	}
}

func BenchmarkChart(b *testing.B) {
	r := newScenario(b).report()
	for b.Loop() {
		if _, err := Chart(r); err != nil {
			b.Fatal(err)
		}
		if _, err := DurationChart(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	sc := newScenario(b)
	var builds []store.BuildRecord
	for i := range 10000 {
		bd := sc.builds[i%len(sc.builds)]
		bd.Number = int64(i)
		bd.Repo = bd.Repo + string(rune('a'+i%20))
		builds = append(builds, bd)
	}
	in := sc.input()
	in.Builds = builds
	for b.Loop() {
		Compute(in)
	}
}
