package commands

// Level is how a reply should look: neutral, good news, a warning or a failure.
type Level int

const (
	Info Level = iota
	Success
	Warning
	Error
)

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
type Reply struct {
	Title   string
	Text    string
	Fields  []Field
	Code    string // a log tail, shown as a code block
	Links   []Link
	Buttons []Button
	// Public replies are shown to the whole conversation (write commands);
	// the others only to the asker where the platform allows it.
	Public bool
	Level  Level
	// Err marks a command that failed or was refused (exit status 1 in exec).
	Err bool
	// Follow, when set, names a build whose outcome should be posted to the
	// conversation once it finishes (/build, /restart).
	Follow *Follow
}

// Field is one labelled value of a reply.
type Field struct{ Name, Value string }

// Link points at a page, usually the build in Drone's UI.
type Link struct{ Text, URL string }

// Button offers a follow-up command. Action is "restart" or "logs"; Value
// names the build as "owner/name#N".
type Button struct{ Text, Action, Value string }

// Follow names the build to watch until it finishes.
type Follow struct {
	Repo   string
	Number int64
}

// errorReply is a one-sentence failure shown only to the asker.
// InternalErrorReply is what the asker is told, in lang, when their
// command failed inside the bot: no detail, which stays in the bot's log.
func InternalErrorReply(lang string) Reply { return errorReply(phrasesFor(lang).f(msgInternal)) }

func errorReply(sentence string) Reply {
	return Reply{Text: sentence, Level: Error, Err: true}
}
