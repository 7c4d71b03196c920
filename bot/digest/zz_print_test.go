package digest

import (
	"testing"
)

func TestZZPrint(t *testing.T) {
	r := newScenario(t).report()
	png, err := Chart(r)
	if err != nil {
		t.Fatal(err)
	}
	_ = writeFile("/tmp/h11_chart.png", string(png))
}
