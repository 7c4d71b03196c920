package commands

import (
	"fmt"
	"strings"
)

// RenderText renders a reply as plain text for a terminal (exec, demo).
// Buttons become the commands they stand for.
func RenderText(r Reply) string {
	var parts []string
	if r.Title != "" {
		parts = append(parts, r.Title)
	}
	if r.Text != "" {
		parts = append(parts, r.Text)
	}
	if len(r.Fields) > 0 {
		var b strings.Builder
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "%s: %s\n", f.Name, f.Value)
		}
		parts = append(parts, strings.TrimRight(b.String(), "\n"))
	}
	if r.Code != "" {
		parts = append(parts, "----\n"+r.Code+"\n----")
	}
	for _, l := range r.Links {
		parts = append(parts, fmt.Sprintf("%s: %s", l.Text, l.URL))
	}
	if len(r.Buttons) > 0 {
		var cmds []string
		for _, b := range r.Buttons {
			cmds = append(cmds, buttonCommand(b))
		}
		parts = append(parts, "next: "+strings.Join(cmds, " | "))
	}
	return strings.Join(parts, "\n") + "\n"
}

// buttonCommand is the chat command a button runs, e.g. "/restart octo/demo 42".
func buttonCommand(b Button) string {
	repo, n, _ := strings.Cut(b.Value, "#")
	return fmt.Sprintf("/%s %s %s", b.Action, repo, n)
}

// ButtonCommand is the command text an intake runs when a button is pressed.
func ButtonCommand(b Button) string { return buttonCommand(b) }
