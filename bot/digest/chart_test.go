package digest

import (
	"bytes"
	"github.com/dronebot/dronebot/bot/store"
	"image"
	"image/color"
	"image/png"
	"testing"
	"time"
)

// countColor counts the pixels of exactly c.
func countColor(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				n++
			}
		}
	}
	return n
}

func decodeChart(t *testing.T, r *Report) image.Image {
	t.Helper()
	data, err := Chart(r)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2*ChartWidthPx || b.Dy() != 2*ChartHeightPx {
		t.Fatalf("size %v, want twice %dx%d", b, ChartWidthPx, ChartHeightPx)
	}
	return img
}

func TestChartBars(t *testing.T) {
	sc := newScenario(t)
	img := decodeChart(t, sc.report())
	pass, fail := countColor(img, passColor()), countColor(img, failColor())
	// 6 passes and 5 failures: both bar colours are there, in about that
	// proportion (bars of one width, heights proportional to the counts).
	if pass == 0 || fail == 0 {
		t.Fatalf("pass %d px, fail %d px", pass, fail)
	}
	if ratio := float64(pass) / float64(fail); ratio < 1.1 || ratio > 1.3 {
		t.Errorf("pass/fail area %.2f, want about 6/5", ratio)
	}

	var green []store.BuildRecord
	for _, b := range sc.builds {
		if b.Status == "success" {
			green = append(green, b)
		}
	}
	img = decodeChart(t, Compute(sc.spec, sc.since, sc.until, green, nil, nil))
	if n := countColor(img, failColor()); n != 0 {
		t.Errorf("no failures, yet %d red pixels", n)
	}
}

func TestChartLongAndEmptyPeriods(t *testing.T) {
	since := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var builds []store.BuildRecord
	for i := range 90 {
		builds = append(builds, store.BuildRecord{Repo: "a/b", Number: int64(i), Status: "failure", Finished: since.Add(time.Duration(i) * 24 * time.Hour)})
	}
	r := Compute(Spec{Name: "q", Schedule: "0 0 1 * *"}, since, since.Add(90*24*time.Hour), builds, nil, nil)
	if len(r.Days) != 90 {
		t.Fatalf("%d days", len(r.Days))
	}
	decodeChart(t, r)
	if _, err := Chart(&Report{Name: "none"}); err == nil {
		t.Fatal("a chart of no days")
	}
}

func BenchmarkChart(b *testing.B) {
	r := newScenario(b).report()
	for b.Loop() {
		if _, err := Chart(r); err != nil {
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
	for b.Loop() {
		Compute(Spec{Name: "d", Schedule: "0 9 * * *", Location: sc.spec.Location}, sc.since, sc.until, builds, sc.lines, nil)
	}
}
