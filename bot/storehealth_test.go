package bot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dronebot/dronebot/bot/config"
	"github.com/dronebot/dronebot/bot/store"
	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/dronetest"
)

func readyz(t *testing.T, addr string) (int, string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestStoreDeletedWhileRunningIsSaid(t *testing.T) {
	w := newAlertWorld(t)
	bot := startBot(t, w.path)
	bot.waitCycles(1)
	if code, body := readyz(t, bot.addr); code != http.StatusOK {
		t.Fatalf("/readyz = %d %q before anything happened", code, body)
	}
	db := filepath.Join(filepath.Dir(w.path), "bot.db")
	if err := os.Remove(db); err != nil {
		t.Fatal(err)
	}
	if code, body := readyz(t, bot.addr); code != http.StatusServiceUnavailable || !strings.Contains(body, db+" was deleted") {
		t.Errorf("/readyz = %d %q after the store file was deleted, want 503 saying so", code, body)
	}
	eventually(t, 30*time.Second, func() bool {
		return strings.Contains(bot.logs(), "the store cannot be trusted") && strings.Contains(bot.logs(), "was deleted")
	}, "the deletion to be logged")
	if n := strings.Count(bot.logs(), "the store cannot be trusted"); n != 1 {
		t.Errorf("the trouble was logged %d times, want once:\n%s", n, bot.logs())
	}
}

func TestStoreTruncatedBetweenRunsRefusesToStart(t *testing.T) {
	w := newAlertWorld(t)
	bot := startBot(t, w.path)
	bot.waitCycles(1)
	bot.stop(syscall.SIGTERM)
	db := filepath.Join(filepath.Dir(w.path), "bot.db")
	if err := os.Truncate(db, 0); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary, "run", "--config", w.path).CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "not starting: store "+db+" is empty") ||
		strings.Contains(string(out), "dronebot is running") {
		t.Errorf("exit %d, output:\n%s\nwant exit 1 and one sentence naming the empty store", code, out)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestStoreDamagedWhileRunningFailsReadiness(t *testing.T) {
	ctx := t.Context()
	fake := dronetest.New(drone.DialectV1)
	defer fake.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "bot.db")
	// A store with history enough for many pages.
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 400 {
		if err := st.RecordBuild(ctx, store.BuildRecord{Repo: fmt.Sprintf("octo/r%02d", i%40), Number: int64(i + 1),
			Branch: "main", Event: "push", Status: "success", Author: strings.Repeat("someone ", 20),
			Started: time.Now().Add(-time.Hour), Finished: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	cfg, rep, err := config.Parse(filepath.Join(dir, "bot.yaml"), []byte(fmt.Sprintf(
		"drone: {server: %q, token: %q}\nstore: {path: %q}\n", fake.URL, fake.Token, db)), nil)
	if err != nil || rep.HasErrors() {
		t.Fatalf("config: %v %v", err, rep.Err())
	}
	var logs syncBuffer
	svc, err := New(ctx, cfg, slog.New(slog.NewTextHandler(&logs, nil)), Deps{StoreCheck: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.store.Close()
	svc.ready.Store(true)
	probe := func() (int, string) {
		rec := httptest.NewRecorder()
		svc.readyz(rec, httptest.NewRequest("GET", "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := probe(); code != http.StatusOK {
		t.Fatalf("/readyz = %d %q on a sound store", code, body)
	}

	f, err := os.OpenFile(db, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 1024))
	for off := int64(2 * 4096); off < info.Size()-4096; off += 3 * 4096 {
		f.WriteAt(junk, off)
	}
	f.Close()

	if err := svc.checkStore(ctx, true); err == nil {
		t.Fatal("the periodic check found nothing wrong with a damaged store")
	}
	if code, body := probe(); code != http.StatusServiceUnavailable || !strings.Contains(body, db+" is damaged") {
		t.Errorf("/readyz = %d %q on a damaged store, want 503 naming it", code, body)
	}
	if !strings.Contains(logs.String(), "the store cannot be trusted") {
		t.Errorf("the damage was not logged:\n%s", logs.String())
	}
}
