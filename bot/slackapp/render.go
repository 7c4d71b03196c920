package slackapp

import (
	"fmt"
	"strings"

	slackapi "github.com/slack-go/slack"

	"github.com/dronebot/dronebot/bot/intake"
	"github.com/dronebot/dronebot/commands"
	"github.com/dronebot/dronebot/notify/slack"
)

// message is what a reply becomes on Slack: blocks plus the plain-text
// fallback shown in notifications and by clients without Block Kit.
type message struct {
	Blocks []slackapi.Block
	Text   string
	Public bool
}

// render turns a platform-neutral reply into a Slack message within Block
// Kit's limits. The log tail is cut from its start so the last lines stay.
func render(r commands.Reply) message {
	var head, body, tail []slackapi.Block
	if r.Title != "" {
		head = append(head, slackapi.NewHeaderBlock(slack.Plain(slack.CutRunes(intake.LevelMark(r.Level)+r.Title, slack.MaxHeaderText))))
	}
	for _, chunk := range slack.SplitText(slack.Escape(r.Text), slack.MaxSectionText) {
		body = append(body, slackapi.NewSectionBlock(slack.Mrkdwn(chunk), nil, nil))
	}
	for i := 0; i < len(r.Fields); i += slack.MaxSectionFields {
		var fields []*slackapi.TextBlockObject
		for _, f := range r.Fields[i:min(i+slack.MaxSectionFields, len(r.Fields))] {
			text := "*" + slack.Escape(f.Name) + "*\n" + slack.Escape(f.Value)
			fields = append(fields, slack.Mrkdwn(slack.CutRunes(text, slack.MaxFieldText)))
		}
		body = append(body, slackapi.NewSectionBlock(nil, fields, nil))
	}
	if r.Code != "" {
		tail = append(tail, slackapi.NewSectionBlock(slack.Mrkdwn(slack.CodeBlock(r.Code, slack.MaxSectionText)), nil, nil))
	}
	if links := renderLinks(r.Links); links != "" {
		tail = append(tail, slackapi.NewSectionBlock(slack.Mrkdwn(links), nil, nil))
	}
	tail = append(tail, actionBlocks(r.Buttons)...)

	// Over the block limit the middle gives way: the title, the log tail,
	// the links and the buttons are what people act on.
	if room := slack.MaxBlocks - len(head) - len(tail); len(body) > room {
		body = append(body[:max(room-1, 0)],
			slackapi.NewContextBlock("", slack.Mrkdwn("… the rest did not fit in one Slack message.")))
	}
	blocks := make([]slackapi.Block, 0, len(head)+len(body)+len(tail))
	blocks = append(append(append(blocks, head...), body...), tail...)
	if len(blocks) > slack.MaxBlocks {
		blocks = blocks[:slack.MaxBlocks]
	}
	return message{Blocks: blocks, Text: fallbackText(r), Public: r.Public}
}

func fallbackText(r commands.Reply) string {
	text := strings.TrimSpace(r.Title + "\n" + r.Text)
	if text == "" && r.Code != "" {
		text = "log tail"
	}
	return slack.CutRunes(slack.Escape(text), slack.MaxFallbackText)
}

// renderLinks writes the links as Slack mrkdwn <url|text> pairs; only http(s)
// URLs are linked.
func renderLinks(links []commands.Link) string {
	var parts []string
	for _, l := range links {
		if link := slack.Link(l.Text, l.URL); strings.HasPrefix(link, "<") {
			parts = append(parts, link)
		}
	}
	return slack.CutRunes(strings.Join(parts, "  ·  "), slack.MaxSectionText)
}

// actionBlocks turns buttons into actions blocks. Slack wants action ids
// unique within a block, so a repeated action starts a new block.
func actionBlocks(buttons []commands.Button) []slackapi.Block {
	var blocks []slackapi.Block
	var current []slackapi.BlockElement
	seen := map[string]bool{}
	flush := func() {
		if len(current) > 0 {
			blocks = append(blocks, slackapi.NewActionBlock(fmt.Sprintf("buttons-%d", len(blocks)+1), current...))
		}
		current, seen = nil, map[string]bool{}
	}
	for _, b := range buttons {
		if b.Action == "" || len(b.Value) > slack.MaxButtonValue {
			continue
		}
		if seen[b.Action] || len(current) == slack.MaxActionButtons {
			flush()
		}
		seen[b.Action] = true
		current = append(current, slackapi.NewButtonBlockElement(b.Action, b.Value, slack.Plain(slack.CutRunes(b.Text, slack.MaxButtonText))))
	}
	flush()
	if len(blocks) > slack.MaxActionBlocks {
		blocks = blocks[:slack.MaxActionBlocks]
	}
	return blocks
}
