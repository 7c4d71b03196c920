package slackapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/dronebot/dronebot/notify/slack"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/commands"
)

// handleInteraction serves POST /slack/interactions: button clicks. Each
// button runs its command as the user who clicked, so the ACL applies.
func (a *App) handleInteraction(w http.ResponseWriter, r *http.Request) string {
	body, rej := a.readSigned(w, r)
	if rej != nil {
		return a.reject(w, "interactions", rej)
	}
	if a.replayed(r, body) {
		w.WriteHeader(http.StatusOK)
		return "duplicate"
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("payload") == "" {
		return a.reject(w, "interactions", &rejection{http.StatusBadRequest, "malformed", errors.New("no payload field")})
	}
	var cb slackapi.InteractionCallback
	if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
		return a.reject(w, "interactions", &rejection{http.StatusBadRequest, "malformed", errors.New("payload is not JSON")})
	}
	jobs, result, err := a.interactionJobs(cb, "interactions")
	if err != nil {
		return a.reject(w, "interactions", &rejection{http.StatusBadRequest, "malformed", err})
	}
	for _, j := range jobs {
		a.start(j)
	}
	w.WriteHeader(http.StatusOK)
	return result
}

// interactionJobs turns the clicked buttons of a block_actions payload into
// jobs. Other interaction types are acknowledged and ignored.
func (a *App) interactionJobs(cb slackapi.InteractionCallback, route string) ([]job, string, error) {
	if cb.Type != slackapi.InteractionTypeBlockActions {
		return nil, "ignored", nil
	}
	if cb.User.ID == "" {
		return nil, "", errors.New("block_actions without a user")
	}
	received := a.now()
	var respond *responseURL
	if cb.ResponseURL != "" {
		ru, err := newResponseURL(cb.ResponseURL, received)
		if err != nil {
			return nil, "", err
		}
		respond = ru
	}
	channel := cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	base := job{
		route: route, respond: respond, channel: channel, received: received,
		req: commands.Request{
			From:         commands.Identity{Platform: "slack", ID: cb.User.ID},
			Conversation: commands.Conversation{Platform: "slack", ID: channel},
		},
	}
	if !a.teamAllowed(cb.Team.ID) {
		a.log.Warn("slack button from a team not allowed", "team", cb.Team.ID, "who", base.req.From.String())
		return nil, "team_refused", nil
	}
	var jobs []job
	for _, action := range cb.ActionCallback.BlockActions {
		text, err := buttonCommand(action.ActionID, action.Value)
		if err != nil {
			a.log.Warn("slack button ignored", "action", action.ActionID, "err", err)
			continue
		}
		j := base
		j.req.Text = text
		jobs = append(jobs, j)
	}
	return jobs, "ok", nil
}

// buildRef is a button value: "owner/name#N".
var buildRef = regexp.MustCompile(`^([A-Za-z0-9._-]+/[A-Za-z0-9._-]+)#([0-9]{1,18})$`)

// buttonCommand is the command a button stands for. The value is checked
// strictly so a forged value cannot add arguments to the command.
func buttonCommand(action, value string) (string, error) {
	if action != slack.ActionRestart && action != slack.ActionLogs {
		return "", fmt.Errorf("unknown action %q", slack.CutRunes(action, 40))
	}
	m := buildRef.FindStringSubmatch(strings.TrimSpace(value))
	if m == nil {
		return "", errors.New("button value is not owner/name#N")
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return "", fmt.Errorf("build number: %w", err)
	}
	return fmt.Sprintf("/%s %s %d", action, m[1], n), nil
}
