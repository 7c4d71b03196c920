package dronetest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/dronebot/dronebot/drone"
)

// wpPing is how often an idle Woodpecker stream sends its ": ping" comment.
const wpPing = 30 * time.Second

// wpSub is one client of /api/stream/events: it hears of public
// repositories, and of the private ones in repos, fixed when it connected,
// as on the real server.
type wpSub struct {
	repos  map[int64]bool
	frames chan []byte
}

func (sub *wpSub) hears(r *repoState) bool { return !r.opts.Private || sub.repos[r.id] }

// streamHeaders start a server-sent event stream.
func streamHeaders(w http.ResponseWriter) (http.Flusher, bool) {
	f, ok := w.(http.Flusher)
	if !ok {
		return nil, false
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(": ping\n\n"))
	f.Flush()
	return f, true
}

// wpEvents is GET /api/stream/events: one data frame {"repo","pipeline"}
// for every change of a pipeline, workflows included, without id or event
// fields. A guest hears public repositories only; the user also the
// active private ones.
func (s *Server) wpEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	sub := &wpSub{repos: map[int64]bool{}, frames: make(chan []byte, 512)}
	authed := s.wpAuthed(r)
	for _, repo := range s.wpReposLocked() {
		if authed && repo.active {
			sub.repos[repo.id] = true
		}
	}
	s.wp.subs[sub] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.wp.subs, sub)
		s.mu.Unlock()
	}()
	f, ok := streamHeaders(w)
	if !ok {
		return
	}
	ping := time.NewTicker(wpPing)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			_, _ = w.Write([]byte(": ping\n\n"))
		case frame, open := <-sub.frames:
			if !open {
				return // too slow, or the server closes
			}
			_, _ = w.Write(frame)
		}
		f.Flush()
	}
}

// publishLocked tells every event stream that may hear of r about b. A
// stream too slow to keep up is closed; its client reconnects.
func (s *Server) publishLocked(r *repoState, b *buildState) {
	if len(s.wp.subs) > 0 {
		body, err := json.Marshal(struct {
			Repo     *repoWP     `json:"repo"`
			Pipeline *pipelineWP `json:"pipeline"`
		}{s.repoWPLocked(r), s.pipelineWPLocked(r, b, true)})
		if err == nil {
			frame := append(append([]byte("data: "), body...), '\n', '\n')
			for sub := range s.wp.subs {
				if !sub.hears(r) {
					continue
				}
				select {
				case sub.frames <- frame:
				default:
					close(sub.frames)
					delete(s.wp.subs, sub)
				}
			}
		}
	}
	close(s.wp.changed)
	s.wp.changed = make(chan struct{})
}

// EndStreams ends every open event stream, as a restart of the server
// does; clients reconnect.
func (s *Server) EndStreams() { s.closeStreams() }

// closeStreams ends every open stream, so Close does not wait for them.
func (s *Server) closeStreams() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.wp.subs {
		close(sub.frames)
		delete(s.wp.subs, sub)
	}
}

// wpLogStream is GET /api/stream/logs/{repo}/{number}/{step id}: the lines
// so far as "id: N" frames, then each new one until the step ends, then
// "event: eof". A step still pending gets no lines and eof once it has
// run. Errors come as "event: error" frames with status 200.
func (s *Server) wpLogStream(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	repo, fail := s.wpRepoByID(r, false)
	s.mu.Unlock()
	if fail != nil {
		fail(w)
		return
	}
	// The step is looked at before the stream starts, so that what a
	// client does after the first ping does not change the answer.
	var problem string
	var i, j int
	var wasPending bool
	n, err := strconv.ParseInt(r.PathValue("number"), 10, 64)
	id, err2 := strconv.ParseInt(r.PathValue("step"), 10, 64)
	from, _ := strconv.Atoi(r.Header.Get("Last-Event-ID"))
	s.mu.Lock()
	_, b := s.findLocked(repo.slug(), n)
	found := false
	if b != nil {
		i, j, found = findStepID(b, id)
	}
	switch {
	case err != nil:
		problem = "pipeline number invalid"
	case err2 != nil:
		problem = "step id invalid"
	case b == nil:
		problem = "pipeline not found"
	case !found:
		problem = "process not found"
	case b.spec.Stages[i].Steps[j].Status.Done():
		problem = "step not running (anymore)"
	default:
		wasPending = !wpRan(b.spec.Stages[i].Steps[j].Status)
	}
	s.mu.Unlock()
	f, ok := streamHeaders(w)
	if !ok {
		return
	}
	frame := func(format string, a ...any) {
		_, _ = fmt.Fprintf(w, format, a...)
		f.Flush()
	}
	if problem != "" {
		frame("event: error\ndata: %s\n\n", problem)
		return
	}

	ping := time.NewTicker(wpPing)
	defer ping.Stop()
	for {
		s.mu.Lock()
		_, b = s.findLocked(repo.slug(), n)
		step := b.spec.Stages[i].Steps[j]
		var entries []logEntryWP
		if !wasPending {
			entries = s.logEntriesLocked(b, i, j, from)
		}
		changed := s.wp.changed
		s.mu.Unlock()
		for _, e := range entries {
			e.ID = 0 // the stream does not number entries in the body
			body, _ := json.Marshal(e)
			from = e.Line + 1
			frame("id: %d\ndata: %s\n\n", from, body)
		}
		if step.Status.Done() || (wasPending && wpRan(step.Status)) {
			frame("event: eof\ndata: eof\n\n")
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-ping.C:
			frame(": ping\n\n")
		case <-changed:
		}
	}
}

// wpBadge is the SVG status badge of the default branch (or ?branch=).
func (s *Server) wpBadge(r *http.Request) answer {
	var repo *repoState
	if r.PathValue("id") != "" {
		for _, c := range s.wpReposLocked() {
			if itoa(c.id) == r.PathValue("id") {
				repo = c
			}
		}
	} else if c := s.repos[r.PathValue("owner")+"/"+r.PathValue("name")]; c != nil && c.everActive && !c.removed {
		repo = c
	}
	if repo == nil {
		return emptyV08(http.StatusNotFound)
	}
	branch := r.URL.Query().Get("branch")
	if branch == "" {
		branch = repo.opts.DefaultBranch
	}
	label, color := "none", "#9f9f9f"
	for i := len(repo.builds) - 1; i >= 0; i-- {
		if b := repo.builds[i]; b.spec.Branch == branch && b.spec.Event == drone.EventPush {
			label, color = badgeStatus(b.spec.Status)
			break
		}
	}
	svg := badgeSVG("pipeline", label, color)
	return func(w http.ResponseWriter) { writeRaw(w, http.StatusOK, "image/svg+xml", []byte(svg)) }
}

func badgeStatus(st drone.Status) (label, color string) {
	switch st {
	case drone.StatusSuccess:
		return "success", "#44cc11"
	case drone.StatusFailure:
		return "failure", "#e05d44"
	case drone.StatusPending, drone.StatusRunning:
		return "started", "#dfb317"
	case drone.StatusError, drone.StatusKilled:
		return "error", "#9f9f9f"
	}
	return "none", "#9f9f9f"
}

// dejaVuAdvance are DejaVu Sans advance widths (of 2048 per em) of the
// letters the badges use.
var dejaVuAdvance = map[rune]int{
	'a': 1255, 'c': 1126, 'd': 1300, 'e': 1260, 'f': 721, 'i': 569, 'l': 569, 'n': 1298,
	'o': 1253, 'p': 1300, 'r': 842, 's': 1067, 't': 803, 'u': 1298,
}

// badgeWidth is a text's box width at 11px: the text plus the padding.
func badgeWidth(text string) int {
	units := 0
	for _, c := range text {
		if a, ok := dejaVuAdvance[c]; ok {
			units += a
		} else {
			units += 1200
		}
	}
	return int(math.Round(float64(units)*11/2048)) + 5
}

func badgeSVG(subject, status, color string) string {
	lw, sw := badgeWidth(subject), badgeWidth(status)
	w := lw + sw
	lx := strconv.FormatFloat(float64(lw)/2+1, 'f', -1, 64)
	sx := strconv.FormatFloat(float64(lw)+float64(sw)/2-1, 'f', -1, 64)
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="%d" height="20">`+
		`<linearGradient id="smooth" x2="0" y2="100%%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`+
		`<mask id="round"><rect width="%d" height="20" rx="3" fill="#fff"/></mask>`+
		`<g mask="url(#round)"><rect width="%d" height="20" fill="#555"/><rect x="%d" width="%d" height="20" fill="%s"/><rect width="%d" height="20" fill="url(#smooth)"/></g>`+
		`<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">`+
		`<text x="%s" y="15" fill="#010101" fill-opacity=".3">%s</text><text x="%s" y="14">%s</text>`+
		`<text x="%s" y="15" fill="#010101" fill-opacity=".3">%s</text><text x="%s" y="14">%s</text></g></svg>`,
		w, w, lw, lw, sw, color, w, lx, subject, lx, subject, sx, status, sx, status)
}
