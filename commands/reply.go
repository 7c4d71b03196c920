package commands

// Level is how a reply should look: neutral, good news, a warning or a failure.
type Level int

const (
	Info Level = iota
	Success
	Warning
	Error
)

// MarshalText writes the level by name, as in JSON replies.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

func (l Level) String() string {
	switch l {
	case Success:
		return "success"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "info"
}

// Reply is a platform-neutral answer; each intake renders it for its platform.
// Its JSON form (exec --format json) uses the tags below.
type Reply struct {
	Title   string   `json:"title,omitempty"`
	Text    string   `json:"text,omitempty"`
	Fields  []Field  `json:"fields,omitempty"`
	Code    string   `json:"code,omitempty"` // a log tail, shown as a code block
	Links   []Link   `json:"links,omitempty"`
	Buttons []Button `json:"buttons,omitempty"`
	// Public replies are shown to the whole conversation (write commands);
	// the others only to the asker where the platform allows it.
	Public bool  `json:"public"`
	Level  Level `json:"level"`
	// Err marks a command that failed or was refused (exit status 1 in exec).
	Err bool `json:"error"`
	// Follow, when set, names a build whose outcome should be posted to the
	// conversation once it finishes (/build, /restart).
	Follow *Follow `json:"follow,omitempty"`
}

// Field is one labelled value of a reply.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Link points at a page, usually the build in Drone's UI.
type Link struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// Button offers a follow-up command. Action is "restart" or "logs"; Value
// names the build as "owner/name#N".
type Button struct {
	Text   string `json:"text"`
	Action string `json:"action"`
	Value  string `json:"value"`
}

// Follow names the build to watch until it finishes.
type Follow struct {
	Repo   string `json:"repo"`
	Number int64  `json:"number"`
}

// errorReply is a one-sentence failure shown only to the asker.
// InternalErrorReply is what the asker is told, in lang, when their
// command failed inside the bot: no detail, which stays in the bot's log.
func InternalErrorReply(lang string) Reply { return errorReply(phrasesFor(lang).f(msgInternal)) }

func errorReply(sentence string) Reply {
	return Reply{Text: sentence, Level: Error, Err: true}
}
