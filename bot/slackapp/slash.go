package slackapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/dronebot/dronebot/notify/slack"
	"io"
	"net/http"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/commands"
)

// handleCommand serves POST /slack/commands: verify, acknowledge at once,
// run in the background, answer through response_url.
func (a *App) handleCommand(w http.ResponseWriter, r *http.Request) string {
	body, rej := a.readSigned(w, r)
	if rej != nil {
		return a.reject(w, "commands", rej)
	}
	if a.replayed(r, body) {
		w.WriteHeader(http.StatusOK) // acknowledged, nothing shown, nothing run
		return "duplicate"
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cmd, err := slackapi.SlashCommandParse(r)
	if err != nil {
		return a.reject(w, "commands", &rejection{http.StatusBadRequest, "malformed", errors.New("form does not parse")})
	}
	j, err := a.slashJob(cmd, "commands")
	if err != nil {
		return a.reject(w, "commands", &rejection{http.StatusBadRequest, "malformed", err})
	}
	if !a.teamAllowed(cmd.TeamID) {
		a.log.Warn("slack command from a team not allowed", "team", cmd.TeamID, "who", j.req.From.String())
		writeJSON(w, ackPayload(refusedTeam))
		return "team_refused"
	}
	a.start(j)
	writeJSON(w, ackPayload(workingOn(j.req.Text)))
	return "ok"
}

// slashJob turns a slash command into a job. "/drone status x" and
// "/status x" become the same command text.
func (a *App) slashJob(cmd slackapi.SlashCommand, route string) (job, error) {
	if cmd.UserID == "" || cmd.Command == "" {
		return job{}, errors.New("user_id or command missing")
	}
	received := a.now()
	j := job{
		route:    route,
		channel:  cmd.ChannelID,
		received: received,
		req: commands.Request{
			Text:         strings.TrimSpace(cmd.Command + " " + cmd.Text),
			From:         commands.Identity{Platform: "slack", ID: cmd.UserID},
			Conversation: commands.Conversation{Platform: "slack", ID: cmd.ChannelID},
		},
	}
	if cmd.ResponseURL != "" {
		ru, err := newResponseURL(cmd.ResponseURL, received)
		if err != nil {
			return job{}, err
		}
		j.respond = ru
	}
	if j.respond == nil && (a.api == nil || j.channel == "") {
		return job{}, errors.New("no response_url and no way to post to the channel")
	}
	return j, nil
}

// ack is the immediate, ephemeral answer to a slash command.
type ack struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

func ackPayload(text string) ack {
	return ack{ResponseType: slackapi.ResponseTypeEphemeral, Text: text}
}

func workingOn(text string) string {
	return "Working on `" + slack.Escape(slack.CutRunes(strings.ReplaceAll(text, "`", "'"), 200)) + "`…"
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

// ackDeadline is when the acknowledgement must be written.
func (a *App) ackDeadline() time.Time { return time.Now().Add(a.cfg.AckTimeout) }
