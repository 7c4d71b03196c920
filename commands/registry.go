// Package commands turns chat text into Drone calls and platform-neutral
// replies: it parses the text, checks the ACL, runs the command against a
// drone.Client and answers with a Reply that each chat intake renders.
package commands

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dronebot/dronebot/drone"
	"github.com/dronebot/dronebot/drone/logtext"
	"github.com/dronebot/dronebot/spell"
)

// Request is one command as received from a chat platform or the terminal.
type Request struct {
	Text         string
	From         Identity
	Conversation Conversation
	// TailLines is how many log lines the platform can show (0 means 30).
	TailLines int
}

// Deps are what the commands need from the outside.
type Deps struct {
	Drone  drone.Client
	ACL    *ACL // nil: everyone may read, nobody but the terminal may write
	Subs   Subscriptions
	Logger *slog.Logger
	Now    func() time.Time
	// Lang is "en" or "zh" ("zh-…" too): the language of the replies.
	Lang string
	// Observe, when set, is told every command's name and result: "ok",
	// "error", "refused", "usage" or "unknown".
	Observe func(command, result string)
	// DroneURL is the Drone UI's base URL for build links
	// ({DroneURL}/{slug}/{number}); empty means no links.
	DroneURL string
	// Timeout bounds one command (default 60s) unless ctx ends sooner.
	Timeout time.Duration
	// Masker hides secrets in log tails; give it the bot's own tokens.
	// Nil masks the usual patterns only.
	Masker *logtext.Masker
}

// Command is one chat command.
type Command struct {
	Name  string
	Usage string // the usage line, e.g. "/restart owner/name N"
	Help  string // one sentence
	Class Class
	// repoArg says the first argument names a repository, which may then
	// be given by its name alone when that is unique among active ones.
	repoArg bool
	// parse checks the arguments and returns what to run; it makes no
	// request, so a usage error or a refusal costs Drone nothing.
	parse func(r *Registry, a Args, req Request) (call, error)
}

// call is a parsed command ready to run: repo is what the ACL checks ("" for
// none, a glob for /subscribe).
type call struct {
	repo string
	run  func(ctx context.Context) (Reply, error)
}

// Registry holds the commands and their dependencies.
type Registry struct {
	deps   Deps
	log    *slog.Logger
	masker *logtext.Masker
	// phrases are the replies in Deps.Lang naming Drone, wpPhrases the same
	// naming Woodpecker; woodpecker says which one the server needs, known
	// once the client found its dialect.
	phrases    *phrases
	wpPhrases  *phrases
	woodpecker atomic.Bool
	commands   map[string]Command
	order      []string // the names in the design's table order, for help
}

// NewRegistry returns a Registry with every built-in command.
func NewRegistry(d Deps) *Registry {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Subs == nil {
		d.Subs = NewMemorySubscriptions()
	}
	if d.Timeout <= 0 {
		d.Timeout = 60 * time.Second
	}
	if d.Masker == nil {
		d.Masker = logtext.NewMasker()
	}
	d.DroneURL = strings.TrimRight(d.DroneURL, "/")
	r := &Registry{deps: d, log: d.Logger, masker: d.Masker, phrases: phrasesFor(d.Lang),
		wpPhrases: woodpeckerPhrases(d.Lang), commands: map[string]Command{}}
	for _, c := range builtins() {
		if help := r.phrases.help[c.Name]; help != "" {
			c.Help = help
		}
		r.commands[c.Name] = c
		r.order = append(r.order, c.Name)
	}
	return r
}

// say is the phrase table for the replies: the asker's language, naming
// the server the bot talks to.
func (r *Registry) say() *phrases {
	if r.woodpecker.Load() {
		return r.wpPhrases
	}
	return r.phrases
}

// learnServer notes whether the server is Woodpecker, once the client
// knows its dialect (a detection is one request, the first time only).
func (r *Registry) learnServer(ctx context.Context) {
	if d, err := r.deps.Drone.Dialect(ctx); err == nil {
		r.woodpecker.Store(d == drone.DialectWoodpecker)
	}
}

// Commands lists the commands in the order of the design's table, for help.
func (r *Registry) Commands() []Command {
	out := make([]Command, 0, len(r.order))
	for _, name := range r.order {
		out = append(out, r.commands[name])
	}
	return out
}

// Run parses and runs one command and always answers. It never panics and
// never puts a secret, a stack trace or a raw server error in the reply.
func (r *Registry) Run(ctx context.Context, req Request) (reply Reply) {
	metric, result := "unknown", "error"
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("command panicked", "command", metric, "who", req.From.String(),
				"panic", r.masker.Mask(fmt.Sprint(p)), "stack", string(debug.Stack()))
			reply, result = errorReply(r.say().f(msgInternal)), "error"
		}
		if r.deps.Observe != nil {
			r.deps.Observe(metric, result)
		}
	}()

	name, args, perr := Parse(req.Text)
	cmd, ok := r.commands[name]
	if !ok {
		result = "unknown" // the typed name is not used as a label: it is unbounded
		return errorReply(r.unknown(name).in(r.say()))
	}
	metric = cmd.Name
	if perr != nil {
		result = "usage"
		msg, _ := usageMessage(perr)
		return r.usageReply(cmd, msg)
	}
	ctx, cancel := context.WithTimeout(withAsker(ctx, req.From), r.deps.Timeout)
	defer cancel()
	if cmd.repoArg && len(args.Positional) > 0 && bareRepoName(args.Positional[0]) {
		r.learnServer(ctx)
		if err := r.resolveRepoArg(ctx, &args); err != nil {
			reply, result = r.failure(cmd, err)
			return reply
		}
	}
	c, err := cmd.parse(r, args, req)
	if err != nil {
		if msg, isUsage := usageMessage(err); isUsage {
			result = "usage"
			return r.usageReply(cmd, msg)
		}
		reply, result = r.failure(cmd, err)
		return reply
	}
	if !r.deps.ACL.Allows(req.From, cmd.Class, c.repo) {
		result = "refused"
		r.audit(req, cmd, c.repo, result)
		p := r.say()
		text := p.f(msgNotAllowedOn, cmd.Name, c.repo)
		if c.repo == "" {
			text = p.f(msgNotAllowed, cmd.Name)
		}
		return errorReply(text + r.grantedBy())
	}

	if c.repo != "" || cmd.Name == "repos" {
		r.learnServer(ctx)
	}
	reply, err = c.run(ctx)
	if err != nil {
		reply, result = r.failure(cmd, err)
	} else {
		result = "ok"
		reply.Public = reply.Public || cmd.Class != Read
	}
	if cmd.Class != Read {
		r.audit(req, cmd, c.repo, result, paramKeys(args)...)
	}
	return reply
}

// grantedBy is the sentence after a refusal saying who can grant the right.
func (r *Registry) grantedBy() string {
	if r.deps.ACL != nil && strings.TrimSpace(r.deps.ACL.Contact) != "" {
		return r.say().f(msgAskContact, shorten(strings.TrimSpace(r.deps.ACL.Contact), 100))
	}
	return r.say().f(msgAskOperator)
}

// audit writes one line per refusal and per write command: who, from where,
// what, on which repository, and how it ended. Parameter values are left
// out because they may hold secrets.
func (r *Registry) audit(req Request, cmd Command, repo, result string, extra ...any) {
	attrs := []any{"who", req.From.String(), "platform", req.From.Platform,
		"conversation", req.Conversation.String(), "command", cmd.Name,
		"class", cmd.Class.String(), "repo", repo, "result", result}
	r.log.Info("audit", append(attrs, extra...)...)
}

func paramKeys(a Args) []any {
	if len(a.Params) == 0 {
		return nil
	}
	keys := make([]string, 0, len(a.Params))
	for k := range a.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return []any{"params", strings.Join(keys, ",")}
}

// unknown is the sentence for an unknown command, with the likely one.
func (r *Registry) unknown(name string) message {
	shown := name
	if len(shown) > 40 {
		shown = shown[:40] + "…"
	}
	if best := closestName(name, r.Commands()); best != "" {
		return say(msgUnknownDidYouMean, shown, best)
	}
	return say(msgUnknownCommand, shown)
}

func (r *Registry) usageReply(cmd Command, msg message) Reply {
	if msg.id == msgNone {
		return errorReply(r.say().f(msgUsage, cmd.Usage))
	}
	return errorReply(r.say().f(msgUsageAfter, msg.in(r.say()), cmd.Usage))
}

// closestName is the command name nearest to name by edit distance, or ""
// when none is close enough to be a typo.
func closestName(name string, cmds []Command) string {
	best, bestDist := "", 3
	for _, c := range cmds {
		if strings.HasPrefix(c.Name, name) && name != "" {
			return c.Name
		}
		if d := spell.Distance(name, c.Name); d < bestDist {
			best, bestDist = c.Name, d
		}
	}
	return best
}
