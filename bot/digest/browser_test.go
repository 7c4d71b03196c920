package digest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// chromium is Debian's headless browser, or "" when it is not installed.
func chromium(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("skipped: chromium is not installed (Debian: apt-get install chromium), so the HTML was not rendered in a browser")
	}
	return path
}

// screenshot renders page in headless Chromium at the given width and
// returns the image.
func screenshot(t *testing.T, browser, page string, width, height int) image.Image {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "digest.html")
	if err := os.WriteFile(file, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--hide-scrollbars", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height), "--screenshot="+out, "file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot: %v\n%s", err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// near counts the pixels within tol of c (the browser may colour-manage
// the images a little).
func near(img image.Image, c color.RGBA, tol int) int { return countNear(img, c, tol, 0) }

// TestHTMLDrawsInChromium renders the preview page (the mail's HTML with
// the charts as data: URLs) in headless Chromium, English on a desktop
// width and Chinese on a phone, and checks that it drew: the page's
// background and card, and both charts with their bar and line colours.
func TestHTMLDrawsInChromium(t *testing.T) {
	browser := chromium(t)
	for _, c := range []struct {
		lang  string
		width int
	}{{"en", 700}, {"zh", 380}} {
		page, err := PreviewHTML(newScenario(t).report(), c.lang)
		if err != nil {
			t.Fatal(err)
		}
		img := screenshot(t, browser, page, c.width, 2400)
		if b := img.Bounds(); b.Dx() != c.width {
			t.Fatalf("%s at %d: screenshot %v", c.lang, c.width, b)
		}
		background := near(img, color.RGBA{R: 0xf3, G: 0xf4, B: 0xf6, A: 0xff}, 2)
		card := near(img, color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}, 2)
		passed, failed := near(img, passColor(), 12), near(img, failColor(), 12)
		other, p90 := near(img, otherColor(), 12), near(img, p90Color(), 12)
		t.Logf("%s at %dpx: background %d, card %d, passed %d, failed %d, other %d, p90 %d px",
			c.lang, c.width, background, card, passed, failed, other, p90)
		if background < 10000 || card < 100000 || passed < 200 || failed < 200 || other < 50 || p90 < 5 {
			t.Errorf("%s at %dpx: the page did not draw all its parts", c.lang, c.width)
		}
	}
}
